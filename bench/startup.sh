#!/usr/bin/env bash
# Cold start, side by side on the same busybox rootfs running /bin/true: `bin/jrun SPEC` vs
# `runc run` vs `bwrap --unshare-all` (and crun where this host lets it run), with hyperfine.
# Prints the means and the jrun/runc ratio (target for now: <= 3x).
#   RUNS=30 bench/startup.sh
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
runs=${RUNS:-30}
[ "$(id -u)" = 0 ] || { echo "startup.sh: run as root (runc needs it here; jrun runs rootless too)" >&2; exit 2; }

missing=()
command -v runc >/dev/null || missing+=(runc)
command -v bwrap >/dev/null || missing+=(bubblewrap)
command -v hyperfine >/dev/null || missing+=(hyperfine)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]} ..."
  apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 || { apt-get update -qq >/dev/null && apt-get install -y -qq "${missing[@]}" >/dev/null; }
fi
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

hyperfine -N --warmup 3 --runs "$runs" --export-json "$tmp/h.json" "${cmds[@]}"
python3 - "$tmp/h.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
print()
for name, x in r.items():
    print(f"{name:6s} mean {x['mean']*1000:7.1f} ms  ± {x['stddev']*1000:5.1f}  (min {x['min']*1000:.1f})")
print(f"jrun/runc = {r['jrun']['mean'] / r['runc']['mean']:.2f}x   (target <= 3x)")
PY
