// promtool (Debian package prometheus) for tests: backfill series written as OpenMetrics
// text into a TSDB data directory (promtool tsdb create-blocks-from openmetrics), which
// startTestPrometheus({ dataDir }) then serves, and `promtool test rules` on rule and
// test files written to a temp directory.
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

let binary: string | undefined;

/** $OAAS_PROMTOOL_BIN, else `promtool` on the PATH. */
function promtoolBinary(): string {
  binary ??=
    process.env["OAAS_PROMTOOL_BIN"] ??
    execFileSync("sh", ["-c", "command -v promtool || true"], { encoding: "utf8" }).trim();
  if (binary === "")
    throw new Error("no promtool binary: apt-get install prometheus, or set OAAS_PROMTOOL_BIN");
  return binary;
}

/**
 * Writes OpenMetrics `text` (timestamps in seconds; "# EOF" added when missing) as TSDB
 * blocks into `dataDir`. Throws with promtool's output when it refuses.
 */
export function backfillOpenMetrics(text: string, dataDir: string): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "oaas-backfill-"));
  try {
    const input = path.join(dir, "series.om");
    fs.writeFileSync(input, text.trimEnd().endsWith("# EOF") ? text : `${text.trimEnd()}\n# EOF\n`);
    const run = spawnSync(promtoolBinary(), ["tsdb", "create-blocks-from", "openmetrics", input, dataDir], {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    if (run.status !== 0)
      throw new Error(`promtool backfill failed (${run.status}):\n${run.stdout}${run.stderr}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A new temp data directory holding `text` backfilled; the caller removes it (fs.rmSync). */
export function backfilledDataDir(text: string): string {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "oaas-prometheus-data-"));
  try {
    backfillOpenMetrics(text, dataDir);
  } catch (error) {
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  return dataDir;
}

/** Result of `promtool test rules`: passed, with promtool's output for the failure message. */
export interface PromtoolResult {
  passed: boolean;
  output: string;
}

/**
 * Runs `promtool test rules` on the given files: `files` maps file names to contents
 * (the rule files and the test file, which names them relatively); `testFile` is the
 * key of the test file. Everything lives in a temp directory removed afterwards.
 */
export function promtoolTestRules(files: Readonly<Record<string, string>>, testFile: string): PromtoolResult {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "oaas-promtool-"));
  try {
    for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
    const run = spawnSync(promtoolBinary(), ["test", "rules", testFile], {
      cwd: dir,
      encoding: "utf8",
      maxBuffer: 16 * 1024 * 1024,
    });
    return { passed: run.status === 0, output: `${run.stdout}${run.stderr}` };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
