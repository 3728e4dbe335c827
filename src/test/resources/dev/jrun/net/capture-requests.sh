#!/bin/bash
# How RtNetlinkTest's expected requests were captured: iproute2 6.1.0 on Linux 6.18, as root, every
# link in a throwaway network namespace. Prints each command's request (the last sendmsg on fd 3)
# as strace's hex dump. Run it as:  unshare --net bash capture-requests.sh
set -u
[ "$(readlink /proc/self/ns/net)" != "$(readlink /proc/1/ns/net)" ] || { echo "refusing: run under unshare --net" >&2; exit 1; }
unshare --net sleep 30 & P=$!   # the "container": a second namespace, for netns PID and netns FILE
sleep 0.2
cap() { echo "== $*"; strace -e trace=sendmsg -e write=3 -s 0 "$@" 2>&1 >/dev/null | grep '^ |'; }
cap ip link add jrun0 type bridge
cap ip link add jrun9 address 02:42:0a:58:00:01 type bridge
cap ip link add jr89abcdef type veth peer name eth0
cap ip link add jr01234567 type veth peer name eth0 netns $P
cap ip link set jr89abcdef up
cap ip link set jr89abcdef down
cap ip link set jr89abcdef master jrun0
cap ip link set jr89abcdef nomaster
ip link add jrtmp type veth peer name jrtmp2
cap ip link set jrtmp2 netns $P
cap ip link set dev jrtmp name jrtmq
cap ip addr add 10.88.0.1/16 broadcast 10.88.255.255 dev jrun0
cap ip addr add 10.77.0.1/16 dev jrun0
ip link set jrun0 up
cap ip route add default via 10.88.0.1 dev jrun0
cap ip route add 10.99.0.0/16 via 10.88.0.1 dev jrun0
cap ip link del jrtmq
# ip's own name lookup (ll_link_get) goes out on fd 4, and the dump as the second message on fd 3
echo "== lookup"; strace -e trace=sendmsg -e write=4 -s 0 ip link set jrun0 up 2>&1 >/dev/null | grep '^ |'
echo "== ip link show"; strace -e trace=sendmsg,sendto -e write=3 -s 0 ip link show 2>&1 >/dev/null | grep '^ |'
# for netns FILE, ip opens the file: the fd number is in the message
echo "== netns file (fd as opened by ip)"
strace -e trace=sendmsg,openat -e write=3 -s 200 ip link add jr0123abcd type veth peer name eth1 netns /proc/$P/ns/net 2>&1 >/dev/null | grep -E '^ \||ns/net'
kill $P
