package dev.jrun.sys;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** The one native binding, bound the lean way (docs/design.md) and answering like syscall(2). */
class LibcSyscallsTest {
    @Test
    void syscallIsBoundWithoutNativeRegister() {
        // "Native.register" here means the lean binder met a JNA it does not know (a version bump
        // changed registerMethod or the stub's symbols): runs still work, ~20 ms slower to start.
        assertEquals("lean", LibcSyscalls.BINDING);
    }

    @Test
    void answersWithTheResultOrMinusErrno() {
        assertEquals(ProcessHandle.current().pid(), LibcSyscalls.sys(Linux.NR.getpid(), 0, 0, 0, 0, 0, 0));
        assertEquals(-Errno.EBADF, LibcSyscalls.INSTANCE.close(-1));
        assertEquals(-Errno.ENOSYS, LibcSyscalls.sys(-0x10000 + Linux.NR.getpid(), 0, 0, 0, 0, 0, 0));
    }
}
