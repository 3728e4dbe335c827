package dev.jrun.sys;

import static dev.jrun.sys.LibcSyscalls.sys;
import static dev.jrun.sys.Linux.NR;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;


/**
 * The parent's side of {@code process.terminal}: a pty pair from the host's /dev/ptmx, the slave
 * opened through the master (TIOCGPTPEER, no path race), raw mode for jrun's own terminal, and
 * window sizes (pty(7), tty_ioctl(4), termios(3)). Raw syscalls: no libc state involved.
 */
public final class Pty implements AutoCloseable {
    private static final long TIOCSPTLCK = 0x40045431L;
    private static final long TIOCGPTPEER = 0x5441L;
    /** Kernel struct termios: four tcflag_t, c_line, c_cc[19]. */
    private static final int TERMIOS_SIZE = 36;
    private static final int C_CC = 17;
    private static final int VTIME = 5;
    private static final int VMIN = 6;

    public final int master;
    public final int slave;

    private Pty(int master, int slave) {
        this.master = master;
        this.slave = slave;
    }

    public static Pty open() throws SyscallException {
        int master = (int) openPath("/dev/ptmx", Linux.O_RDWR | Linux.O_NOCTTY | Linux.O_CLOEXEC);
        try (Memory zero = new Memory(4)) {
            zero.setInt(0, 0);
            check(sys(NR.ioctl(), master, TIOCSPTLCK, Pointer.nativeValue(zero), 0, 0, 0), "unlockpt");
            int slave = (int) check(sys(NR.ioctl(), master, TIOCGPTPEER, Linux.O_RDWR | Linux.O_NOCTTY | Linux.O_CLOEXEC, 0, 0, 0),
                    "open the pty slave (TIOCGPTPEER)");
            return new Pty(master, slave);
        } catch (SyscallException e) {
            LinuxHost.INSTANCE.close(master);
            throw e;
        }
    }

    /** isatty(3): whether TCGETS works on the fd. */
    public static boolean isTerminal(int fd) {
        try (Memory t = new Memory(TERMIOS_SIZE)) {
            return sys(NR.ioctl(), fd, Linux.TCGETS, Pointer.nativeValue(t), 0, 0, 0) == 0;
        }
    }

    /** Puts {@code fd} in raw mode (cfmakeraw(3)); returns the previous settings for {@link #restore}. */
    public static byte[] makeRaw(int fd) throws SyscallException {
        try (Memory t = new Memory(TERMIOS_SIZE)) {
            long p = Pointer.nativeValue(t);
            check(sys(NR.ioctl(), fd, Linux.TCGETS, p, 0, 0, 0), "tcgetattr");
            byte[] saved = t.getByteArray(0, TERMIOS_SIZE);
            int iflag = t.getInt(0) & ~(01 | 02 | 010 | 040 | 0100 | 0200 | 0400 | 02000);
            int oflag = t.getInt(4) & ~01;
            int cflag = (t.getInt(8) & ~(060 | 0400)) | 060;
            int lflag = t.getInt(12) & ~(010 | 0100 | 02 | 01 | 0100000);
            t.setInt(0, iflag);
            t.setInt(4, oflag);
            t.setInt(8, cflag);
            t.setInt(12, lflag);
            t.setByte(C_CC + VMIN, (byte) 1);
            t.setByte(C_CC + VTIME, (byte) 0);
            check(sys(NR.ioctl(), fd, Linux.TCSETS, p, 0, 0, 0), "tcsetattr");
            return saved;
        }
    }

    public static void restore(int fd, byte[] saved) {
        try (Memory t = new Memory(TERMIOS_SIZE)) {
            t.write(0, saved, 0, saved.length);
            sys(NR.ioctl(), fd, Linux.TCSETS, Pointer.nativeValue(t), 0, 0, 0);
        }
    }

    /** Copies the window size of {@code from} (jrun's terminal) to {@code to} (the pty). */
    public static void copyWindowSize(int from, int to) {
        try (Memory ws = new Memory(8)) {
            if (sys(NR.ioctl(), from, Linux.TIOCGWINSZ, Pointer.nativeValue(ws), 0, 0, 0) == 0) {
                sys(NR.ioctl(), to, Linux.TIOCSWINSZ, Pointer.nativeValue(ws), 0, 0, 0);
            }
        }
    }

    @Override
    public void close() {
        LinuxHost.INSTANCE.close(slave);
        LinuxHost.INSTANCE.close(master);
    }

    private static long openPath(String path, int flags) throws SyscallException {
        byte[] b = (path + "\0").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        try (Memory m = new Memory(b.length)) {
            m.write(0, b, 0, b.length);
            return check(sys(NR.openat(), Linux.AT_FDCWD, Pointer.nativeValue(m), flags, 0, 0, 0), "open " + path);
        }
    }

    private static long check(long r, String what) throws SyscallException {
        if (r < 0) throw new SyscallException(what, (int) -r);
        return r;
    }
}
