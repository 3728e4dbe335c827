#!/usr/bin/env bash
# Cold start, side by side on the same busybox rootfs running /bin/true: `bin/jrun SPEC` vs
# `runc run` vs `bwrap --unshare-all` (and crun where this host lets it run), with hyperfine.
# Prints the means and medians and the jrun/runc ratio (target for now: <= 3x).
#   RUNS=30 ROUNDS=3 bench/startup.sh
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
runs=${RUNS:-30}
[ "$(id -u)" = 0 ] || { echo "startup.sh: run as root (runc needs it here; jrun runs rootless too)" >&2; exit 2; }

. "$here/bench/lib.sh"
need runc bwrap:bubblewrap hyperfine
[ -r "$here/target/jrun.jar" ] || make -C "$here" build >/dev/null
[ -x "$here/build/rootfs/bin/busybox" ] || make -C "$here" rootfs >/dev/null
rootfs="$here/build/rootfs"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/true.yaml" <<YAML
version: 1
name: startup
rootfs:
  path: $rootfs
process:
  args: [/bin/true]
YAML

# An OCI bundle over the same rootfs: runc's own template, made to run /bin/true without a tty.
mkdir -p "$tmp/bundle"
(cd "$tmp/bundle" && runc spec)
python3 - "$tmp/bundle/config.json" "$rootfs" <<'PY'
import json, sys
path, rootfs = sys.argv[1], sys.argv[2]
c = json.load(open(path))
c["root"] = {"path": rootfs, "readonly": True}
c["process"]["args"] = ["/bin/true"]
c["process"]["terminal"] = False
c["hostname"] = "startup"
json.dump(c, open(path, "w"), indent=2)
PY

cmds=(-n jrun "$here/bin/jrun $tmp/true.yaml"
      -n runc "runc --root $tmp/runc-state run -b $tmp/bundle jrun-startup-bench"
      -n bwrap "bwrap --unshare-all --ro-bind $rootfs / --proc /proc --dev /dev --tmpfs /tmp /bin/true")
if command -v crun >/dev/null; then
  if out=$(crun --root "$tmp/crun-state" run -b "$tmp/bundle" jrun-startup-crun 2>&1); then
    cmds+=(-n crun "crun --root $tmp/crun-state run -b $tmp/bundle jrun-startup-crun")
  else
    echo "crun skipped: $(echo "$out" | tail -1)"
  fi
else
  echo "crun skipped: not installed (Debian's crun refuses cgroup v1 hybrid hosts like this one)"
fi
# Every command must work before it is timed.
"$here/bin/jrun" "$tmp/true.yaml"
runc --root "$tmp/runc-state" run -b "$tmp/bundle" jrun-startup-bench
bwrap --unshare-all --ro-bind "$rootfs" / --proc /proc --dev /dev --tmpfs /tmp /bin/true

# This kind of machine is noisy (a VM on 2 cores): the runs are split into rounds that each time
# every tool back to back, so that a slow spell falls on all of them, not on one.
rounds=${ROUNDS:-3}
per=$(( (runs + rounds - 1) / rounds ))
for r in $(seq 1 "$rounds"); do
  echo "round $r of $rounds"
  hyperfine -N --warmup 3 --runs "$per" --export-json "$tmp/h$r.json" "${cmds[@]}" | grep -E '^(Benchmark|  Time)'
done

# For reference, not the target: the first run of a new or edited spec (no cached plan: the
# YAML parser, the schema and the checks run, and the JVM starts with the AOT cache for all
# commands).
hyperfine -N --warmup 1 --runs 10 --prepare "rm -rf $tmp/xdg" --export-json "$tmp/miss.json" \
  -n "jrun, plan not cached" "env XDG_CACHE_HOME=$tmp/xdg $here/bin/jrun $tmp/true.yaml" | grep -E '^(Benchmark|  Time)'

# Where a cold jrun spends its time (JVM start until main, spec to plan, the runner).
for i in 1 2 3; do JRUN_TIMING=1 "$here/bin/jrun" "$tmp/true.yaml" 2>&1 | grep 'timing:' || true; done > "$tmp/timing"

python3 - "$tmp" "$rounds" <<'PY'
import json, statistics, sys
tmp, rounds = sys.argv[1], int(sys.argv[2])
times, per_round = {}, []
for r in range(1, rounds + 1):
    res = {x["command"]: x for x in json.load(open(f"{tmp}/h{r}.json"))["results"]}
    per_round.append(res["jrun"]["mean"] / res["runc"]["mean"])
    for name, x in res.items():
        times.setdefault(name, []).extend(x["times"])
for x in json.load(open(f"{tmp}/miss.json"))["results"]:
    times[x["command"]] = x["times"]
print()
for name, t in times.items():
    t = [v * 1000 for v in t]
    print(f"{name:22s} mean {statistics.mean(t):7.1f} ms  median {statistics.median(t):7.1f}  min {min(t):6.1f}  ({len(t)} runs)")
mean = statistics.mean(times["jrun"]) / statistics.mean(times["runc"])
median = statistics.median(times["jrun"]) / statistics.median(times["runc"])
print(f"jrun/runc = {mean:.2f}x by mean, {median:.2f}x by median; per round "
      + ", ".join(f"{x:.2f}x" for x in per_round) + "   (target <= 3x)")
print(open(f"{tmp}/timing").read().strip())
PY
