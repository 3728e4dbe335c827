package dev.jrun.service;

import dev.jrun.ExitCodes;
import dev.jrun.net.Cidr;
import dev.jrun.net.Ipv4;
import dev.jrun.net.Leases;
import dev.jrun.net.Links;
import dev.jrun.net.Nat;
import dev.jrun.net.NetworkException;
import dev.jrun.net.RtNetlink;
import dev.jrun.sys.NetlinkException;
import dev.jrun.plan.Plan;
import dev.jrun.plan.PlanCodec;
import dev.jrun.plan.Step;
import dev.jrun.runner.RunOptions;
import dev.jrun.runner.Runner;
import dev.jrun.runner.RunnerException;
import dev.jrun.runner.state.ContainerState;
import dev.jrun.runner.state.StateDir;
import dev.jrun.runner.supervise.Supervisor;
import dev.jrun.sys.LibcSyscalls;
import dev.jrun.sys.Linux;
import dev.jrun.sys.LinuxHost;
import dev.jrun.sys.ProcStat;
import dev.jrun.sys.SyscallException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * This user's jrun service: the parent of every detached container, so that one JVM (~30 MB)
 * supervises them all, where a JVM per container would cost that each (docs/design.md,
 * "Detached containers"). A container is one thread running {@link Supervisor} on the plan the
 * client left in the container's folder; the thread lives as long as the container (the helpers
 * it starts die with that thread), records the pid when the process starts and the exit status
 * when it ends. The containers do not depend on the service: their death signal is cleared and
 * their output goes to a log file, so a SIGKILLed service leaves them running, manageable by the
 * other commands, their exit status then unknown.
 *
 * <p>One service per user (a lock file), on a unix socket in the state folder; started by the
 * first {@code run -d} ({@link ServiceClient}) and gone once it has supervised nothing for
 * {@link #IDLE_MILLIS}.
 */
public final class Service {
    static final long IDLE_MILLIS = 2000;

    private final StateDir state;
    private final Runner runner;
    private final int selfPid;
    private final long selfStart;
    private final Map<String, Container> containers = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile long lastActivity = System.nanoTime();

    private Service(StateDir state, Runner runner) {
        this.state = state;
        this.runner = runner;
        ProcStat me = ProcStat.self();
        this.selfPid = me.pid();
        this.selfStart = me.startTime();
    }

    /** Serves until idle; 0, or SERVICE_RUNNING when another service of this user holds the lock. */
    public static int serve(StateDir state, RunOptions options) throws IOException {
        LibcSyscalls.sys(Linux.NR.setsid(), 0, 0, 0, 0, 0, 0); // no terminal: ^C in the shell that started it is not for it
        try (FileChannel lockFile = FileChannel.open(state.root().resolve("service.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
             FileLock lock = lockFile.tryLock()) {
            if (lock == null) return dev.jrun.ExitCodes.SERVICE_RUNNING;
            return new Service(state, Runner.forService(options)).loop();
        }
    }

    private int loop() throws IOException {
        Path socket = state.serviceSocket();
        Files.deleteIfExists(socket); // a dead service's: the lock says none is alive
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
             Selector selector = Selector.open()) {
            server.bind(UnixDomainSocketAddress.of(socket));
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
            while (true) {
                selector.select(200);
                selector.selectedKeys().clear();
                SocketChannel client;
                while ((client = server.accept()) != null) {
                    lastActivity = System.nanoTime();
                    inFlight.incrementAndGet();
                    Thread t = new Thread(new Connection(client), "jrun-service-request");
                    t.setDaemon(true);
                    t.start();
                }
                if (containers.isEmpty() && inFlight.get() == 0 && System.nanoTime() - lastActivity > IDLE_MILLIS * 1_000_000L) {
                    // New clients find no socket and start a service of their own, which waits for this lock.
                    Files.deleteIfExists(socket);
                    if (server.accept() == null) return 0;
                }
            }
        }
    }

    /** One request and its reply. A class, not a lambda (docs/design.md, AOT). */
    private final class Connection implements Runnable {
        private final SocketChannel ch;

        Connection(SocketChannel ch) {
            this.ch = ch;
        }

        @Override
        public void run() {
            try (ch) {
                ch.configureBlocking(true);
                Map<String, Object> request = Wire.receive(ch);
                Wire.send(ch, handle(request));
            } catch (IOException | RuntimeException e) {
                System.err.println("jrun service: " + e);
            } finally {
                lastActivity = System.nanoTime();
                inFlight.decrementAndGet();
            }
        }
    }

    private Map<String, Object> handle(Map<String, Object> request) {
        String op = String.valueOf(request.get("op"));
        return switch (op) {
            case "ping" -> Map.of("ok", true, "pid", selfPid);
            case "connect", "disconnect" -> {
                String theirs = String.valueOf(request.get("netns"));
                if (!theirs.equals(ServiceClient.netns("self"))) {
                    yield error("this user's jrun service runs in network namespace " + ServiceClient.netns("self")
                            + ", this command in " + theirs + ": run it where the container was started", ExitCodes.FAILED);
                }
                Container c = containers.get(String.valueOf(request.get("name")));
                if (c == null || c.current == null) {
                    yield error("container " + request.get("name") + " is not running under this service", ExitCodes.FAILED);
                }
                String bridge = String.valueOf(request.get("bridge"));
                yield op.equals("connect") ? c.connect(bridge, String.valueOf(request.get("subnet"))) : c.disconnect(bridge);
            }
            case "run" -> {
                // The container's network namespace is the service's: a client in another one
                // (a test's `unshare --net`) would get its bridge and addresses in the wrong place.
                String theirs = String.valueOf(request.get("netns"));
                String mine = ServiceClient.netns("self");
                if (!theirs.equals(mine)) {
                    yield error("this user's jrun service runs in network namespace " + mine + ", this command in " + theirs
                            + ": give this one a state folder of its own with JRUN_STATE_DIR", ExitCodes.FAILED);
                }
                yield start(String.valueOf(request.get("name")));
            }
            default -> error("unknown request " + op, ExitCodes.USAGE);
        };
    }

    static Map<String, Object> error(String message, int exit) {
        return Map.of("ok", false, "error", message, "exit", exit);
    }

    /** Starts the container whose folder the client made; the reply comes once its process runs, or its error. */
    private Map<String, Object> start(String name) {
        Path dir = state.container(name);
        Plan plan;
        ContainerState created;
        try {
            created = ContainerState.read(dir);
            byte[] bytes = Files.readAllBytes(dir.resolve(StateDir.PLAN));
            List<Step> steps = PlanCodec.decode(bytes, 0, bytes.length);
            plan = new Plan(null, steps);
        } catch (IOException e) {
            return error("container " + name + ": " + e.getMessage(), ExitCodes.FAILED);
        }
        CompletableFuture<Map<String, Object>> reply = new CompletableFuture<>();
        Container container = new Container(name, dir, plan, created, reply);
        if (containers.putIfAbsent(name, container) != null) {
            return error("container " + name + " is already running", ExitCodes.FAILED);
        }
        new Thread(container, "jrun-container-" + name).start();
        try {
            return reply.get();
        } catch (InterruptedException | ExecutionException e) {
            return error("container " + name + ": " + e, ExitCodes.FAILED);
        }
    }

    /** The thread of one container, as long as it lives. */
    private final class Container implements Runnable {
        private final String name;
        private final Path dir;
        private final Plan plan;
        private final ContainerState created;
        private final CompletableFuture<Map<String, Object>> reply;
        private volatile ContainerState current;
        /** What `network connect` added, undone by disconnect or when the container ends. */
        private final List<Attachment> attachments = new java.util.ArrayList<>();

        /** One more interface: a veth from {@code bridge} into the container, with a leased address. */
        private record Attachment(String bridge, String veth, String ifname, Leases.Lease lease) {
            void undo() {
                try (Links l = Links.open()) {
                    l.deleteLink(veth);
                } catch (NetlinkException e) {
                    System.err.println("jrun service: removing " + veth + ": " + e.getMessage());
                }
                try {
                    lease.close();
                } catch (NetworkException e) {
                    System.err.println("jrun service: releasing " + lease.address() + ": " + e.getMessage());
                }
            }
        }

        synchronized Map<String, Object> connect(String bridge, String subnetText) {
            for (Attachment a : attachments) {
                if (a.bridge().equals(bridge)) return error("container " + name + " is on bridge " + bridge + " already (" + a.ifname() + ")",
                        ExitCodes.FAILED);
            }
            Cidr subnet;
            try {
                subnet = Cidr.parse(subnetText);
            } catch (IllegalArgumentException e) {
                return error("--subnet " + subnetText + ": " + e.getMessage(), ExitCodes.USAGE);
            }
            int pid = current.pid();
            String netns = "/proc/" + pid + "/ns/net";
            Leases.Lease lease = null;
            String veth = null;
            try {
                lease = Leases.acquire(bridge, subnet, null, Nat.hooks(bridge, subnet, true));
                Ipv4 gateway = Leases.gateway(subnet);
                String ifname;
                try (Links in = Links.openIn(netns)) {
                    int n = 0;
                    while (in.linkExists("eth" + n)) n++;
                    ifname = "eth" + n;
                }
                veth = Links.vethName(bridge + "/" + lease.address());
                try (Links links = Links.open()) {
                    links.ensureBridge(bridge, new Cidr(gateway, subnet.prefix()));
                    links.createVeth(veth, RtNetlink.NetnsRef.pid(pid), ifname);
                    links.attach(veth, bridge);
                }
                Cidr address = new Cidr(lease.address(), subnet.prefix());
                Links.addInNetns(netns, ifname, address);
                lease.handTo(pid); // held by the container's init: it outlives this service
                attachments.add(new Attachment(bridge, veth, ifname, lease));
                return Map.of("ok", true, "ifname", ifname, "address", address.toString());
            } catch (NetworkException | NetlinkException | SyscallException | RuntimeException e) {
                if (veth != null) {
                    try (Links l = Links.open()) {
                        l.deleteLink(veth);
                    } catch (NetlinkException ignored) {
                        // the error below says what failed
                    }
                }
                if (lease != null) {
                    try {
                        lease.close();
                    } catch (NetworkException ignored) {
                        // as above
                    }
                }
                return error("connecting " + name + " to " + bridge + ": " + e.getMessage(), ExitCodes.FAILED);
            }
        }

        synchronized Map<String, Object> disconnect(String bridge) {
            for (Attachment a : attachments) {
                if (a.bridge().equals(bridge)) {
                    attachments.remove(a);
                    a.undo();
                    return Map.of("ok", true, "ifname", a.ifname());
                }
            }
            return error("container " + name + " was not connected to " + bridge + " by jrun network connect", ExitCodes.FAILED);
        }

        private synchronized void detachAll() {
            for (Attachment a : attachments) a.undo();
            attachments.clear();
        }

        Container(String name, Path dir, Plan plan, ContainerState created, CompletableFuture<Map<String, Object>> reply) {
            this.name = name;
            this.dir = dir;
            this.plan = plan;
            this.created = created;
            this.reply = reply;
        }

        @Override
        public void run() {
            LinuxHost host = LinuxHost.INSTANCE;
            int devNull = -1;
            int log = -1;
            try {
                devNull = host.open("/dev/null", Linux.O_RDWR);
                log = host.open(dir.resolve(StateDir.LOG).toString(), Linux.O_WRONLY | Linux.O_CREAT | Linux.O_APPEND);
                int code = runner.runDetached(plan, new Supervisor.Detached(devNull, log, this::started));
                record(current.stopped(code));
            } catch (RunnerException e) {
                if (current == null) {
                    reply.complete(error(e.getMessage(), ExitCodes.FAILED));
                } else {
                    System.err.println("jrun service: container " + name + ": " + e.getMessage());
                    record(current.stopped(null));
                }
            } catch (SyscallException | RuntimeException e) {
                if (!reply.isDone()) reply.complete(error("container " + name + ": " + e.getMessage(), ExitCodes.FAILED));
            } finally {
                detachAll();
                host.close(devNull);
                host.close(log);
                containers.remove(name);
                lastActivity = System.nanoTime();
                if (!reply.isDone()) reply.complete(error("container " + name + " ended before it started", ExitCodes.FAILED));
            }
        }

        private void started(int pid) {
            ProcStat p = ProcStat.read("/proc/" + pid + "/stat");
            current = created.running(pid, p == null ? 0 : p.startTime(), selfPid, selfStart);
            record(current);
            reply.complete(Map.of("ok", true, "pid", pid));
        }

        /** Written unless `rm -f` removed the folder meanwhile. */
        private void record(ContainerState s) {
            if (s == null || !Files.isDirectory(dir)) return;
            try {
                s.write(dir);
            } catch (IOException e) {
                System.err.println("jrun service: container " + name + ": recording its state: " + e.getMessage());
            }
        }
    }
}
