#!/usr/bin/env bash
# Compare vyoma-sdl with Akash's TypeScript SDK (@akashnetwork/chain-sdk) on the conformance inputs and
# the awesome-akash templates. Run `npm ci` here once first.
#   ./run.sh                       # both corpora (defaults below)
#   ./run.sh --verbose             # also list files both reject
#   CONFORMANCE=... AWESOME=... ./run.sh
#   REBUILD=1 ./run.sh             # rebuild vyoma-sdl first (mvn compile -pl vyoma-sdl -am)
set -euo pipefail
here="$(CDPATH='' cd -P -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
# shellcheck source=../../bin/lib/jdk.sh
. "$repo/bin/lib/jdk.sh"
vyoma_use_jdk || exit 1
export JAVA="${JAVA:-$JAVA_HOME/bin/java}"
# The conformance fixtures live beside the repository (../shared), as in CI.
CONFORMANCE="${CONFORMANCE:-$repo/../shared/conformance/akash-sdl}"
AWESOME="${AWESOME:-${TMPDIR:-/tmp}/awesome}"

if [[ ! -d "$here/node_modules/@akashnetwork/chain-sdk" ]]; then
  (cd "$here" && npm ci --no-audit --no-fund)
fi
classes="$repo/vyoma-sdl/target/classes"
if [[ "${REBUILD:-0}" == 1 || ! -f "$classes/dev/vyoma/sdl/Sdl.class" ]] \
   || [[ -n "$(find "$repo/vyoma-sdl/src/main" -newer "$classes/dev/vyoma/sdl/Sdl.class" -name '*.java' -print -quit)" ]]; then
  (cd "$repo" && mvn -q -B -pl vyoma-sdl -am -DskipTests -Dspotless.check.skip=true compile)
fi

echo "### fixtures: TS vs Akash Go output fixtures"
node "$here/verify-fixtures.mjs" "$CONFORMANCE" | tail -n 1
echo
if [[ -d "$CONFORMANCE/input" ]]; then
  echo "### conformance inputs ($CONFORMANCE/input)"
  find "$CONFORMANCE/input" \( -name '*.yaml' -o -name '*.yml' \) | sort | node "$here/compare.mjs" "$@" -
  echo
fi
if [[ -d "$AWESOME" ]]; then
  echo "### awesome-akash ($AWESOME)"
  find "$AWESOME" \( -name 'deploy*.yaml' -o -name 'deploy*.yml' \) | sort | node "$here/compare.mjs" "$@" -
fi
