# shellcheck shell=bash
# Helpers sourced by the scripts in bin/ (and .ci/): find a JDK 21 or newer, find the repository
# root, build a module quietly with Maven. Written for bash 3.2 (macOS) as well as bash 5, and safe
# under `set -euo pipefail`. Defines functions only; sourcing it runs nothing.

VYOMA_MIN_JAVA_MAJOR=21

# _vyoma_resolve PATH: prints the physical path of PATH, following symlinks (no `readlink -f`,
# which older macOS lacks).
_vyoma_resolve() {
  local path="$1" dir link
  while [ -L "$path" ]; do
    link="$(readlink -- "$path")"
    case "$link" in
      /*) path="$link" ;;
      *) path="$(dirname -- "$path")/$link" ;;
    esac
  done
  dir="$(CDPATH='' cd -P -- "$(dirname -- "$path")" && pwd)" || return 1
  printf '%s/%s\n' "$dir" "$(basename -- "$path")"
}

# vyoma_root: prints the repository root, the parent of bin/ (this file is bin/lib/jdk.sh).
vyoma_root() {
  local self
  self="$(_vyoma_resolve "${BASH_SOURCE[0]}")" || return 1
  self="${self%/*}" # bin/lib
  self="${self%/*}" # bin
  printf '%s\n' "${self%/*}"
}

# The functions below run on every `vyoma` command, so the search forks no process where bash can
# do the work itself: the _vyoma_* helpers return their result in a variable instead of printing it.

# _vyoma_read_version HOME: sets _vyoma_version to the Java version of the JDK at HOME ("25.0.1",
# "1.8.0_392"), read from HOME/release, or else from `java -version`; fails when there is none.
_vyoma_read_version() {
  local home="$1" line out re='version "([^"]+)"'
  _vyoma_version=""
  if [ -r "$home/release" ]; then
    while IFS= read -r line || [ -n "$line" ]; do
      case "$line" in
        JAVA_VERSION=*)
          _vyoma_version="${line#JAVA_VERSION=}"
          break
          ;;
      esac
    done <"$home/release"
    _vyoma_version="${_vyoma_version%$'\r'}"
    _vyoma_version="${_vyoma_version#\"}"
    _vyoma_version="${_vyoma_version%\"}"
  fi
  if [ -z "$_vyoma_version" ] && [ -x "$home/bin/java" ]; then
    out="$("$home/bin/java" -version 2>&1 </dev/null)" || out=""
    if [[ $out =~ $re ]]; then
      _vyoma_version="${BASH_REMATCH[1]}"
    fi
  fi
  [ -n "$_vyoma_version" ]
}

# _vyoma_major_of VERSION: sets _vyoma_major to the major version: 25.0.1 -> 25, 21 -> 21,
# 21-ea -> 21, 1.8.0_392 -> 8; fails when VERSION has none.
_vyoma_major_of() {
  _vyoma_major="$1"
  case "$_vyoma_major" in
    1.*) _vyoma_major="${_vyoma_major#1.}" ;;
  esac
  _vyoma_major="${_vyoma_major%%[!0-9]*}"
  [ -n "$_vyoma_major" ]
}

# vyoma_java_version HOME: prints the Java version of the JDK at HOME (see _vyoma_read_version).
vyoma_java_version() {
  _vyoma_read_version "$1" || return 1
  printf '%s\n' "$_vyoma_version"
}

# vyoma_java_major VERSION: prints the major version of VERSION (see _vyoma_major_of).
vyoma_java_major() {
  _vyoma_major_of "$1" || return 1
  printf '%s\n' "$_vyoma_major"
}

# _vyoma_jdk_major HOME: sets _vyoma_major to the major version of the JDK at HOME; fails when
# HOME is not a JDK (a JRE has no javac).
_vyoma_jdk_major() {
  local home="$1"
  [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || return 1
  _vyoma_read_version "$home" && _vyoma_major_of "$_vyoma_version"
}

# _vyoma_find_java_home: sets _vyoma_java_home to the home of a JDK 21 or newer: $JAVA_HOME when
# it is one, else the newest JDK under /usr/lib/jvm (on macOS also /Library/Java/JavaVirtualMachines
# and ~/Library/Java/JavaVirtualMachines), else the JDK of the `javac` on PATH. Fails with a
# one-line message on stderr when there is none.
_vyoma_find_java_home() {
  local home best="" best_major=0 javac
  _vyoma_java_home=""
  if [ -n "${JAVA_HOME:-}" ]; then
    home="${JAVA_HOME%/}"
    if _vyoma_jdk_major "$home" && [ "$_vyoma_major" -ge "$VYOMA_MIN_JAVA_MAJOR" ]; then
      _vyoma_java_home="$home"
      return 0
    fi
  fi
  local candidates=(/usr/lib/jvm/*)
  case "${OSTYPE:-}" in
    darwin*)
      candidates+=(/Library/Java/JavaVirtualMachines/*/Contents/Home)
      if [ -n "${HOME:-}" ]; then
        candidates+=("$HOME"/Library/Java/JavaVirtualMachines/*/Contents/Home)
      fi
      ;;
  esac
  for home in "${candidates[@]}"; do
    if _vyoma_jdk_major "$home" && [ "$_vyoma_major" -gt "$best_major" ]; then
      best="$home"
      best_major="$_vyoma_major"
    fi
  done
  if [ "$best_major" -lt "$VYOMA_MIN_JAVA_MAJOR" ] && javac="$(command -v javac)" \
    && javac="$(_vyoma_resolve "$javac")"; then
    home="${javac%/bin/javac}"
    if _vyoma_jdk_major "$home" && [ "$_vyoma_major" -gt "$best_major" ]; then
      best="$home"
      best_major="$_vyoma_major"
    fi
  fi
  if [ "$best_major" -ge "$VYOMA_MIN_JAVA_MAJOR" ]; then
    _vyoma_java_home="$best"
    return 0
  fi
  echo "vyoma: needs a JDK $VYOMA_MIN_JAVA_MAJOR or newer; install one (e.g. Temurin $VYOMA_MIN_JAVA_MAJOR+) or set JAVA_HOME" >&2
  return 1
}

# vyoma_find_java_home: prints the home of a JDK 21 or newer (see _vyoma_find_java_home).
vyoma_find_java_home() {
  _vyoma_find_java_home || return 1
  printf '%s\n' "$_vyoma_java_home"
}

# vyoma_use_jdk: finds a JDK (as above) and exports JAVA_HOME and PATH for it.
vyoma_use_jdk() {
  _vyoma_find_java_home || return 1
  JAVA_HOME="$_vyoma_java_home"
  PATH="$JAVA_HOME/bin:$PATH"
  export JAVA_HOME PATH
}

# vyoma_build MODULE: builds MODULE and the modules it needs (no tests, no format check) from the
# repository root. Maven's output goes to a temporary log that is shown (its tail) only when the
# build fails. Standard input is not passed to Maven, so `vyoma ... -` still reads it.
vyoma_build() {
  local module="$1" root log
  if ! command -v mvn >/dev/null 2>&1; then
    echo "vyoma: needs Maven 3.8 or newer (mvn) on PATH to build; install it and try again" >&2
    return 1
  fi
  root="$(vyoma_root)" || return 1
  log="$(mktemp "${TMPDIR:-/tmp}/vyoma-build.XXXXXX")" || return 1
  if (cd "$root" && mvn -q -B -DskipTests -Dspotless.check.skip=true -pl "$module" -am package) \
    </dev/null >"$log" 2>&1; then
    rm -f "$log"
    return 0
  fi
  tail -n 40 "$log" >&2
  echo "vyoma: build failed; log: $log" >&2
  return 1
}
