// Runs VyomaSdl.java (vyoma-sdl) on files, one JVM per 200 files; returns Map(absolute file -> result line).
// env: JAVA (run.sh sets it from the JDK it finds; else java on PATH), VYOMA_CP (classpath for VyomaSdl.java),
//      M2_REPO (the local Maven repository, default ~/.m2/repository)
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
export const repo = resolve(here, "../..");
const java = process.env.JAVA ?? "java";
// snakeyaml-engine from the local Maven repository, at the version the parent POM pins.
const yamlVersion = readFileSync(join(repo, "pom.xml"), "utf8").match(/<snakeyaml-engine.version>([^<]+)</)[1];
const m2 = process.env.M2_REPO ?? join(homedir(), ".m2", "repository");
const cp = process.env.VYOMA_CP
  ?? `${join(repo, "vyoma-sdl/target/classes")}:${join(m2, "org/snakeyaml/snakeyaml-engine", yamlVersion, `snakeyaml-engine-${yamlVersion}.jar`)}`;

export function readWithVyoma(files) {
  const abs = files.map((f) => resolve(f));
  const res = new Map();
  for (let i = 0; i < abs.length; i += 200) {
    const chunk = abs.slice(i, i + 200);
    const r = spawnSync(java, ["-cp", cp, join(here, "VyomaSdl.java"), ...chunk], {
      cwd: repo, encoding: "utf8", maxBuffer: 1 << 30,
    });
    if (r.status !== 0) throw new Error(`VyomaSdl.java failed (exit ${r.status}):\n${r.stderr}`);
    for (const line of r.stdout.split("\n").filter(Boolean)) {
      const o = JSON.parse(line);
      res.set(o.file, o);
    }
  }
  return res;
}
