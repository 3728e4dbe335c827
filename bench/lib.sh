# Sourced by the benches. `need CMD[:PACKAGE] ...` installs, with apt, the package of each
# command that is missing: a bench installs what it compares against.
need() {
  local missing=() x
  for x in "$@"; do command -v "${x%%:*}" >/dev/null || missing+=("${x#*:}"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "installing ${missing[*]} ..."
  apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 ||
    { apt-get update -qq >/dev/null && apt-get install -y -qq "${missing[@]}" >/dev/null; }
}
