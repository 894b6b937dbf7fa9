// Runs VyomaSdl.java (vyoma-sdl) on files, one JVM per 200 files; returns Map(absolute file -> result line).
// env: JAVA (run.sh sets it from the JDK it finds; else java on PATH), VYOMA_CP (classpath for VyomaSdl.java)
import { spawnSync } from "node:child_process";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
export const repo = resolve(here, "../..");
const java = process.env.JAVA ?? "java";
const cp = process.env.VYOMA_CP
  ?? `${join(repo, "vyoma-sdl/target/classes")}:${join(homedir(), ".m2/repository/org/snakeyaml/snakeyaml-engine/3.2/snakeyaml-engine-3.2.jar")}`;

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
