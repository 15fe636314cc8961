// A throw-away Prometheus for a test (Debian `prometheus`, or $OAAS_PROMETHEUS_BIN): its
// own free port and data directory, scraping what the test lists in a file-based service
// discovery file (setTargets), so the test controls every series it will query. The test
// can take it away and bring it back on the same port and data (an outage), or query it.
// Debian's package may also run a system Prometheus on :9090; this one never uses that port.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort, isListening } from "./ports.ts";
import { isOurs, logTail, startProcess, stopProcesses, type StartedProcess } from "./processes.ts";
import { waitFor } from "./wait.ts";

export interface TestPrometheusOptions {
  /** Scrape interval of the file-SD job, s. Default 1 (a rate() window needs at least 4 of them). */
  readonly scrapeIntervalSeconds?: number;
  /** Start on this data directory (e.g. one `promtool tsdb create-blocks-from` filled); default a fresh temp dir. Never deleted when given. */
  readonly dataDir?: string;
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
  /** http://127.0.0.1:<port>: what OPRC_CRM_PROM_URL points at. */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  /** Replaces the scrape targets (written atomically; Prometheus notices within about a second). */
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
  /** Stops it for good and deletes its directory (and the data directory unless it was given). */
  stop(): Promise<void>;
}

let binary: string | undefined;

/** $OAAS_PROMETHEUS_BIN, else `prometheus` on the PATH (absolute: isOurs compares it). */
export function prometheusBinary(): string {
  binary ??=
    process.env["OAAS_PROMETHEUS_BIN"] ??
    execFileSync("sh", ["-c", "command -v prometheus"], { encoding: "utf8" }).trim();
  if (binary === "")
    throw new Error("no prometheus binary: apt-get install prometheus, or set OAAS_PROMETHEUS_BIN");
  return binary;
}

/** The prometheus.yml of a test server: one job, targets from `sdFile`, labels as the exporter sends them. */
export function testPrometheusConfig(sdFile: string, scrapeIntervalSeconds: number): string {
  const interval = `${scrapeIntervalSeconds}s`;
  return [
    "global:",
    `  scrape_interval: ${interval}`,
    `  evaluation_interval: ${interval}`,
    "scrape_configs:",
    "  - job_name: synthetic",
    // The exporter's own namespace/pod/container labels win over target labels.
    "    honor_labels: true",
    `    scrape_interval: ${interval}`,
    `    scrape_timeout: ${interval}`,
    "    file_sd_configs:",
    `      - files: [${JSON.stringify(sdFile)}]`,
    "        refresh_interval: 1s",
    "",
  ].join("\n");
}

/** Starts a Prometheus and resolves once it is ready; throws with its log tail when it is not. */
export async function startTestPrometheus(options: TestPrometheusOptions = {}): Promise<TestPrometheus> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "oaas-prometheus-"));
  const dataDir = options.dataDir ?? path.join(dir, "data");
  const sdFile = path.join(dir, "targets.json");
  const configFile = path.join(dir, "prometheus.yml");
  fs.writeFileSync(sdFile, "[]\n");
  fs.writeFileSync(configFile, testPrometheusConfig(sdFile, options.scrapeIntervalSeconds ?? 1));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const args = [
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${dataDir}`,
    `--web.listen-address=127.0.0.1:${port}`,
    "--storage.tsdb.retention.time=1d",
    "--log.level=warn",
    ...(options.extraArgs ?? []),
  ];
  const bin = prometheusBinary();
  let current: StartedProcess | undefined;

  const start = async () => {
    const started = startProcess(`prometheus-${port}`, bin, args, dir);
    current = started;
    await waitFor(
      async () => {
        if (!isOurs(started)) throw new Error(`prometheus exited:\n${logTail(started)}`);
        const res = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) });
        return res.status === 200;
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
