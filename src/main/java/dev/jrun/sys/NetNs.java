package dev.jrun.sys;

import static dev.jrun.sys.LibcSyscalls.sys;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import dev.jrun.sys.SyscallException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs a short action inside another network namespace from the parent JVM, on a thread of its
 * own that setns(2)es there and back.
 *
 * <p>Why this works in a JVM: a namespace belongs to each thread (its task's nsproxy), and setns
 * with CLONE_NEWNET moves only the calling thread. The kernel refuses CLONE_NEWUSER in a
 * multithreaded process and CLONE_NEWNS while the fs_struct is shared (every JVM thread shares it:
 * CLONE_FS), but nothing is shared that ties a thread to its network namespace, so one thread of
 * many may switch (setns(2); needs CAP_SYS_ADMIN over the target's user namespace). Why a fresh
 * thread: no other code ever runs on it, so nothing but the action can see the other namespace,
 * and whatever happens it ends. It still keeps an fd to its own namespace and switches back
 * before it ends, so that nothing the JVM or JNA does as the thread exits runs in the container's.
 *
 * <p>What the action may do: create sockets. A socket stays in the namespace it was created in,
 * whoever uses it later, so the usual action is {@code NetNs.call(ns, NetlinkSocket::open)} and
 * the work then happens on the caller's thread. What it must not do: start a thread or use a pool,
 * since a new thread is born in its creator's namespace (a ForkJoinPool worker spawned here would
 * serve the whole JVM from inside the container), or read /proc/self/net, which is the main
 * thread's (/proc/thread-self/net is this one's).
 */
public final class NetNs {
    private NetNs() {}

    @FunctionalInterface
    public interface Action<T, E extends Exception> {
        T run() throws E;
    }

    /**
     * Runs {@code action} in the network namespace of {@code nsFile} (/proc/PID/ns/net, a bind
     * mount of one, or /run/netns/NAME) and returns what it returned. setns is told the type, so
     * a file of another kind of namespace is refused (EINVAL) rather than entered.
     */
    @SuppressWarnings("unchecked")
    public static <T, E extends Exception> T call(String nsFile, Action<T, E> action) throws E, SyscallException {
        Object[] result = new Object[1];
        Throwable[] failure = new Throwable[1];
        Thread t = new Thread(() -> {
            int self = -1;
            int target = -1;
            try {
                self = open("/proc/thread-self/ns/net");
                target = open(nsFile);
                check(sys(Linux.NR.setns(), target, NetLinux.CLONE_NEWNET, 0, 0, 0, 0), "setns " + nsFile);
                try {
                    result[0] = action.run();
                } finally {
                    long back = sys(Linux.NR.setns(), self, NetLinux.CLONE_NEWNET, 0, 0, 0, 0);
                    if (back < 0) {
                        if (result[0] instanceof AutoCloseable c) c.close(); // not handed out from a failed call
                        throw new SyscallException("setns back to the thread's own network namespace", (int) -back);
                    }
                }
            } catch (Throwable e) {
                failure[0] = e;
            } finally {
                LinuxHost.INSTANCE.close(target);
                LinuxHost.INSTANCE.close(self);
            }
        }, "jrun-netns");
        t.setDaemon(true);
        t.start();
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // the action is short and its result must not leak: wait for it
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        Throwable f = failure[0];
        if (f == null) return (T) result[0];
        if (f instanceof RuntimeException r) throw r;
        if (f instanceof Error r) throw r;
        if (f instanceof SyscallException s) throw s;
        throw (E) f;
    }

    /** The namespace a file refers to, as the kernel names it: "net:[4026531833]". */
    public static String id(String nsFile) throws IOException {
        return Files.readSymbolicLink(Path.of(nsFile)).toString();
    }

    /** The calling thread's network namespace (not /proc/self's, which is the main thread's). */
    public static String current() throws IOException {
        return id("/proc/thread-self/ns/net");
    }

    private static int open(String path) throws SyscallException {
        byte[] p = (path + "\0").getBytes(StandardCharsets.UTF_8);
        try (Memory m = new Memory(p.length)) {
            m.write(0, p, 0, p.length);
            return (int) check(sys(Linux.NR.openat(), Linux.AT_FDCWD, Pointer.nativeValue(m), Linux.O_RDONLY | Linux.O_CLOEXEC, 0, 0, 0),
                    "open " + path);
        }
    }

    private static long check(long r, String what) throws SyscallException {
        if (r < 0) throw new SyscallException(what, (int) -r);
        return r;
    }
}
