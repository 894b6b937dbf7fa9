#!/usr/bin/env bash
# Times vyoma-sdl (VyomaBench.java) and Akash's TypeScript SDK (bench.mjs) on the same SDL files in one
# run, with the same statistic: it keeps the files both sides accept, then alternates the two (--pairs
# times), each reading the files once, making WARMUP rounds over them, then ROUNDS measured rounds. It
# prints per file the median wall time of a round and the process CPU time (all threads) over the
# measured rounds, with the ratio TS/vyoma of each and the load average before each pair. On a busy
# machine the CPU ratio is the one to read: waiting for a core inflates wall time, not CPU time.
#
#   ./perf.sh --awesome DIR [--pairs N]   # deploy*.yaml and deploy*.yml under DIR (an awesome-akash checkout)
#   ./perf.sh --corpus DIR [--files GLOBS] [--pairs N]   # any directory (default globs: *.yaml;deploy*.yml)
#   ./perf.sh --list FILE [--pairs N]     # exactly the files listed in FILE, one path a line
#   AWESOME=DIR ./perf.sh                 # as --awesome DIR
#
# env: WARMUP (default 200), ROUNDS (default 40), VYOMA_CP (classpath of the vyoma side), REBUILD=1 (recompile vyoma-sdl first; it is compiled
# when missing or older than its sources), BASELINE_CP (classpath of another vyoma-sdl build, such as one
# compiled from an older commit: it is timed in every pair too, just before vyoma, and printed as row "Nb",
# so a change is compared with TS and with its baseline in the same run). Run `npm ci` here once first.
# The JMH benchmark (SdlParseBenchmark, docs/benchmarks.md) times the Java side alone.
set -euo pipefail
here="$(CDPATH='' cd -P -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
# shellcheck source=../../bin/lib/jdk.sh
. "$repo/bin/lib/jdk.sh"

usage() { sed -n '2,19p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }

corpus="" globs="*.yaml;deploy*.yml" list="" pairs=3
[[ -n "${AWESOME:-}" ]] && corpus="$AWESOME" globs="deploy*.yaml;deploy*.yml"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --awesome) corpus="${2:?--awesome needs a directory}" globs="deploy*.yaml;deploy*.yml"; shift 2 ;;
    --corpus) corpus="${2:?--corpus needs a directory}"; shift 2 ;;
    --files) globs="${2:?--files needs globs}"; shift 2 ;;
    --list) list="${2:?--list needs a file}"; shift 2 ;;
    --pairs) pairs="${2:?--pairs needs a number}"; shift 2 ;;
    -h | --help) usage ;;
    *) echo "perf.sh: unknown argument $1" >&2; usage ;;
  esac
done
if [[ -z "$corpus" && -z "$list" ]]; then
  echo "perf.sh: say which files to time: --awesome DIR (or AWESOME=DIR), --corpus DIR or --list FILE" >&2
  exit 2
fi
if [[ -n "$list" && ! -f "$list" ]]; then
  echo "perf.sh: list file not found: $list" >&2
  exit 2
fi
if [[ -z "$list" && ! -d "$corpus" ]]; then
  echo "perf.sh: corpus directory not found: $corpus" >&2
  exit 2
fi
if [[ ! -d "$here/node_modules/@akashnetwork/chain-sdk" ]]; then
  echo "perf.sh: the TS SDK is not installed; run: (cd $here && npm ci)" >&2
  exit 2
fi
vyoma_use_jdk || exit 1
java="$JAVA_HOME/bin/java"
classes="$repo/vyoma-sdl/target/classes"
if [[ "${REBUILD:-0}" == 1 || ! -f "$classes/dev/vyoma/sdl/Sdl.class" ]] \
   || [[ -n "$(find "$repo/vyoma-sdl/src/main" -newer "$classes/dev/vyoma/sdl/Sdl.class" -name '*.java' -print -quit)" ]]; then
  (cd "$repo" && mvn -q -B -pl vyoma-sdl -am -DskipTests -Dspotless.check.skip=true compile)
fi
yaml_version="$(sed -n 's:.*<snakeyaml-engine.version>\(.*\)</snakeyaml-engine.version>.*:\1:p' "$repo/pom.xml")"
cp="${VYOMA_CP:-$classes:${M2_REPO:-$HOME/.m2/repository}/org/snakeyaml/snakeyaml-engine/$yaml_version/snakeyaml-engine-$yaml_version.jar}"
warmup="${WARMUP:-200}" rounds="${ROUNDS:-40}"
work="$(mktemp -d "${TMPDIR:-/tmp}/akash-perf.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# 1. The files both sides accept (the TS SDK in both timed modes).
if [[ -z "$list" ]]; then
  IFS=';' read -r -a patterns <<<"$globs"
  names=()
  for p in "${patterns[@]}"; do names+=(-o -name "$p"); done
  find "$(cd "$corpus" && pwd)" -type f \( "${names[@]:1}" \) | sort >"$work/candidates.txt"
  xargs "$java" -cp "$cp" "$here/VyomaSdl.java" <"$work/candidates.txt" \
    | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{for(const l of s.split("\n").filter(Boolean)){const o=JSON.parse(l);if(o.ok)console.log(o.file)}})' \
    >"$work/vyoma.txt"
  list="$work/vyoma.txt"
fi
node "$here/bench.mjs" --list "$list" --write-list "$work/both.txt" --modes sdl,sdl-json --warmup 0 --rounds 1 \
  | sed -n '1,2p'
echo "$("$java" -version 2>&1 | head -n 1); $(nproc) cores; $warmup warm-up + $rounds measured rounds per side and mode"

# 2. Alternate the two sides.
printf '%-4s %-15s | %-34s | %-34s\n' "" "" "parse: wall µs/file; CPU µs/file" "parse + JSON output: the same"
printf '%-4s %-15s | %-34s | %-34s\n' pair load "vyoma TS ratio; vyoma TS ratio" "vyoma TS ratio; vyoma TS ratio"
report() {
  node - "$1" "$2" "$3" "$4" <<'EOF'
const fs = require("node:fs");
const [vyFile, tsFile, pair, load] = process.argv.slice(2);
const vy = JSON.parse(fs.readFileSync(vyFile, "utf8")).modes;
const ts = JSON.parse(fs.readFileSync(tsFile, "utf8")).modes;
const us = (ms) => (ms * 1000).toFixed(1);
const cols = (v, t) =>
  `${us(v.median)} ${us(t.median)} ${(t.median / v.median).toFixed(2)}x; ` +
  `${us(v.cpuMean)} ${us(t.cpuMean)} ${(t.cpuMean / v.cpuMean).toFixed(2)}x`;
console.log(`${pair.padEnd(4)} ${load.padEnd(15)} | ${cols(vy.parse, ts.sdl).padEnd(34)} | ${cols(vy.json, ts["sdl-json"])}`);
EOF
}
for ((i = 1; i <= pairs; i++)); do
  load="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime | sed 's/.*average[s]*: //')"
  if [[ -n "${BASELINE_CP:-}" ]]; then
    "$java" -cp "$BASELINE_CP" "$here/VyomaBench.java" --list "$work/both.txt" --warmup "$warmup" \
      --rounds "$rounds" --json "$work/base-$i.json" >/dev/null
  fi
  "$java" -cp "$cp" "$here/VyomaBench.java" --list "$work/both.txt" --warmup "$warmup" --rounds "$rounds" \
    --json "$work/vyoma-$i.json" >/dev/null
  node "$here/bench.mjs" --list "$work/both.txt" --modes sdl,sdl-json --warmup "$warmup" --rounds "$rounds" \
    --json "$work/ts-$i.json" >/dev/null
  if [[ -n "${BASELINE_CP:-}" ]]; then
    report "$work/base-$i.json" "$work/ts-$i.json" "${i}b" "$load"
  fi
  report "$work/vyoma-$i.json" "$work/ts-$i.json" "$i" "$load"
done
