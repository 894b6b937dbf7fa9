#!/usr/bin/env node
// Runs Akash's TS SDK (akash-ts.mjs, in process) and vyoma-sdl (VyomaSdl.java, one JVM) on the same SDL
// files and prints a summary of where they disagree.
//
// usage: node compare.mjs [--save DIR] [--verbose] FILE...      (or "-" to read the file list from stdin)
// env:   JAVA (run.sh sets it from the JDK it finds; else java on PATH), VYOMA_CP (classpath for VyomaSdl.java)
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { readWithTs } from "./akash-ts.mjs";
import { firstDiff, short } from "./jsondiff.mjs";
import { readWithVyoma } from "./vyoma.mjs";

const here = dirname(fileURLToPath(import.meta.url));

let args = process.argv.slice(2);
let saveDir = null;
let verbose = false;
const files = [];
while (args.length) {
  const a = args.shift();
  if (a === "--save") saveDir = args.shift();
  else if (a === "--verbose") verbose = true;
  else if (a === "-") files.push(...readFileSync(0, "utf8").split("\n").filter(Boolean));
  else files.push(a);
}
if (files.length === 0) {
  console.error("usage: node compare.mjs [--save DIR] [--verbose] FILE... | -");
  process.exit(2);
}
const abs = files.map((f) => resolve(f));

// --- vyoma-sdl (Java)
let javaRes;
try {
  javaRes = readWithVyoma(abs);
} catch (e) {
  console.error(e.message);
  process.exit(1);
}

// --- Akash TS SDK
const tsRes = new Map();
for (const f of abs) tsRes.set(f, await readWithTs(f));

if (saveDir) {
  mkdirSync(saveDir, { recursive: true });
  writeFileSync(join(saveDir, "ts.jsonl"), abs.map((f) => JSON.stringify(tsRes.get(f))).join("\n") + "\n");
  writeFileSync(join(saveDir, "java.jsonl"), abs.map((f) => JSON.stringify(javaRes.get(f))).join("\n") + "\n");
}

const name = (f) => {
  const r = relative(process.cwd(), f);
  return r && !r.startsWith("..") ? r : f;
};
const clip = (s, max = 300) => (s && s.length > max ? `${s.slice(0, max)}...` : s);
const cat = { same: [], hashDiff: [], groupsOnly: [], onlyTs: [], onlyJava: [], bothReject: [] };
const legacy = { versionDiffers: [], acceptanceDiffers: [] };
for (const f of abs) {
  const t = tsRes.get(f);
  const j = javaRes.get(f) ?? { ok: false, error: "no output from VyomaSdl.java" };
  if (t.ok && t.legacyOk && t.legacyVersion !== t.version) legacy.versionDiffers.push(f);
  if (t.ok !== t.legacyOk) legacy.acceptanceDiffers.push(f);
  if (t.ok && j.ok) {
    const gd = firstDiff(normGroups(t.groups), normGroups(j.groups));
    if (t.version === j.version) {
      (gd ? cat.groupsOnly : cat.same).push({ f, gd });
    } else {
      cat.hashDiff.push({ f, md: firstDiff(t.manifest, j.manifest), gd });
    }
  } else if (t.ok) {
    cat.onlyTs.push({ f, why: j.error });
  } else if (j.ok) {
    cat.onlyJava.push({ f, why: t.error, schemaOk: t.schemaOk, warnings: j.warnings });
  } else {
    cat.bothReject.push({ f, ts: t.error, java: j.error });
  }
}

const diffLine = (label, d) => (d ? `    ${label} ${d.path}: TS=${short(d.left)} vyoma=${short(d.right)}` : `    ${label}: identical`);

console.log(`compared ${abs.length} files  (TS: @akashnetwork/chain-sdk ${sdkVersion()}, generateManifest/generateManifestVersion)`);
console.log(`  both accept, same hash:        ${cat.same.length + cat.groupsOnly.length}` +
  (cat.groupsOnly.length ? `  (of which group specs differ: ${cat.groupsOnly.length})` : ""));
console.log(`  both accept, different hash:   ${cat.hashDiff.length}`);
console.log(`  only TS accepts:               ${cat.onlyTs.length}`);
console.log(`  only vyoma accepts:            ${cat.onlyJava.length}`);
console.log(`  both reject:                   ${cat.bothReject.length}`);
console.log(`  (TS legacy SDL class: acceptance differs from generateManifest on ${legacy.acceptanceDiffers.length}, hash differs on ${legacy.versionDiffers.length})`);

if (cat.hashDiff.length) {
  console.log("\n== both accept, different hash");
  for (const { f, md, gd } of cat.hashDiff) console.log(`  ${name(f)}\n${diffLine("manifest", md)}\n${diffLine("groups  ", gd)}`);
}
if (cat.groupsOnly.length) {
  console.log("\n== same hash, group specs differ");
  for (const { f, gd } of cat.groupsOnly) console.log(`  ${name(f)}\n${diffLine("groups  ", gd)}`);
}
if (cat.onlyTs.length) {
  console.log("\n== only TS accepts (vyoma error)");
  for (const { f, why } of cat.onlyTs) console.log(`  ${name(f)}\n    ${clip(why)}`);
}
if (cat.onlyJava.length) {
  console.log("\n== only vyoma accepts (TS error)");
  for (const { f, why, schemaOk, warnings } of cat.onlyJava) {
    console.log(`  ${name(f)}\n    TS${schemaOk === false ? " (schema)" : ""}: ${clip(why)}` +
      (warnings?.length ? `\n    vyoma warnings: ${warnings.length}: ${warnings[0]}` : ""));
  }
}
if (verbose && cat.bothReject.length) {
  console.log("\n== both reject");
  for (const { f, ts, java: jv } of cat.bothReject) console.log(`  ${name(f)}\n    TS: ${clip(ts)}\n    vyoma: ${clip(jv)}`);
}
if (verbose && legacy.versionDiffers.length) {
  console.log("\n== TS legacy SDL class hash differs from generateManifestVersion");
  for (const f of legacy.versionDiffers) console.log(`  ${name(f)}`);
}

// TS protobuf objects cannot tell an absent list from an empty one (`allOf: []`), while Go's JSON keeps
// `[]` for an empty YAML list and `null` for an absent one; both encode identically on chain. Compare
// the requirement lists of group specs with [] and null treated as the same.
function normGroups(groups) {
  return (groups ?? []).map((g) => {
    const r = g.requirements ?? {};
    const e = (a) => (Array.isArray(a) && a.length === 0 ? null : a);
    return {
      ...g,
      requirements: {
        ...r,
        attributes: e(r.attributes),
        signed_by: r.signed_by && { all_of: e(r.signed_by.all_of), any_of: e(r.signed_by.any_of) },
      },
    };
  });
}

function sdkVersion() {
  try {
    return JSON.parse(readFileSync(join(here, "node_modules/@akashnetwork/chain-sdk/package.json"), "utf8")).version;
  } catch {
    return "?";
  }
}
