#!/usr/bin/env bash
# Compare vyoma-sdl with Akash's TypeScript SDK (@akashnetwork/chain-sdk) on the conformance inputs and,
# when given, the awesome-akash templates. It installs the SDK (`npm ci`) here on the first run.
#   ./run.sh                                  # conformance fixtures at <repo>/../shared/conformance/akash-sdl
#   ./run.sh --awesome DIR                    # also deploy*.yaml / deploy*.yml of an awesome-akash checkout
#   ./run.sh --conformance DIR --verbose      # other fixtures; --verbose also lists files both reject
#   CONFORMANCE=DIR AWESOME=DIR ./run.sh      # the same through the environment
#   REBUILD=1 ./run.sh                        # recompile vyoma-sdl first (mvn compile -pl vyoma-sdl -am)
# Relative paths are taken from the current directory. Other arguments go to compare.mjs.
set -euo pipefail
here="$(CDPATH='' cd -P -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
# shellcheck source=../../bin/lib/jdk.sh
. "$repo/bin/lib/jdk.sh"

conformance="${CONFORMANCE:-}"
awesome="${AWESOME:-}"
compare_args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --conformance) conformance="${2:?--conformance needs a directory}"; shift 2 ;;
    --awesome) awesome="${2:?--awesome needs a directory}"; shift 2 ;;
    -h | --help) sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) compare_args+=("$1"); shift ;;
  esac
done
# The conformance fixtures live beside the repository (../shared), as in CI.
if [[ -z "$conformance" ]]; then
  conformance="$repo/../shared/conformance/akash-sdl"
  if [[ ! -d "$conformance" ]]; then
    echo "run.sh: no conformance fixtures at ../shared/conformance/akash-sdl beside the repository;" \
      "pass --conformance DIR (or CONFORMANCE=DIR)" >&2
    exit 2
  fi
elif [[ ! -d "$conformance" ]]; then
  echo "run.sh: conformance directory not found: $conformance" >&2
  exit 2
fi
if [[ -n "$awesome" && ! -d "$awesome" ]]; then
  echo "run.sh: awesome-akash directory not found: $awesome (a checkout of akash-network/awesome-akash)" >&2
  exit 2
fi
conformance="$(cd "$conformance" && pwd)"
[[ -n "$awesome" ]] && awesome="$(cd "$awesome" && pwd)"

vyoma_use_jdk || exit 1
export JAVA="${JAVA:-$JAVA_HOME/bin/java}"
if [[ ! -d "$here/node_modules/@akashnetwork/chain-sdk" ]]; then
  (cd "$here" && npm ci --no-audit --no-fund)
fi
classes="$repo/vyoma-sdl/target/classes"
if [[ "${REBUILD:-0}" == 1 || ! -f "$classes/dev/vyoma/sdl/Sdl.class" ]] \
   || [[ -n "$(find "$repo/vyoma-sdl/src/main" -newer "$classes/dev/vyoma/sdl/Sdl.class" -name '*.java' -print -quit)" ]]; then
  (cd "$repo" && mvn -q -B -pl vyoma-sdl -am -DskipTests -Dspotless.check.skip=true compile)
fi

echo "### fixtures: TS vs Akash Go output fixtures"
node "$here/verify-fixtures.mjs" "$conformance" | tail -n 1
echo
if [[ -d "$conformance/input" ]]; then
  echo "### conformance inputs ($conformance/input)"
  find "$conformance/input" \( -name '*.yaml' -o -name '*.yml' \) | sort \
    | node "$here/compare.mjs" ${compare_args[@]+"${compare_args[@]}"} -
  echo
fi
if [[ -n "$awesome" ]]; then
  echo "### awesome-akash ($awesome)"
  find "$awesome" \( -name 'deploy*.yaml' -o -name 'deploy*.yml' \) | sort \
    | node "$here/compare.mjs" ${compare_args[@]+"${compare_args[@]}"} -
else
  echo "### awesome-akash: skipped (pass --awesome DIR or AWESOME=DIR, a checkout of akash-network/awesome-akash)"
fi
