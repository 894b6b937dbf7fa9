#!/usr/bin/env node
// Checks the TS tool against Akash's Go fixtures: for every input/v2.*/<name>/input.yaml the TS version hash
// must equal the SHA-256 table in akash-provider-sdl.md (A.19) and groups/manifest must equal
// output-fixtures/<ver>/<name>/{group-specs,manifest}.json (compared as parsed JSON values).
// The same checks are run on vyoma-sdl's output (VyomaSdl.java).
// usage: node verify-fixtures.mjs [CONFORMANCE_DIR] [REFERENCE_MD]
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { readWithTs } from "./akash-ts.mjs";
import { firstDiff, short } from "./jsondiff.mjs";
import { readWithVyoma } from "./vyoma.mjs";

// The shared fixtures and references live beside the repository (../shared).
const shared = join(dirname(fileURLToPath(import.meta.url)), "../../../shared");
const conf = process.argv[2] ?? join(shared, "conformance/akash-sdl");
const refMd = process.argv[3] ?? join(shared, "reference/akash-provider-sdl.md");

const table = {};
for (const m of readFileSync(refMd, "utf8").matchAll(/^\| (v2\.[01]\/[\w-]+) \| ([0-9a-f]{64}) \|$/gm)) table[m[1]] = m[2];

const cases = [];
for (const ver of readdirSync(join(conf, "input")).filter((d) => /^v2\.\d$/.test(d)).sort()) {
  for (const name of readdirSync(join(conf, "input", ver)).sort()) {
    const input = join(conf, "input", ver, name, "input.yaml");
    if (existsSync(input)) cases.push({ key: `${ver}/${name}`, ver, name, input });
  }
}
const vyoma = readWithVyoma(cases.map((c) => c.input));

function check({ key, ver, name }, res) {
  const problems = [];
  if (!res.ok) return [`rejects: ${res.error}`];
  if (table[key] === undefined) problems.push("no hash in A.19 table");
  else if (table[key] !== res.version) problems.push(`version ${res.version} != A.19 ${table[key]}`);
  for (const [field, file] of [["groups", "group-specs.json"], ["manifest", "manifest.json"]]) {
    const fx = join(conf, "output-fixtures", ver, name, file);
    if (!existsSync(fx)) { problems.push(`no ${file}`); continue; }
    const d = firstDiff(res[field], JSON.parse(readFileSync(fx, "utf8")));
    if (d) problems.push(`${field} ${d.path}: got ${short(d.left)}, Go fixture ${short(d.right)}`);
  }
  return problems;
}

const bad = { ts: 0, vyoma: 0 };
for (const c of cases) {
  const p = { ts: check(c, await readWithTs(c.input)), vyoma: check(c, vyoma.get(c.input)) };
  for (const side of ["ts", "vyoma"]) if (p[side].length) bad[side]++;
  const flag = (side) => (p[side].length ? "DIFF" : "ok");
  console.log(`TS ${flag("ts").padEnd(4)} vyoma ${flag("vyoma").padEnd(4)} ${c.key}`);
  for (const side of ["ts", "vyoma"]) for (const m of p[side]) console.log(`       ${side}: ${m}`);
}
console.log(`\nidentical to Go fixtures (hash, group specs, manifest): TS ${cases.length - bad.ts}/${cases.length}, vyoma ${cases.length - bad.vyoma}/${cases.length}`);
