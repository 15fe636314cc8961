// A throw-away Prometheus for a test (Debian package `prometheus`, which also ships
// promtool; or $OAAS_PROMETHEUS_BIN): its own free loopback port and temp data directory,
// a scrape job over a file-based service discovery file the test fills (setTargets: e.g.
// a synthetic exporter the test runs), optional extra scrape configs, series backfilled
// before it starts (promtool tsdb create-blocks-from openmetrics), and `promtool test
// rules`. The test can take it away and bring it back on the same port and data (an
// outage). Debian's package may also run a system Prometheus on :9090; this one never
// uses that port. stop() ends it by its PID and removes the directory.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort, isListening } from "./ports.ts";
import { isOurs, logTail, startProcess, stopProcesses, type StartedProcess } from "./processes.ts";
import { waitFor } from "./wait.ts";

export interface TestPrometheusOptions {
  /** Global scrape/evaluation interval, e.g. "1s" (a rate() window needs at least 4). Default "15s". */
  readonly scrapeInterval?: string;
  /** `scrape_configs` entries besides the file-SD job (YAML as an object); none by default. */
  readonly scrapeConfigs?: readonly Record<string, unknown>[];
  /**
   * Series to backfill before the server starts, in OpenMetrics text (timestamps in
   * seconds, "# EOF" added when missing): written into the data directory as blocks.
   */
  readonly backfill?: string;
  /** Extra `prometheus` flags. */
  readonly extraArgs?: readonly string[];
}

/** One file-SD target group: `host:port` addresses and labels put on every series scraped from them. */
export interface ScrapeTargets {
  readonly targets: readonly string[];
  readonly labels?: Readonly<Record<string, string>>;
}

/** One instant-vector sample of a query answer. */
export interface PromSample {
  readonly metric: Record<string, string>;
  readonly value: number;
}

export interface TestPrometheus {
  /** http://127.0.0.1:<port>: the base URL of the HTTP API (what OPRC_CRM_PROM_URL points at). */
  readonly url: string;
  readonly port: number;
  /** Its TSDB directory. */
  readonly dataDir: string;
  /** The running process (the latest after start()). */
  readonly process: StartedProcess;
  /** Replaces the file-SD job's targets (written atomically; Prometheus notices within about a second). */
  setTargets(groups: readonly ScrapeTargets[]): void;
  /** Instant query through the HTTP API; throws on an error answer. */
  query(promql: string, time?: Date): Promise<PromSample[]>;
  /** Resolves once `promql` returns at least one sample (e.g. the first scrape landed). */
  waitForSeries(promql: string, timeoutMs?: number): Promise<PromSample[]>;
  /** Kills the server (SIGKILL) and waits until its port is closed: Prometheus is down. */
  kill(): Promise<void>;
  /** Starts it again on the same port and data directory; resolves once /-/ready answers. */
  start(): Promise<void>;
  /** True while this harness's process runs. */
  running(): boolean;
  /** Stops it for good and deletes its directory. */
  stop(): Promise<void>;
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

/**
 * The configuration of a test server: one job over `sdFile` (file-based service
 * discovery; the exporter's own namespace/pod/container labels win over target labels),
 * then `extra` scrape configs.
 */
export function testPrometheusConfig(
  sdFile: string,
  interval: string,
  extra: readonly Record<string, unknown>[] = [],
): string {
  const config = {
    global: { scrape_interval: interval, evaluation_interval: interval },
    scrape_configs: [
      {
        job_name: "synthetic",
        honor_labels: true,
        scrape_interval: interval,
        scrape_timeout: interval,
        file_sd_configs: [{ files: [sdFile], refresh_interval: "1s" }],
      },
      ...extra,
    ],
  };
  // JSON is YAML: no YAML writer needed for the config file.
  return JSON.stringify(config, null, 2);
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
  const sdFile = path.join(dir, "targets.json");
  fs.writeFileSync(sdFile, "[]\n");
  const configFile = path.join(dir, "prometheus.yml");
  fs.writeFileSync(
    configFile,
    testPrometheusConfig(sdFile, options.scrapeInterval ?? "15s", options.scrapeConfigs),
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const args = [
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${dataDir}`,
    `--web.listen-address=127.0.0.1:${port}`,
    // Backfilled series may be days old; keep them all.
    "--storage.tsdb.retention.time=3650d",
    "--web.enable-lifecycle",
    "--log.level=warn",
    ...(options.extraArgs ?? []),
  ];
  let current: StartedProcess | undefined;
  let last: StartedProcess | undefined;

  const start = async () => {
    const started = startProcess(`prometheus-${port}`, binary, args, dir);
    current = started;
    last = started;
    await waitFor(
      async () => {
        if (!isOurs(started)) throw new Error(`prometheus exited:\n${logTail(started)}`);
        const response = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) }).catch(
          () => undefined,
        );
        return response?.ok === true;
      },
      { description: `prometheus on ${url} to be ready`, timeoutMs: 60_000, intervalMs: 100 },
    );
  };
  const query = async (promql: string, time?: Date): Promise<PromSample[]> => {
    const params = new URLSearchParams({ query: promql });
    if (time) params.set("time", String(time.getTime() / 1000));
    const res = await fetch(`${url}/api/v1/query?${params.toString()}`, {
      signal: AbortSignal.timeout(5000),
    });
    const body = (await res.json()) as {
      status: string;
      error?: string;
      data?: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
    };
    if (body.status !== "success") throw new Error(`prometheus query ${promql}: ${body.error ?? res.status}`);
    if (body.data?.resultType !== "vector") throw new Error(`prometheus query ${promql}: not a vector`);
    return body.data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
  };
  const stop = async () => {
    if (current) await stopProcesses([current]);
    current = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await start();
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url,
    port,
    dataDir,
    get process(): StartedProcess {
      if (!last) throw new Error("prometheus was never started");
      return last;
    },
    setTargets: (groups) => {
      const tmp = `${sdFile}.tmp`;
      fs.writeFileSync(
        tmp,
        JSON.stringify(groups.map((g) => ({ targets: g.targets, labels: g.labels ?? {} }))),
      );
      // rename: Prometheus never reads a half-written file.
      fs.renameSync(tmp, sdFile);
    },
    query,
    waitForSeries: (promql, timeoutMs = 30_000) =>
      waitFor(
        async () => {
          const samples = await query(promql);
          return samples.length > 0 ? samples : undefined;
        },
        { description: `prometheus to return a sample for ${promql}`, timeoutMs, intervalMs: 250 },
      ),
    kill: async () => {
      const killed = current;
      current = undefined;
      if (killed && isOurs(killed)) process.kill(killed.pid, "SIGKILL");
      await waitFor(async () => !(await isListening(port)), {
        description: `prometheus on ${port} gone`,
        timeoutMs: 10_000,
      });
    },
    start,
    running: () => current !== undefined && isOurs(current),
    stop,
  };
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
