#!/usr/bin/env node
// Times Akash's TypeScript SDL implementation (@akashnetwork/chain-sdk) over a corpus of SDL files,
// for comparison with the JMH benchmark dev.vyoma.benchmarks.SdlParseBenchmark (docs/benchmarks.md).
//
//   node tools/akash-parity/bench.mjs [DIR] [--files GLOBS] [--list FILE] [--write-list FILE]
//                                     [--warmup N] [--rounds N] [--modes a,b,c] [--json FILE]
//
// DIR defaults to <repo>/../shared/conformance/akash-sdl/input; GLOBS (file-name globs separated by
// ";", default "*.yaml;deploy*.yml") picks files under DIR recursively, as the JMH benchmark does.
// --list FILE reads exactly the paths listed in FILE instead (e.g. the one the JMH benchmark writes
// with -Dvyoma.sdl.list=FILE). Files are read once into strings; files the TS SDK rejects are dropped
// (counted), and --write-list FILE writes the kept paths, which the JMH benchmark reads with
// -p list=FILE, so that both sides time the same files. --json FILE also writes the figures per mode
// ({mode: {mean, sd, median, min, cpuMean, cpuMedian}}, ms per file) for perf.sh.
//
// Modes (each: --warmup rounds over the corpus, then --rounds measured rounds; ms per file, wall clock
// and the process's CPU time):
//   sdl       SDL.fromString(yaml, "beta3"), groups(), manifest(), await manifestVersion()
//   sdl-json  the same, then JSON.stringify of the groups and of the manifest
//   generate  js-yaml load, generateManifest(), await generateManifestVersion() (the newer API)
import { readFileSync, writeFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, resolve, basename } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { SDL, generateManifest, generateManifestVersion } from "@akashnetwork/chain-sdk";
import yaml from "js-yaml";

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, "..", "..");

function parseArgs(argv) {
  const opts = {
    dir: resolve(repoRoot, "..", "shared", "conformance", "akash-sdl", "input"),
    files: "*.yaml;deploy*.yml",
    list: null,
    writeList: null,
    json: null,
    warmup: 20,
    rounds: 50,
    modes: ["sdl", "sdl-json", "generate"],
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === "--files") opts.files = val();
    else if (a === "--list") opts.list = val();
    else if (a === "--write-list") opts.writeList = val();
    else if (a === "--json") opts.json = val();
    else if (a === "--warmup") opts.warmup = Number(val());
    else if (a === "--rounds") opts.rounds = Number(val());
    else if (a === "--modes") opts.modes = val().split(",").filter(Boolean);
    else if (a === "-h" || a === "--help") {
      console.log(readFileSync(fileURLToPath(import.meta.url), "utf8").split("\nimport ")[0]);
      process.exit(0);
    } else if (a.startsWith("-")) throw new Error(`unknown option ${a}`);
    else opts.dir = resolve(a);
  }
  return opts;
}

// A file-name glob (*, ?, {a,b}) as a RegExp.
function globToRegExp(glob) {
  let re = "";
  let inBraces = false;
  for (const c of glob) {
    if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "{") { re += "(?:"; inBraces = true; }
    else if (c === "}" && inBraces) { re += ")"; inBraces = false; }
    else if (c === "," && inBraces) re += "|";
    else re += c.replace(/[.+^$()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

// Globs separated by ";", or by "," outside braces.
function splitGlobs(globs) {
  const out = [];
  let depth = 0;
  let cur = "";
  for (const c of globs) {
    if (c === "{") depth++;
    if (c === "}") depth--;
    if (c === ";" || (c === "," && depth === 0)) { out.push(cur); cur = ""; } else cur += c;
  }
  out.push(cur);
  return out.map((g) => g.trim()).filter(Boolean);
}

function walk(dir, matchers, out = []) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) walk(p, matchers, out);
    else if (st.isFile() && matchers.some((m) => m.test(basename(p)))) out.push(p);
  }
  return out;
}

const modes = {
  async sdl(text) {
    const sdl = SDL.fromString(text, "beta3");
    const groups = sdl.groups();
    const manifest = sdl.manifest();
    const version = await sdl.manifestVersion();
    return groups.length + manifest.length + version.length;
  },
  async "sdl-json"(text) {
    const sdl = SDL.fromString(text, "beta3");
    const groups = JSON.stringify(sdl.groups());
    const manifest = JSON.stringify(sdl.manifest());
    const version = await sdl.manifestVersion();
    return groups.length + manifest.length + version.length;
  },
  async generate(text) {
    const result = generateManifest(yaml.load(text));
    if (!result.ok) throw new Error(JSON.stringify(result.value).slice(0, 200));
    const version = await generateManifestVersion(result.value.groups);
    return result.value.groupSpecs.length + version.length;
  },
};

// One pass over the corpus: wall-clock ms, and the process's CPU ms (all threads: V8's compiler and
// GC threads too), which waiting for a core on a busy machine does not inflate.
async function round(fn, texts) {
  let sink = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (const t of texts) sink += await fn(t);
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  if (sink === 0) throw new Error("nothing computed");
  return { ms, cpuMs: (c.user + c.system) / 1000 };
}

function stats(samples) {
  const n = samples.length;
  const mean = samples.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(samples.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, n - 1));
  const sorted = [...samples].sort((a, b) => a - b);
  return { mean, sd, min: sorted[0], median: sorted[Math.floor(n / 2)] };
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  for (const m of opts.modes) if (!modes[m]) throw new Error(`unknown mode ${m}`);
  let paths;
  let source;
  if (opts.list) {
    const listFile = resolve(opts.list);
    paths = readFileSync(listFile, "utf8")
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith("#"))
      .map((l) => resolve(dirname(listFile), l));
    source = `listed in ${listFile}`;
  } else {
    paths = walk(opts.dir, splitGlobs(opts.files).map(globToRegExp));
    source = `${opts.dir} (${opts.files})`;
  }
  const all = paths.map((p) => ({ path: p, text: readFileSync(p, "utf8") }));

  // Keep the files every selected mode accepts; the first pass over them is also the cold pass.
  const kept = [];
  const coldStart = performance.now();
  for (const f of all) {
    try {
      for (const m of opts.modes) await modes[m](f.text);
      kept.push(f);
    } catch {
      // rejected by the TS SDK
    }
  }
  const coldMs = performance.now() - coldStart;
  if (kept.length === 0) throw new Error(`no file accepted by the TS SDK: ${source}`);
  const bytes = kept.reduce((a, f) => a + Buffer.byteLength(f.text), 0);
  console.log(`node ${process.version}, @akashnetwork/chain-sdk ${sdkVersion()}`);
  console.log(
    `corpus ${source}: ${all.length} files, ${kept.length} accepted by the TS SDK and kept, ` +
      `${all.length - kept.length} rejected; ${bytes} bytes kept, ${Math.round(bytes / kept.length)} per file`,
  );
  console.log(
    `first (cold) pass, all modes [${opts.modes.join(", ")}], accepted and rejected files: ` +
      `${coldMs.toFixed(1)} ms`,
  );
  if (opts.writeList) {
    writeFileSync(opts.writeList, kept.map((f) => f.path).join("\n") + "\n");
    console.log(`kept files listed in ${resolve(opts.writeList)}`);
  }
  const texts = kept.map((f) => f.text);
  console.log(`${opts.warmup} warm-up + ${opts.rounds} measured rounds over ${texts.length} files per mode`);
  const figures = {};
  for (const m of opts.modes) {
    const fn = modes[m];
    for (let i = 0; i < opts.warmup; i++) await round(fn, texts);
    const perFile = [];
    const cpuPerFile = [];
    for (let i = 0; i < opts.rounds; i++) {
      const r = await round(fn, texts);
      perFile.push(r.ms / texts.length);
      cpuPerFile.push(r.cpuMs / texts.length);
    }
    const s = stats(perFile);
    const cpu = stats(cpuPerFile);
    figures[m] = { ...s, cpuMean: cpu.mean, cpuMedian: cpu.median };
    console.log(
      `${m.padEnd(9)} ${s.mean.toFixed(4)} ± ${s.sd.toFixed(4)} ms/file (sd)` +
        `  median ${s.median.toFixed(4)}  min ${s.min.toFixed(4)}` +
        `  = ${(s.mean * texts.length).toFixed(1)} ms per round; CPU median ${cpu.median.toFixed(4)} ms/file`,
    );
  }
  if (opts.json) writeFileSync(opts.json, JSON.stringify({ files: texts.length, modes: figures }) + "\n");
}

function sdkVersion() {
  try {
    const pkg = join(here, "node_modules", "@akashnetwork", "chain-sdk", "package.json");
    return JSON.parse(readFileSync(pkg, "utf8")).version;
  } catch {
    return "?";
  }
}

main().catch((e) => {
  console.error(`bench.mjs: ${e.message}`);
  process.exit(1);
});
