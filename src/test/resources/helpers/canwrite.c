/*
 * canwrite PATH...: for each PATH, whether access(2) grants W_OK and whether statvfs(3) says its
 * mount is read-only. It only asks: nothing is opened for writing. busybox's `test -w` cannot be
 * used for this, because for euid 0 it answers "yes" from the mode bits without asking the kernel.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        struct statvfs st;
        const char *mount = statvfs(argv[i], &st) != 0 ? strerror(errno) : (st.f_flag & ST_RDONLY) ? "ro" : "rw";
        int w = access(argv[i], W_OK);
        int err = errno;
        printf("%s mount=%s access=%s\n", argv[i], mount, w == 0 ? "writable" : strerror(err));
    }
    return 0;
}
