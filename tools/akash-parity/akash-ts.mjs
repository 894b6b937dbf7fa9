#!/usr/bin/env node
// Reads SDL files with Akash's TypeScript SDK (@akashnetwork/chain-sdk, the code Akash Console uses)
// and prints one JSON line per file:
//   {"file", "ok", "schemaOk", "version", "groups", "manifest", "error", "legacyOk", "legacyVersion", "legacyError"}
//
// ok/version/groups/manifest come from the SDK's current API:
//   validateSDL (JSON-schema + semantic checks) -> generateManifest -> generateManifestVersion.
// "schemaOk" is the validateSDL outcome alone (generateManifest runs it first, so ok implies schemaOk).
// legacy* come from the deprecated `SDL` class (SDL.fromString(yaml, "beta3").manifestVersion()),
// which older Console code paths still use; they are informational.
//
// groups/manifest are converted to the shape of Akash's Go JSON fixtures
// (testdata/sdl/output-fixtures/*/{group-specs,manifest}.json):
//   * manifest = JSON.parse(manifestToSortedJSON(groups)), i.e. exactly the JSON the SDK hashes
//     (Uint8Array vals -> strings, quantity -> size, sequenceNumber -> sequence_number, empty lists -> null
//     for command/args/env/hosts, kind 0 and empty attributes omitted);
//   * groups   = converted by toGoGroupSpecs below (signedBy -> signed_by, allOf -> all_of, anyOf -> any_of,
//     empty requirement lists -> null, empty resource attributes and kind 0 omitted, and the price amount
//     rendered as an 18-decimal DecCoin string as Go's sdk.DecCoin JSON does: "50" -> "50.000000000000000000").
import { readFileSync, realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";

import * as sdk from "@akashnetwork/chain-sdk";
import yaml from "js-yaml";

const { generateManifest, generateManifestVersion, manifestToSortedJSON, validateSDL, SDL } = sdk;

const hex = (bytes) => Buffer.from(bytes).toString("hex");
const valStr = (v) => (v instanceof Uint8Array ? new TextDecoder().decode(v) : String(v));
const orNull = (a) => (Array.isArray(a) && a.length > 0 ? a : null);

function attrs(list) {
  return (list ?? []).map((a) => ({ key: a.key, value: a.value }));
}

function withAttrs(obj, list) {
  if (list && list.length > 0) obj.attributes = attrs(list);
  return obj;
}

export function toGoResources(r) {
  const out = { id: r.id };
  if (r.cpu) out.cpu = withAttrs({ units: { val: valStr(r.cpu.units?.val ?? "0") } }, r.cpu.attributes);
  if (r.memory) out.memory = withAttrs({ size: { val: valStr(r.memory.quantity?.val ?? "0") } }, r.memory.attributes);
  if (r.storage && r.storage.length > 0) {
    out.storage = r.storage.map((s) =>
      withAttrs({ name: s.name, size: { val: valStr(s.quantity?.val ?? "0") } }, s.attributes));
  }
  if (r.gpu) out.gpu = withAttrs({ units: { val: valStr(r.gpu.units?.val ?? "0") } }, r.gpu.attributes);
  out.endpoints = (r.endpoints ?? []).map((e) =>
    (e.kind ? { kind: e.kind, sequence_number: e.sequenceNumber } : { sequence_number: e.sequenceNumber }));
  return out;
}

// "50" -> "50.000000000000000000" (Go's sdk.DecCoin JSON); anything that is not a plain decimal is kept as is.
export function decCoinAmount(amount) {
  const s = String(amount);
  const m = /^(\d+)(?:\.(\d{0,18}))?$/.exec(s);
  if (!m) return s;
  const intPart = m[1].replace(/^0+(?=\d)/, "");
  return `${intPart}.${(m[2] ?? "").padEnd(18, "0")}`;
}

export function toGoGroupSpecs(groupSpecs) {
  return groupSpecs.map((g) => ({
    name: g.name,
    requirements: {
      signed_by: {
        all_of: orNull(g.requirements?.signedBy?.allOf),
        any_of: orNull(g.requirements?.signedBy?.anyOf),
      },
      attributes: orNull(attrs(g.requirements?.attributes)),
    },
    resources: g.resources.map((ru) => ({
      resource: toGoResources(ru.resource),
      count: ru.count,
      price: { denom: ru.price?.denom, amount: decCoinAmount(ru.price?.amount) },
    })),
  }));
}

function errorText(errors) {
  return errors.map((e) => (e.instancePath ? `${e.instancePath}: ${e.message}` : e.message)).join("; ");
}

export async function readWithTs(file) {
  const line = { file, ok: false };
  let doc;
  try {
    doc = yaml.load(readFileSync(file, "utf8"));
  } catch (e) {
    line.schemaOk = false;
    line.error = `yaml: ${e.message.split("\n")[0]}`;
    return line;
  }

  try {
    const schemaErrors = validateSDL(doc);
    line.schemaOk = !schemaErrors;
    const res = generateManifest(doc);
    if (!res.ok) {
      line.error = errorText(res.value);
    } else {
      const groups = res.value.groups;
      const groupSpecs = res.value.groupSpecs;
      line.manifest = JSON.parse(manifestToSortedJSON(groups));
      line.groups = toGoGroupSpecs(groupSpecs);
      line.version = hex(await generateManifestVersion(groups));
      line.ok = true;
    }
  } catch (e) {
    line.ok = false;
    line.error = `exception: ${e.message}`;
    delete line.manifest;
    delete line.groups;
    delete line.version;
  }

  try {
    const legacy = SDL.fromString(readFileSync(file, "utf8"), "beta3");
    line.legacyVersion = hex(await legacy.manifestVersion());
    line.legacyOk = true;
  } catch (e) {
    line.legacyOk = false;
    line.legacyError = e.message.split("\n")[0];
  }
  return line;
}

const isMain = process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
if (isMain) {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    console.error("usage: node akash-ts.mjs FILE...");
    process.exit(2);
  }
  const order = ["file", "ok", "schemaOk", "version", "error", "legacyOk", "legacyVersion", "legacyError", "groups", "manifest"];
  for (const f of files) {
    const line = await readWithTs(f);
    const out = {};
    for (const k of order) if (line[k] !== undefined) out[k] = line[k];
    process.stdout.write(JSON.stringify(out) + "\n");
  }
}
