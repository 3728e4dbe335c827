package dev.jrun.sys;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Run in a JVM of its own by {@link SeccompProbeTest}: loads the BPF file named by its argument
 * into this thread, as jrun's child will before execve, then makes a few syscalls and prints one
 * {@code name=result} line each: {@code ok}, or the errno's name. Never run it in a test's JVM.
 */
public final class SeccompProbeMain {
    private SeccompProbeMain() {}

    private static final boolean X86_64 = !System.getProperty("os.arch").equals("aarch64");
    private static final int NR_UNSHARE = X86_64 ? 272 : 97;
    private static final int NR_KEYCTL = X86_64 ? 250 : 219;
    private static final int NR_BPF = X86_64 ? 321 : 280;
    private static final int NR_CLONE3 = 435;
    private static final int NR_FCHMODAT2 = 452;
    private static final long CLONE_NEWUTS = 0x04000000L;
    private static final long CLONE_NEWUSER = 0x10000000L;
    private static final long CLONE_THREAD = 0x00010000L;
    private static final int KEYCTL_GET_KEYRING_ID = 0;
    private static final int KEY_SPEC_SESSION_KEYRING = -3;
    private static final int AF_UNIX = 1;
    private static final int AF_VSOCK = 40;
    private static final int SOCK_STREAM = 1;

    public static void main(String[] args) throws Exception {
        byte[] bpf = Files.readAllBytes(Path.of(args[0]));
        Memory filter = new Memory(bpf.length);
        filter.write(0, bpf, 0, bpf.length);
        Memory fprog = new Memory(Seccomp.SOCK_FPROG_SIZE);
        fprog.clear();
        fprog.setShort(0, (short) (bpf.length / Seccomp.SOCK_FILTER_SIZE));
        fprog.setPointer(8, filter);
        Memory missing = new Memory(32);
        missing.setString(0, "/nonexistent/jrun-probe");
        StringBuilder out = new StringBuilder();
        // Everything the probes need is loaded before the filter, so only the probes meet it.
        String statusBefore = seccompField("/proc/thread-self/status");
        Errno.name(Errno.EPERM);

        line(out, "nnp", sys(Linux.NR.prctl(), Seccomp.PR_SET_NO_NEW_PRIVS, 1, 0, 0));
        line(out, "load", sys(Linux.NR.seccomp(), Seccomp.SECCOMP_SET_MODE_FILTER, 0, Pointer.nativeValue(fprog), 0));

        long pid = sys(Linux.NR.getpid(), 0, 0, 0, 0);
        line(out, "getpid", pid == ProcessHandle.current().pid() ? 0 : pid);
        line(out, "unshare_user", sys(NR_UNSHARE, CLONE_NEWUSER, 0, 0, 0));
        line(out, "unshare_uts", sys(NR_UNSHARE, CLONE_NEWUTS, 0, 0, 0));
        // CLONE_THREAD without CLONE_SIGHAND: the kernel's EINVAL comes after the filter, and no child is made
        line(out, "clone_newuser", sys(Linux.NR.sysClone(), CLONE_NEWUSER | CLONE_THREAD, 0, 0, 0));
        line(out, "clone3", sys(NR_CLONE3, 0, 0, 0, 0));
        line(out, "keyctl", sys(NR_KEYCTL, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0, 0));
        line(out, "bpf", sys(NR_BPF, 0, 0, 0, 0));
        // Linux 6.6's, which newer glibc tries first and leaves only on ENOSYS
        line(out, "fchmodat2", sys(NR_FCHMODAT2, Linux.AT_FDCWD, Pointer.nativeValue(missing), 0, 0));
        long unix = sys(Linux.NR.socket(), AF_UNIX, SOCK_STREAM, 0, 0);
        line(out, "socket_unix", unix);
        if (unix >= 0) sys(Linux.NR.close(), unix, 0, 0, 0);
        long vsock = sys(Linux.NR.socket(), AF_VSOCK, SOCK_STREAM, 0, 0);
        line(out, "socket_vsock", vsock);
        if (vsock >= 0) sys(Linux.NR.close(), vsock, 0, 0, 0);
        // pthread_create tries clone3 first; ENOSYS must send glibc to clone.
        Thread t = new Thread();
        String thread;
        try {
            t.start();
            t.join();
            thread = "ok";
        } catch (Throwable e) {
            thread = e.getClass().getSimpleName();
        }
        out.append("thread=").append(thread).append('\n');
        out.append("seccomp_before=").append(statusBefore).append('\n');
        // seccomp(2) without TSYNC filters the calling thread; /proc/self is the thread-group leader.
        out.append("seccomp=").append(seccompField("/proc/thread-self/status")).append('\n');
        out.append("seccomp_leader=").append(seccompField("/proc/self/status")).append('\n');
        System.out.print(out);
        System.out.flush();
    }

    private static long sys(int nr, long a, long b, long c, long d) {
        return LibcSyscalls.sys(nr, a, b, c, d, 0, 0);
    }

    private static void line(StringBuilder out, String name, long result) {
        out.append(name).append('=').append(result >= 0 ? "ok" : Errno.name((int) -result)).append('\n');
    }

    private static String seccompField(String status) throws java.io.IOException {
        for (String l : Files.readAllLines(Path.of(status))) {
            if (l.startsWith("Seccomp:")) return l.substring("Seccomp:".length()).strip();
        }
        return "absent";
    }
}
