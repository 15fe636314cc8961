// Runs the buf binary from node_modules the way scripts/proto-gen.sh does, so the
// tests also pass when mocha is started without scripts/node.sh having set PATH.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const binDir = path.join(repoRoot, "node_modules/.bin");

/** Runs buf in the repo root; throws with buf's own output when it exits non-zero. */
export function buf(...args: string[]): string {
  try {
    return execFileSync(path.join(binDir, "buf"), args, {
      cwd: repoRoot,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      // protoc-gen-es is a local plugin that buf looks up on PATH.
      env: { ...process.env, PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ""}` },
    });
  } catch (err) {
    const { stdout, stderr } = err as { stdout?: string; stderr?: string };
    throw new Error(`buf ${args.join(" ")} failed:\n${stdout ?? ""}${stderr ?? ""}`, { cause: err });
  }
}
