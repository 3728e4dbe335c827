package dev.jrun.service;

import dev.jrun.host.SmallFile;
import dev.jrun.runner.state.StateDir;
import java.io.File;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Talks to this user's service, starting it when none answers: the same JVM, with the same flags
 * as this one (its own command line up to the main class), detached from this command
 * ({@code setsid} in the service), its output in the state folder's {@code service.log}.
 */
public final class ServiceClient {
    static final long START_MILLIS = 15_000;

    /**
     * The service lives long and does little: a heap that starts at 2 MB and gives back what it
     * does not use, small thread stacks, and the interpreter only (C1's code cache and compiler
     * threads cost ~9 MB of a ~57 MB service; a container start spends its time in the kernel and
     * in the client, not here). Measured with 10 sleeping containers: 48 MiB PSS in all
     * (docs/design.md, "Detached containers"). Not below 8 MB at start: the AOT cache's archived
     * heap objects must fit the initial heap, or the JVM refuses the cache and exits ("archived
     * heap objects cannot be loaded"); 2 MB stopped fitting as the trained classes grew.
     */
    static final List<String> SERVICE_JVM_OPTS = List.of("-Xms8m", "-Xmx64m", "-XX:MinHeapFreeRatio=10",
            "-XX:MaxHeapFreeRatio=30", "-Xss256k", "-Xint");

    private ServiceClient() {}

    /** The reply to {@code request}; an IOException says why there was none. */
    public static Map<String, Object> request(StateDir state, Map<String, Object> request) throws IOException {
        Map<String, Object> req = new LinkedHashMap<>(request);
        req.put("netns", netns("self"));
        SocketChannel ch = connect(state.serviceSocket());
        if (ch == null) {
            Process service = start(state);
            long deadline = System.nanoTime() + START_MILLIS * 1_000_000L;
            while ((ch = connect(state.serviceSocket())) == null) {
                // Another service holds the lock: that one answers soon.
                if (!service.isAlive() && service.exitValue() != dev.jrun.ExitCodes.SERVICE_RUNNING) {
                    throw new IOException("the jrun service exited at start with status " + service.exitValue() + " (see "
                            + state.root().resolve("service.log") + ")");
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("the jrun service did not start within " + START_MILLIS / 1000 + " s (see "
                            + state.root().resolve("service.log") + ")");
                }
                sleep(5);
            }
        }
        try (SocketChannel c = ch) {
            Wire.send(c, req);
            return Wire.receive(c);
        }
    }

    /** The network namespace of a process ("self" or a pid), as readlink shows it. */
    static String netns(String pid) {
        try {
            return Files.readSymbolicLink(Path.of("/proc", pid, "ns", "net")).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return "";
        }
    }

    private static SocketChannel connect(Path socket) {
        if (!Files.exists(socket)) return null;
        try {
            return SocketChannel.open(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            return null; // refused: the service is going away, or died; a new one takes its place
        }
    }

    private static Process start(StateDir state) throws IOException {
        List<String> cmd = serviceCommand();
        File log = state.root().resolve("service.log").toFile();
        return new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log)).redirectError(ProcessBuilder.Redirect.appendTo(log))
                .start();
    }

    /** This JVM's command line (/proc/self/exe and /proc/self/cmdline) up to the main class, then "service". */
    static List<String> serviceCommand() throws IOException {
        String cmdline = SmallFile.readOrNull("/proc/self/cmdline");
        if (cmdline == null) throw new IOException("cannot read /proc/self/cmdline to start the jrun service");
        String[] args = cmdline.split("\0");
        List<String> cmd = new ArrayList<>();
        cmd.add(Files.readSymbolicLink(Path.of("/proc/self/exe")).toString());
        for (int i = 1; i < args.length; i++) {
            // The launcher hides the VM's own messages from a container's output; the service's go to its log.
            if (args[i].equals("-XX:-DisplayVMOutput")) continue;
            if (args[i].equals("dev.jrun.cli.Main")) {
                cmd.addAll(SERVICE_JVM_OPTS);
                String more = System.getenv("JRUN_SERVICE_JVM_OPTS");
                if (more != null && !more.isBlank()) cmd.addAll(List.of(more.trim().split("\\s+")));
                cmd.add(args[i]);
                cmd.add("service");
                return cmd;
            }
            cmd.add(args[i]);
        }
        throw new IOException("cannot tell jrun's main class in its command line: " + cmdline.replace('\0', ' '));
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
