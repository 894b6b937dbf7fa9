#!/usr/bin/env bash
# Times vyoma-sdl (JMH SdlParseBenchmark) and Akash's TypeScript SDK (bench.mjs) on the same SDL files in
# one run: first it keeps the files both sides accept, then it alternates a JMH run and a bench.mjs run
# (--pairs times) and prints µs per file, the ratio TS/Java and the load average before each pair.
#
#   ./perf.sh --awesome DIR [--pairs N]   # deploy*.yaml and deploy*.yml under DIR (an awesome-akash checkout)
#   ./perf.sh --corpus DIR [--files GLOBS] [--pairs N]   # any directory (default globs: *.yaml;deploy*.yml)
#   ./perf.sh --list FILE [--pairs N]     # exactly the files listed in FILE, one path a line
#   AWESOME=DIR ./perf.sh                 # as --awesome DIR
#
# env: JMH_ARGS (extra JMH options, e.g. "-wi 3 -i 5"), JAVA_OPTS (JVM options of the JMH launcher, e.g.
# -Djmh.ignoreLock=true when another JMH run holds /tmp/jmh.lock), REBUILD=1 (rebuild benchmarks.jar first; it is
# built when missing). Run `npm ci` here once first. Java figures are the JMH mean ± 99.9 % error; TS
# figures are the median of bench.mjs's 50 measured rounds (ms per file in its own output).
set -euo pipefail
here="$(CDPATH='' cd -P -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
# shellcheck source=../../bin/lib/jdk.sh
. "$repo/bin/lib/jdk.sh"

usage() { sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }

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
jar="$repo/benchmarks/target/benchmarks.jar"
if [[ "${REBUILD:-0}" == 1 || ! -f "$jar" ]]; then
  echo "perf.sh: building benchmarks.jar…" >&2
  vyoma_build benchmarks || exit 1
fi
java="$JAVA_HOME/bin/java"
work="$(mktemp -d "${TMPDIR:-/tmp}/akash-perf.XXXXXX")"
trap 'rm -rf "$work"' EXIT
# shellcheck disable=SC2206
jmh_args=(${JMH_ARGS:-})
# shellcheck disable=SC2206
java_opts=(${JAVA_OPTS:-})

# 1. The files both sides accept (the TS SDK in both timed modes).
if [[ -z "$list" ]]; then
  "$java" "${java_opts[@]}" -Dvyoma.sdl.list="$work/vyoma.txt" -jar "$jar" 'SdlParseBenchmark.parseAll' \
    -p corpus="$(cd "$corpus" && pwd)" -p files="$globs" -wi 0 -i 1 -r 100ms "${jmh_args[@]}" \
    >"$work/select.log" 2>&1 || { tail -n 20 "$work/select.log" >&2; exit 1; }
  list="$work/vyoma.txt"
fi
node "$here/bench.mjs" --list "$list" --write-list "$work/both.txt" --modes sdl,sdl-json --warmup 0 --rounds 1 \
  | sed -n '1,2p'
echo "JDK: $("$java" -version 2>&1 | head -n 1); $(nproc) cores"

# 2. Alternate the two sides.
printf '%-5s %-17s %-16s %-9s %-6s %-16s %-9s %-6s\n' pair load 'Java parseAll' 'TS sdl' ratio \
  'Java +JSON' 'TS json' ratio
for ((i = 1; i <= pairs; i++)); do
  load="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime | sed 's/.*average[s]*: //')"
  "$java" "${java_opts[@]}" -jar "$jar" 'SdlParseBenchmark\.(parseAll|parseAndJson)$' -p list="$work/both.txt" \
    -rf json -rff "$work/jmh-$i.json" "${jmh_args[@]}" >"$work/jmh-$i.log" 2>&1 \
    || { tail -n 20 "$work/jmh-$i.log" >&2; exit 1; }
  node "$here/bench.mjs" --list "$work/both.txt" --modes sdl,sdl-json --json "$work/ts-$i.json" >/dev/null
  node - "$work/jmh-$i.json" "$work/ts-$i.json" "$i" "$load" <<'EOF'
const fs = require("node:fs");
const [jmhFile, tsFile, pair, load] = process.argv.slice(2);
const jmh = {};
for (const r of JSON.parse(fs.readFileSync(jmhFile, "utf8"))) {
  jmh[r.benchmark.replace(/.*\./, "")] = r.primaryMetric;
}
const ts = JSON.parse(fs.readFileSync(tsFile, "utf8")).modes;
const cell = (m) => `${m.score.toFixed(1)} ± ${m.scoreError.toFixed(1)}`;
const us = (s) => (s.median * 1000).toFixed(1);
const ratio = (m, s) => `${((s.median * 1000) / m.score).toFixed(2)}x`;
console.log(
  [pair.padEnd(5), load.padEnd(17), cell(jmh.parseAll).padEnd(16), us(ts.sdl).padEnd(9),
   ratio(jmh.parseAll, ts.sdl).padEnd(6), cell(jmh.parseAndJson).padEnd(16), us(ts["sdl-json"]).padEnd(9),
   ratio(jmh.parseAndJson, ts["sdl-json"])].join(" "),
);
EOF
done
echo "(µs per file; ratio = TS median / Java mean)"
