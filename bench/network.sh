#!/usr/bin/env bash
# Container networking, measured inside a network (and mount) namespace this script makes for
# itself, so the bridge, the veths, the 10.x addresses and the NAT table exist only there; a
# veth pair (both ends here) with a default route gives pasta the upstream interface it wants (nothing is sent
# beyond the namespace). Prints side by side:
#  - TCP throughput and connect latency (connect, one byte there and back, close) from the
#    "host" (this namespace) to a container: on the bridge by address, through jrun's port
#    proxy (127.0.0.1:published), and through pasta's forwarding (slirp);
#  - container -> host: over the bridge (the gateway) vs slirp (10.0.2.2);
#  - container <-> container over the bridge (busybox nc on both ends);
#  - the cold start of `jrun` with network bridge and slirp over none (hyperfine).
#   MB=1000 CONNS=300 RUNS=20 REPS=3 bench/network.sh
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
[ "$(id -u)" = 0 ] || { echo "network.sh: run as root (it makes a network namespace for the bridge)" >&2; exit 2; }
if [ -z "${JRUN_BENCH_IN_NETNS:-}" ]; then
  . "$here/bench/lib.sh"
  need hyperfine python3 nft:nftables
  [ -r "$here/target/jrun.jar" ] || make -C "$here" build >/dev/null
  [ -x "$here/build/rootfs/bin/busybox" ] || make -C "$here" rootfs >/dev/null
  [ -x "$here/build/tools/bin/pasta" ] || command -v pasta >/dev/null || make -C "$here" tools >/dev/null
  mkdir -p /run/jrun
  exec env JRUN_BENCH_IN_NETNS=1 unshare --net --mount --propagation private "$0" "$@"
fi

mb=${MB:-1000}
conns=${CONNS:-300}
runs=${RUNS:-20}
reps=${REPS:-3}
jrun="$here/bin/jrun"
# the leases of this namespace's bridge in a tmpfs of this mount namespace: nothing in the host's /run
mount -t tmpfs -o mode=755 tmpfs /run/jrun
ip link set lo up
ip link add jb-up type veth peer name jb-peer
ip link set jb-peer up
ip addr add 10.199.0.1/24 dev jb-up
ip link set jb-up up
ip route add default via 10.199.0.2 dev jb-up

tmp=$(mktemp -d /tmp/jrun-netbench.XXXXXX)
chmod 755 "$tmp"
pids=()
cleanup() {
  set +e
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  "$jrun" network rm jb0 >/dev/null 2>&1
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

spec() { # NAME NETWORK SCRIPT
  cat > "$tmp/$1.yaml" <<YAML
version: 1
name: $1
rootfs:
  path: $here/build/rootfs
network: $2
process:
  args: [/bin/sh, -c, '$3']
YAML
}
bridge="{mode: bridge, bridge: jb0, subnet: 10.88.0.0/24"
# servers: a sink for throughput and an echo for latency. With -e, busybox nc execs the program
# on the socket itself (no copy through nc's small buffer), so dd/cat see the socket.
servers='nc -ll -p 5001 -e /bin/dd of=/dev/null bs=1M 2>/dev/null & nc -ll -p 5002 -e /bin/cat'
spec srv "$bridge, address: 10.88.0.10, ports: [\"8001:5001\", \"8002:5002\"]}" "$servers"
spec slirp "{mode: slirp, ports: [\"9001:5001\", \"9002:5002\"]}" "$servers"

cat > "$tmp/nb.py" <<'PY'
import socket, statistics, sys, time
def connect(host, port, deadline=20.0):
    end = time.time() + deadline
    while True:
        try:
            return socket.create_connection((host, port), timeout=10)
        except OSError:
            if time.time() > end: raise
            time.sleep(0.05)
def tput(host, port, mb):
    buf = b"\0" * (1 << 20)
    s = connect(host, port)
    t = time.perf_counter()
    for _ in range(mb): s.sendall(buf)
    s.shutdown(socket.SHUT_WR)
    while s.recv(65536): pass
    dt = time.perf_counter() - t
    s.close()
    return mb / dt
def lat(host, port, n):
    connect(host, port).close()
    ts = []
    for _ in range(n):
        t = time.perf_counter()
        s = socket.create_connection((host, port), timeout=10)
        s.sendall(b"x")
        if s.recv(1) != b"x": raise SystemExit("no echo from %s:%d" % (host, port))
        s.close()
        ts.append((time.perf_counter() - t) * 1e6)
    return statistics.median(ts)
def sink(port, out):
    l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    l.bind(("0.0.0.0", port)); l.listen(5)
    open(out + ".ready", "w").close()
    c, _ = l.accept()
    n, t = 0, time.perf_counter()
    while True:
        b = c.recv(1 << 20)
        if not b: break
        n += len(b)
    open(out, "w").write("%.0f\n" % (n / (1 << 20) / (time.perf_counter() - t)))
cmd = sys.argv[1]
if cmd == "tput": print("%.0f" % tput(sys.argv[2], int(sys.argv[3]), int(sys.argv[4])))
elif cmd == "lat": print("%.0f" % lat(sys.argv[2], int(sys.argv[3]), int(sys.argv[4])))
elif cmd == "sink": sink(int(sys.argv[2]), sys.argv[3])
PY
nb() { python3 "$tmp/nb.py" "$@"; }

echo "starting the server containers (bridge 10.88.0.10, slirp) ..."
"$jrun" "$tmp/srv.yaml" > "$tmp/srv.log" 2>&1 & pids+=($!)
"$jrun" "$tmp/slirp.yaml" > "$tmp/slirp.log" 2>&1 & pids+=($!)

echo "host -> container ($mb MiB each, $conns connections each) ..."
t_direct=$(nb tput 10.88.0.10 5001 "$mb"); l_direct=$(nb lat 10.88.0.10 5002 "$conns")
t_proxy=$(nb tput 127.0.0.1 8001 "$mb");   l_proxy=$(nb lat 127.0.0.1 8002 "$conns")
t_slirp=$(nb tput 127.0.0.1 9001 "$mb");   l_slirp=$(nb lat 127.0.0.1 9002 "$conns")

echo "container -> host ..."
to_host() { # NETWORK ADDRESS PORT
  rm -f "$tmp/sink.$3" "$tmp/sink.$3.ready"
  nb sink "$3" "$tmp/sink.$3" & local s=$!
  while [ ! -e "$tmp/sink.$3.ready" ]; do sleep 0.05; done
  spec up "$1" "nc $2 $3 -e /bin/dd if=/dev/zero bs=1M count=$mb 2>/dev/null"
  "$jrun" "$tmp/up.yaml"
  wait "$s"
  cat "$tmp/sink.$3"
}
# pasta's tap path swings from run to run on this kind of machine (a manual pasta, without jrun,
# shows the same), so each direction is measured $reps times: the median and the range.
median() { python3 -c "import statistics, sys; print(f'{statistics.median([float(x) for x in sys.argv[1:]]):.0f}')" "$@"; }
spread() { python3 -c "import sys; v = sorted(float(x) for x in sys.argv[1:]); print(f'({v[0]:.0f}-{v[-1]:.0f})')" "$@"; }
ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }
ub=(); us=()
for i in $(seq "$reps"); do ub+=("$(to_host "$bridge}" 10.88.0.1 7001)"); us+=("$(to_host "{mode: slirp}" 10.0.2.2 7002)"); done
u_bridge="$(median "${ub[@]}") $(spread "${ub[@]}")"; u_slirp="$(median "${us[@]}") $(spread "${us[@]}")"
u_ratio=$(ratio "$(median "${us[@]}")" "$(median "${ub[@]}")")

echo "container <-> container over the bridge ..."
spec cli "$bridge}" "until nc 10.88.0.10 5002 < /dev/null; do sleep 0.1; done;
time nc 10.88.0.10 5001 -e /bin/dd if=/dev/zero bs=1M count=$mb;
time sh -c ''for i in \$(seq $conns); do echo x | nc 10.88.0.10 5002 > /dev/null; done''"
"$jrun" "$tmp/cli.yaml" 2> "$tmp/cli.err" || { echo "the client container failed:"; cat "$tmp/cli.err"; exit 1; }
secs=($(sed -n 's/^real[[:space:]]*\([0-9]*\)m[[:space:]]*\([0-9.]*\)s$/\1 \2/p' "$tmp/cli.err" | awk '{print $1*60+$2}'))
[ ${#secs[@]} = 2 ] || { echo "could not read the client's times:"; cat "$tmp/cli.err"; exit 1; }
t_cc=$(python3 -c "print(f'{$mb / ${secs[0]}:.0f}')")
l_cc=$(python3 -c "print(f'{${secs[1]} / $conns * 1e6:.0f}')")

echo "cold start (/bin/true, $runs runs each) ..."
spec t-none "{mode: none}" "true"
spec t-bridge "$bridge}" "true"
spec t-slirp "{mode: slirp}" "true"
hyperfine -N --warmup 2 --runs "$runs" --export-json "$tmp/start.json" \
  -n none "$jrun $tmp/t-none.yaml" -n bridge "$jrun $tmp/t-bridge.yaml" -n slirp "$jrun $tmp/t-slirp.yaml" >/dev/null

echo
echo "TCP, host -> container            throughput MiB/s   connect+echo us (median)"
printf "  %-32s %10s   %10s\n" "bridge, by address" "$t_direct" "$l_direct"
printf "  %-32s %10s   %10s\n" "bridge, jrun's port proxy" "$t_proxy" "$l_proxy"
printf "  %-32s %10s   %10s\n" "slirp (pasta), published port" "$t_slirp" "$l_slirp"
echo "  proxy/direct: throughput $(ratio "$t_proxy" "$t_direct")x, latency $(ratio "$l_proxy" "$l_direct")x;" \
     "slirp/bridge-direct: throughput $(ratio "$t_slirp" "$t_direct")x, latency $(ratio "$l_slirp" "$l_direct")x"
echo "TCP, container -> host            throughput MiB/s"
printf "  %-32s %16s\n" "bridge (the gateway)" "$u_bridge"
printf "  %-32s %16s\n" "slirp (10.0.2.2)" "$u_slirp"
echo "  slirp/bridge: ${u_ratio}x by median   (median of $reps runs, range in brackets)"
echo "TCP, container <-> container (bridge, busybox nc both ends)"
echo "  throughput $t_cc MiB/s; a connection with echo, counting the exec of nc: $l_cc us"
python3 - "$tmp/start.json" <<'PY'
import json, statistics, sys
r = {x["command"]: statistics.median(x["times"]) * 1000 for x in json.load(open(sys.argv[1]))["results"]}
print("cold start of jrun (/bin/true, median)")
for k in ("none", "bridge", "slirp"):
    print(f"  {k:8s} {r[k]:7.1f} ms   +{r[k] - r['none']:6.1f} ms over none   ({r[k] / r['none']:.2f}x)")
PY
