/*
 * euid: prints the effective uid. Installed setuid-root to show whether execve(2) still grants
 * euid 0 (it must not under no_new_privs). A separate binary, because busybox drops a setuid
 * bit's privileges itself in most applets.
 */
#include <stdio.h>
#include <unistd.h>

int main(void) {
    printf("uid=%d euid=%d\n", (int)getuid(), (int)geteuid());
    return 0;
}
