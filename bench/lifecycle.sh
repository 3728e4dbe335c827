#!/usr/bin/env bash
# Detached containers, jrun beside podman with runc, on copies of the same busybox rootfs:
#  1. memory: N (10) detached `sleep` containers each, then DURATION seconds (600) of activity
#     (exec /bin/true, ps, logs on every container, round after round), then the PSS of every
#     process that keeps them (jrun: the per-user service and each container's init, tini;
#     podman: each container's conmon), from /proc/PID/smaps_rollup, and of the containers'
#     own processes beside it. Target: jrun's total <= 80 MiB.
#  2. time: `run -d`, `exec /bin/true`, `ps` and `rm -f` with hyperfine, side by side.
# Everything lives in a temp dir (jrun's JRUN_STATE_DIR, podman's --root/--runroot) that is
# removed at the end, with the containers, also on ^C.
#   DURATION=600 N=10 RUNS=20 bench/lifecycle.sh
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
duration=${DURATION:-600}
n=${N:-10}
runs=${RUNS:-20}
[ "$(id -u)" = 0 ] || { echo "lifecycle.sh: run as root (podman with runc needs it here; jrun runs rootless too)" >&2; exit 2; }

. "$here/bench/lib.sh"
need podman runc conmon hyperfine
[ -r "$here/target/jrun.jar" ] || make -C "$here" build >/dev/null
[ -x "$here/build/rootfs/bin/busybox" ] || make -C "$here" rootfs >/dev/null
[ -x "$here/build/tools/tini-static" ] || make -C "$here" init >/dev/null

tmp=$(mktemp -d /tmp/jrun-lifecycle.XXXXXX)
export JRUN_STATE_DIR=$tmp/jrun-state
jrun="$here/bin/jrun"
# podman without images (--rootfs), with its storage in the temp dir; the host's default
# rlimits are above what this machine's root may set (no CAP_SYS_RESOURCE), so name them.
pm=(podman --root "$tmp/pm-root" --runroot "$tmp/pm-run" --tmpdir "$tmp/pm-tmp" --cgroup-manager cgroupfs --events-backend none)
pmrun=(--runtime runc run -d --network none --ulimit nofile=1024:1024 --ulimit nproc=4096:4096)
rootfs_arg=(--rootfs "$tmp/pm-rootfs") # --rootfs makes the first argument a rootfs; it goes last
cp -a "$here/build/rootfs" "$tmp/pm-rootfs"

cleanup() {
  set +e
  for i in $(seq 1 "$n") x; do
    "$jrun" rm -f "lc$i" >/dev/null 2>&1 || true
    "${pm[@]}" rm -f -t 0 "lc$i" >/dev/null 2>&1 || true
  done
  "${pm[@]}" rm -af -t 0 >/dev/null 2>&1 || true
  # podman's overlay storage leaves mounts below its root until it is reset
  "${pm[@]}" system reset -f >/dev/null 2>&1 || true
  grep -o " $tmp[^ ]*" /proc/self/mountinfo | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cat > "$tmp/sleep.yaml" <<YAML
version: 1
name: lc
rootfs:
  path: $here/build/rootfs
process:
  args: [/bin/sleep, "100000"]
YAML

pss() { # total PSS in kB of the given pids
  local t=0 p v
  for p in "$@"; do
    v=$(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null || echo 0)
    t=$((t + ${v:-0}))
  done
  echo "$t"
}
children() { # the pids whose parent is one of the given pids, recursively
  local todo=("$@") out=() p c
  while [ ${#todo[@]} -gt 0 ]; do
    p=${todo[0]}; todo=("${todo[@]:1}")
    for c in $(cat /proc/"$p"/task/*/children 2>/dev/null); do out+=("$c"); todo+=("$c"); done
  done
  echo "${out[@]}"
}
json_int() { sed -n "s/.*\"$1\": \([0-9]*\).*/\1/p" | head -1; }

echo "starting $n detached sleep containers each ..."
for i in $(seq 1 "$n"); do
  "$jrun" run -d --name "lc$i" "$tmp/sleep.yaml" >/dev/null
  "${pm[@]}" "${pmrun[@]}" --name "lc$i" "${rootfs_arg[@]}" /bin/sleep 100000 >/dev/null
done
"$jrun" ps
"${pm[@]}" ps --format '{{.Names}} {{.Status}}'

echo "activity for ${duration}s (exec /bin/true, ps, logs on each container, round after round) ..."
end=$((SECONDS + duration)); rounds=0
while [ $SECONDS -lt $end ]; do
  for i in $(seq 1 "$n"); do
    "$jrun" exec "lc$i" -- /bin/true
    "${pm[@]}" exec "lc$i" /bin/true
  done
  "$jrun" ps >/dev/null; "${pm[@]}" ps >/dev/null
  for i in $(seq 1 "$n"); do
    "$jrun" logs "lc$i" >/dev/null
    "${pm[@]}" logs "lc$i" >/dev/null
  done
  rounds=$((rounds + 1))
done
echo "$rounds rounds"

service=$("$jrun" state lc1 | json_int supervisorPid)
inits=(); conmons=(); pmpids=()
for i in $(seq 1 "$n"); do
  inits+=("$("$jrun" state "lc$i" | json_int pid)")
  read -r p c < <("${pm[@]}" inspect -f '{{.State.Pid}} {{.State.ConmonPid}}' "lc$i")
  pmpids+=("$p"); conmons+=("$c")
done
# the containers' own processes: below each init (jrun) and each conmon but the container's first process (podman)
jrun_inner=$(children "${inits[@]}")
pm_inner=("${pmpids[@]}" $(children "${pmpids[@]}"))
mib() { python3 -c "print(f'{$1 / 1024:.1f}')"; }
svc=$(pss "$service"); ini=$(pss "${inits[@]}"); jrun_keep=$((svc + ini))
pm_keep=$(pss "${conmons[@]}")
jrun_in=$(pss $jrun_inner)
pm_in=$(pss "${pm_inner[@]}")
echo
echo "memory after ${duration}s of activity, $n containers each (PSS, MiB):"
echo "  jrun: service + inits          $(mib $jrun_keep)   (the service $(mib $svc), $n tini inits $(mib $ini))"
echo "  podman+runc: conmons           $(mib $pm_keep)   ($n conmons; runc has exited)"
echo "  the containers' sleeps         jrun $(mib $jrun_in), podman $(mib $pm_in)"
echo "  jrun/podman = $(python3 -c "print(f'{$jrun_keep / $pm_keep:.2f}')")x   target jrun <= 80 MiB: $([ "$jrun_keep" -le $((80 * 1024)) ] && echo met || echo MISSED)"

echo
echo "time of one operation (hyperfine, $runs runs each; lc1 stays running for exec and ps):"
p="${pm[*]}"; pr="${pmrun[*]}"
hyperfine -N --warmup 2 --runs "$runs" --export-json "$tmp/ops.json" \
  --prepare "sh -c '$jrun rm -f lcx >/dev/null 2>&1; true'" -n "jrun run -d" "$jrun run -d --name lcx $tmp/sleep.yaml" \
  --prepare "sh -c '$p rm -f -t 0 lcx >/dev/null 2>&1; true'" -n "podman run -d" "$p $pr --name lcx ${rootfs_arg[*]} /bin/sleep 100000" \
  --prepare true -n "jrun exec /bin/true" "$jrun exec lc1 -- /bin/true" \
  --prepare true -n "podman exec /bin/true" "$p exec lc1 /bin/true" \
  --prepare true -n "jrun ps" "$jrun ps" \
  --prepare true -n "podman ps" "$p ps" \
  --prepare "sh -c '$jrun rm -f lcx >/dev/null 2>&1; $jrun run -d --name lcx $tmp/sleep.yaml'" -n "jrun rm -f" "$jrun rm -f lcx" \
  --prepare "sh -c '$p rm -f -t 0 lcx >/dev/null 2>&1; $p $pr --name lcx ${rootfs_arg[*]} /bin/sleep 100000'" -n "podman rm -f" "$p rm -f -t 0 lcx" \
  >/dev/null
python3 - "$tmp/ops.json" <<'PY'
import json, statistics, sys
res = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
for op in ["run -d", "exec /bin/true", "ps", "rm -f"]:
    j, p = res["jrun " + op], res["podman " + op]
    jm, pm = statistics.median(j["times"]) * 1000, statistics.median(p["times"]) * 1000
    print(f"  {op:16s} jrun {jm:7.1f} ms   podman+runc {pm:7.1f} ms   (medians)   jrun/podman = {jm / pm:.2f}x")
PY
