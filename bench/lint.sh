#!/usr/bin/env bash
# Lint throughput: `jrun lint` vs `ajv validate` (ajv-cli, the usual JSON Schema CLI) on the same
# 1,000 generated specs and the same schema. Prints files/s for both and the ratio.
#
# jrun does more per file than ajv: YAML/JSON syntax with line:col, the schema (everit), and the
# semantic rules, which stat volume sources and look programs up in the rootfs. ajv checks the
# schema only. Both are timed end to end (process start included); jrun's in-JVM figure, after
# JVM start, comes from its hidden --timing flag.
#
# Usage: bench/lint.sh            (from anywhere; needs `make build` and npm for ajv-cli)
#   N=1000 RUNS=3 JRUN=bin/jrun bench/lint.sh
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
N=${N:-1000}
RUNS=${RUNS:-3}
JRUN=${JRUN:-bin/jrun}
AJV=build/bench/node_modules/.bin/ajv

if [ "$JRUN" = bin/jrun ] && [ ! -r target/jrun.jar ]; then
  echo "bench/lint.sh: target/jrun.jar is missing; building it (make build)" >&2
  make -s build
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/jrun-lint-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
specs=$tmp/specs
mkdir -p "$specs" "$tmp/data" "$tmp/rootfs/bin" "$tmp/rootfs/usr/bin"
: > "$tmp/rootfs/bin/sh"
: > "$tmp/rootfs/usr/bin/env"
echo "hello" > "$tmp/data/motd"

# ---- 1,000 valid specs, varied the way real ones vary: YAML and JSON, image or host root,
# namespace subsets, mounts, volumes, files, env, users and id maps. ----
yaml_spec() { # index
  local i=$1
  echo "# generated spec $i"
  echo "version: 1"
  echo "name: svc-$i"
  if (( i % 3 == 0 )); then
    printf 'rootfs:\n  path: ../rootfs\n  readonly: %s\n' "$( ((i % 2)) && echo true || echo false)"
  else
    echo "rootfs: {host: true}"
  fi
  case $(( i % 4 )) in
    0) echo "hostname: host-$i" ;;
    1) echo "namespaces: [user, mount, uts, ipc, pid, net]"; echo "domainname: example.org" ;;
    2) echo "namespaces: [user, mount, pid, net]" ;;
    3) echo "namespaces: [user, mount, uts, pid]"; echo "network: {mode: host}" ;;
  esac
  if (( i % 2 == 0 )); then
    echo "mounts:"
    echo "  - destination: /scratch"
    echo "    type: tmpfs"
    echo "    options: [nosuid, nodev, size=$(( i % 64 + 1 ))m, mode=1777]"
    (( i % 8 == 0 )) && printf '  - {destination: /run/cache, type: tmpfs, options: [size=10%%]}\n'
  fi
  if (( i % 5 == 0 )); then
    echo "volumes:"
    echo "  - {source: ../data, destination: /data, readonly: $( ((i % 10)) && echo true || echo false)}"
  fi
  if (( i % 7 == 0 )); then
    echo "files:"
    echo "  - destination: /etc/motd"
    echo "    content: |"
    echo "      spec $i"
    echo "  - {destination: /etc/app.conf, source: ../data/motd}"
  fi
  echo "process:"
  if (( i % 6 == 1 )); then echo "  args: [env, FOO=$i]"; else echo "  args: [/bin/sh, -c, 'echo $i']"; fi
  echo "  env:"
  for k in $(seq 1 $(( i % 5 + 1 ))); do echo "    VAR_$k: \"value-$i-$k\""; done
  (( i % 9 == 0 )) && echo "  cwd: /tmp"
  (( i % 11 == 0 )) && echo "  user: {uid: 0, gid: 0, additionalGids: [0]}"
  (( i % 13 == 0 )) && echo "  init: false"
  return 0
}

json_spec() { # index
  local i=$1
  cat <<EOF
{
  "version": 1,
  "name": "api-$i",
  "rootfs": {"path": "../rootfs"},
  "namespaces": ["user", "mount", "uts", "ipc", "pid", "net"],
  "hostname": "api-$i",
  "mounts": [{"destination": "/tmp", "type": "tmpfs", "options": ["nosuid", "size=$(( i % 32 + 1 ))m"]}],
  "volumes": [{"source": "../data", "destination": "/srv/data", "readonly": true}],
  "process": {"args": ["/bin/sh", "-c", "echo $i"], "env": {"PORT": "$(( 8000 + i % 1000 ))"}, "cwd": "/srv/data"},
  "network": {"mode": "none"}
}
EOF
}

for i in $(seq 1 "$N"); do
  if (( i % 5 == 4 )); then json_spec "$i" > "$specs/api-$i.json"; else yaml_spec "$i" > "$specs/svc-$i.yaml"; fi
done

# ---- and a few invalid ones: schema errors ajv sees too, and semantic ones only jrun sees ----
printf 'version: 1\nname: bad-key\nrootfs: {host: true}\nmounst: []\nprocess: {args: [/bin/sh]}\n' > "$specs/bad-key.yaml"
printf 'version: 1\nname: bad-enum\nrootfs: {host: true}\nnamespaces: [usr]\nprocess: {args: [/bin/sh]}\n' > "$specs/bad-enum.yaml"
printf 'version: 2\nname: bad-version\nrootfs: {host: true}\nprocess: {args: [/bin/sh]}\n' > "$specs/bad-version.yaml"
printf 'version: 1\nname: bad-dest\nrootfs: {host: true}\nmounts: [{destination: tmp, type: tmpfs}]\nprocess: {args: [/bin/sh]}\n' > "$specs/bad-dest.yaml"
printf 'version: 1\nname: bad-volume\nrootfs: {host: true}\nvolumes: [{source: ../nowhere, destination: /x}]\nprocess: {args: [/bin/sh]}\n' > "$specs/bad-volume.yaml"
files=$(ls "$specs" | wc -l)
echo "bench/lint.sh: $files specs ($N valid + $(( files - N )) invalid) in $specs"

now() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# ---- jrun ----
walls=() inside=() findings=""
for r in $(seq 1 "$RUNS"); do
  t0=$(now)
  set +e
  "$JRUN" lint --timing "$specs" > "$tmp/jrun.out" 2> "$tmp/jrun.err"
  code=$?
  set -e
  t1=$(now)
  if [ "$code" -ne 1 ]; then
    echo "bench/lint.sh: jrun lint exited $code, expected 1 (the invalid specs):" >&2
    cat "$tmp/jrun.err" >&2
    exit 1
  fi
  walls+=($(( (t1 - t0) / 1000000 )))
  inside+=($(sed -n 's/^jrun lint: [0-9]* files in \([0-9.]*\) ms.*/\1/p' "$tmp/jrun.err"))
  findings=$(head -1 "$tmp/jrun.err")
done
jrun_ms=$(printf '%s\n' "${walls[@]}" | median)
jrun_in_ms=$(printf '%s\n' "${inside[@]}" | median)
jrun_files=$(grep -c '' "$tmp/jrun.out" || true)

# ---- ajv-cli ----
if [ ! -x "$AJV" ]; then
  echo "bench/lint.sh: installing ajv-cli into build/bench (npm)" >&2
  npm install --silent --prefix build/bench ajv-cli ajv-formats >/dev/null
fi
ajv_walls=()
for r in $(seq 1 "$RUNS"); do
  t0=$(now)
  set +e
  "$AJV" validate --strict=false -s schema/jrun-spec.schema.json -d "$specs/*.yaml" -d "$specs/*.json" > "$tmp/ajv.out" 2>&1
  set -e
  t1=$(now)
  ajv_walls+=($(( (t1 - t0) / 1000000 )))
done
ajv_ms=$(printf '%s\n' "${ajv_walls[@]}" | median)
ajv_valid=$(grep -c ' valid$' "$tmp/ajv.out" || true)
ajv_invalid=$(grep -c ' invalid$' "$tmp/ajv.out" || true)

rate() { awk -v n="$files" -v ms="$1" 'BEGIN { printf "%.0f", n / (ms / 1000) }'; }
echo
echo "jrun lint:    $findings; $jrun_files finding lines"
echo "ajv validate: $ajv_valid valid, $ajv_invalid invalid (schema only)"
echo
printf '%-34s %10s %12s\n' "" "ms" "files/s"
printf '%-34s %10s %12s\n' "jrun lint, end to end" "$jrun_ms" "$(rate "$jrun_ms")"
printf '%-34s %10s %12s\n' "jrun lint, after JVM start" "$jrun_in_ms" "$(rate "$jrun_in_ms")"
printf '%-34s %10s %12s\n' "ajv validate (ajv-cli), end to end" "$ajv_ms" "$(rate "$ajv_ms")"
echo
awk -v j="$jrun_ms" -v a="$ajv_ms" -v ji="$jrun_in_ms" 'BEGIN {
  printf "ratio jrun/ajv (files/s, end to end): %.2f  (>1: jrun is faster)\n", a / j
  printf "ratio jrun/ajv (jrun after JVM start): %.2f\n", a / ji
}'
echo "(median of $RUNS runs; $(nproc) cores; $("${JRUN}" --version 2>/dev/null || echo jrun))"
