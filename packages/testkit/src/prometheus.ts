// A throw-away Prometheus for a test suite (Debian package `prometheus`, which also ships
// promtool): its own free loopback port and temp data directory, optional scrape
// configs (e.g. file-based service discovery of an exporter the test runs), and helpers
// to backfill series (promtool tsdb create-blocks-from openmetrics) and to run
// `promtool test rules`. Each call starts its own server; stop() ends it by its PID and
// removes the directory.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "./ports.ts";
import { isOurs, logTail, startProcess, stopProcesses, type StartedProcess } from "./processes.ts";
import { waitFor } from "./wait.ts";

export interface TestPrometheus {
  /** http://127.0.0.1:<port>: the base URL of the HTTP API. */
  readonly url: string;
  readonly port: number;
  /** Its TSDB directory. */
  readonly dataDir: string;
  readonly process: StartedProcess;
  stop(): Promise<void>;
}

export interface TestPrometheusOptions {
  /** `scrape_configs` entries (YAML as an object); none by default. */
  readonly scrapeConfigs?: readonly Record<string, unknown>[];
  /** Global scrape/evaluation interval, e.g. "1s". Default "15s". */
  readonly scrapeInterval?: string;
  /**
   * Series to backfill before the server starts, in OpenMetrics text (timestamps in
   * seconds, "# EOF" added when missing): written into the data directory as blocks.
   */
  readonly backfill?: string;
}

/** Path of a Prometheus binary: $OAAS_<NAME>_BIN, else /usr/bin/<name> (Debian `prometheus`). */
export function prometheusBinary(name: "prometheus" | "promtool"): string {
  const fromEnv = process.env[`OAAS_${name.toUpperCase()}_BIN`];
  const binary = fromEnv ?? `/usr/bin/${name}`;
  if (!fs.existsSync(binary)) {
    throw new Error(
      `${binary} not found: install the Debian package prometheus (apt-get install -y prometheus)`,
    );
  }
  return binary;
}

/** Starts a Prometheus and resolves once /-/ready answers; throws with its log tail when it does not. */
export async function startTestPrometheus(options: TestPrometheusOptions = {}): Promise<TestPrometheus> {
  const binary = prometheusBinary("prometheus");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "oaas-prometheus-"));
  const dataDir = path.join(dir, "data");
  fs.mkdirSync(dataDir);
  try {
    if (options.backfill !== undefined) backfillOpenMetrics(options.backfill, dataDir);
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const interval = options.scrapeInterval ?? "15s";
  const config = {
    global: { scrape_interval: interval, evaluation_interval: interval },
    scrape_configs: options.scrapeConfigs ?? [],
  };
  // JSON is YAML: no YAML writer needed for the config file.
  const configFile = path.join(dir, "prometheus.yml");
  fs.writeFileSync(configFile, JSON.stringify(config, null, 2));
  const port = await freePort();
  const args = [
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${dataDir}`,
    `--web.listen-address=127.0.0.1:${port}`,
    // Backfilled series may be days old; keep them all.
    "--storage.tsdb.retention.time=3650d",
    "--web.enable-lifecycle",
    "--log.level=warn",
  ];
  const process_ = startProcess("prometheus", binary, args, dir);
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await stopProcesses([process_]);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      async () => {
        if (!isOurs(process_)) throw new Error(`prometheus exited:\n${logTail(process_)}`);
        const response = await fetch(`${url}/-/ready`).catch(() => undefined);
        return response?.ok === true;
      },
      { description: `prometheus on port ${port}`, timeoutMs: 60_000, intervalMs: 200 },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, port, dataDir, process: process_, stop };
}

/**
 * Writes OpenMetrics `text` as TSDB blocks into `dataDir` (promtool tsdb
 * create-blocks-from openmetrics). Throws with promtool's output when it refuses.
 */
export function backfillOpenMetrics(text: string, dataDir: string): void {
  const input = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "oaas-backfill-")), "series.om");
  try {
    fs.writeFileSync(input, text.trimEnd().endsWith("# EOF") ? text : `${text.trimEnd()}\n# EOF\n`);
    const run = spawnSync(
      prometheusBinary("promtool"),
      ["tsdb", "create-blocks-from", "openmetrics", input, dataDir],
      {
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    if (run.status !== 0)
      throw new Error(`promtool backfill failed (${run.status}):\n${run.stdout}${run.stderr}`);
  } finally {
    fs.rmSync(path.dirname(input), { recursive: true, force: true });
  }
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
    const run = spawnSync(prometheusBinary("promtool"), ["test", "rules", testFile], {
      cwd: dir,
      encoding: "utf8",
      maxBuffer: 16 * 1024 * 1024,
    });
    return { passed: run.status === 0, output: `${run.stdout}${run.stderr}` };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
