#!/usr/bin/env bash
# Stress the runner from one JVM: 5,000 sequential containers while another thread churns garbage
# (GCs and safepoints keep starting while children are forked), then 4 parallel loops of 250.
# Prints runs, hangs recovered, hangs unrecovered (must be 0), failures (must be 0) and the mount
# table / child processes before vs after (must be equal); exits non-zero otherwise.
#
#   bench/stress.sh                 as the invoking user (root here)
#   STRESS_ROOTLESS=1 bench/stress.sh   also as nobody (uid 65534) through setpriv, when run as root
#   RUNS=500 PARALLEL_RUNS=50 bench/stress.sh   a quicker pass
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
jar=${JRUN_JAR:-$here/target/jrun.jar}
runs=${RUNS:-5000}
parallel_runs=${PARALLEL_RUNS:-250}
[ -r "$jar" ] || make -C "$here" build >/dev/null
# StressMain is test code, not in the shipped jar: the test classes are compiled next to it.
[ -r "$here/target/test-classes/dev/jrun/runner/StressMain.class" ] || (cd "$here" && mvn -q -B test-compile)
[ -x "$here/build/rootfs/bin/busybox" ] || make -C "$here" rootfs >/dev/null

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
cp "$jar" "$tmp/jrun.jar"
cp -r "$here/target/test-classes" "$tmp/test-classes"
rootfs="$here/build/rootfs"
if [ "$(id -u)" = 0 ] && ! setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$rootfs/bin/busybox" 2>/dev/null; then
  cp -a "$rootfs" "$tmp/rootfs" && rootfs="$tmp/rootfs"   # not reachable by nobody where it is
fi
cat > "$tmp/true.yaml" <<YAML
version: 1
name: stress
rootfs:
  path: $rootfs
process:
  args: [/bin/true]
YAML
chmod -R a+rX "$tmp"

# The launcher's JVM flags, from the launcher itself: what a user's runs get. Its unpacked JNA stub
# (jna.boot.library.path) may lie where nobody cannot read, so JNA unpacks its own here.
mapfile -t opts < <("$here/bin/jrun" --print-jvm-opts | grep -v -e '^-Djna.boot.library.path=' -e '^-Djna.nounpack=')
stress() { # LABEL RUNS THREADS [prefix...]
  local label=$1 n=$2 threads=$3; shift 3
  printf '%-34s ' "$label"
  "$@" java "${opts[@]}" -cp "$tmp/test-classes:$tmp/jrun.jar" dev.jrun.runner.StressMain "$tmp/true.yaml" "$n" "$threads" 1
}
procs_before=$(ps -e --no-headers | wc -l)
status=0
stress "sequential, 1 churn thread:" "$runs" 1 || status=1
stress "4 parallel loops, 1 churn thread:" "$parallel_runs" 4 || status=1
if [ "${STRESS_ROOTLESS:-0}" = 1 ] && [ "$(id -u)" = 0 ]; then
  as_nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups env HOME="$tmp")
  stress "rootless sequential:" "$runs" 1 "${as_nobody[@]}" || status=1
  stress "rootless 4 parallel loops:" "$parallel_runs" 4 "${as_nobody[@]}" || status=1
fi
echo "host processes before=$procs_before after=$(ps -e --no-headers | wc -l) (other users' processes come and go too)"
[ "$status" = 0 ] && echo "stress: OK" || echo "stress: FAILED"
exit "$status"
