package dev.jrun.plan;

import java.util.ArrayList;
import java.util.List;

/** mount(2) flag values (include/uapi/linux/mount.h) and option-string parsing, as mount(8) does. */
public final class MountFlags {
    public static final long MS_RDONLY = 1;
    public static final long MS_NOSUID = 2;
    public static final long MS_NODEV = 4;
    public static final long MS_NOEXEC = 8;
    public static final long MS_SYNCHRONOUS = 16;
    public static final long MS_REMOUNT = 32;
    public static final long MS_MANDLOCK = 64;
    public static final long MS_DIRSYNC = 128;
    public static final long MS_NOSYMFOLLOW = 256;
    public static final long MS_NOATIME = 1024;
    public static final long MS_NODIRATIME = 2048;
    public static final long MS_BIND = 4096;
    public static final long MS_MOVE = 8192;
    public static final long MS_REC = 16384;
    public static final long MS_SILENT = 32768;
    public static final long MS_UNBINDABLE = 1 << 17;
    public static final long MS_PRIVATE = 1 << 18;
    public static final long MS_SLAVE = 1 << 19;
    public static final long MS_SHARED = 1 << 20;
    public static final long MS_RELATIME = 1 << 21;
    public static final long MS_STRICTATIME = 1 << 24;

    private static final Object[][] NAMES = {
        {"MS_RDONLY", MS_RDONLY}, {"MS_NOSUID", MS_NOSUID}, {"MS_NODEV", MS_NODEV},
        {"MS_NOEXEC", MS_NOEXEC}, {"MS_SYNCHRONOUS", MS_SYNCHRONOUS}, {"MS_REMOUNT", MS_REMOUNT},
        {"MS_MANDLOCK", MS_MANDLOCK}, {"MS_DIRSYNC", MS_DIRSYNC}, {"MS_NOSYMFOLLOW", MS_NOSYMFOLLOW},
        {"MS_NOATIME", MS_NOATIME}, {"MS_NODIRATIME", MS_NODIRATIME}, {"MS_BIND", MS_BIND},
        {"MS_MOVE", MS_MOVE}, {"MS_REC", MS_REC}, {"MS_SILENT", MS_SILENT},
        {"MS_UNBINDABLE", MS_UNBINDABLE}, {"MS_PRIVATE", MS_PRIVATE}, {"MS_SLAVE", MS_SLAVE},
        {"MS_SHARED", MS_SHARED}, {"MS_RELATIME", MS_RELATIME}, {"MS_STRICTATIME", MS_STRICTATIME},
    };

    private MountFlags() {}

    /** "MS_BIND|MS_REC", or "0". */
    public static String describe(long flags) {
        List<String> out = new ArrayList<>();
        for (Object[] n : NAMES) {
            if ((flags & (long) n[1]) != 0) out.add((String) n[0]);
        }
        return out.isEmpty() ? "0" : String.join("|", out);
    }
}
