// Helpers of the convergence benchmark (converge.ts): bounded-concurrency load, latency
// summaries, the API server's own request counters, resident memory, and `crm <role>`
// child processes that cannot outlive the run.
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { KubeClient, ResourceType } from "@oaas/kube";
import { addFakeNodes, freePort, repoRoot, waitFor } from "@oaas/testkit";

/** Runs call(0..n-1) with `concurrency` calls in flight; resolves when all are done. */
export async function runAll(
  n: number,
  concurrency: number,
  call: (i: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, n) }, async () => {
      for (let i = next++; i < n; i = next++) await call(i);
    }),
  );
}

export const round2 = (x: number) => Math.round(x * 100) / 100;

/** p50/p99/max (ms, rounded) of a list of durations in ms. */
export function percentiles(values: readonly number[]): { p50_ms: number; p99_ms: number; max_ms: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) =>
    round2(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN);
  return { p50_ms: at(0.5), p99_ms: at(0.99), max_ms: at(1) };
}

/** Verbs that change state, as apiserver_request_total labels them (server-side apply is APPLY). */
const mutatingVerbs = new Set(["POST", "PUT", "PATCH", "APPLY", "DELETE", "DELETECOLLECTION"]);

export interface ApiSnapshot {
  /** Mutating requests by resource (cluster-wide: every client of the API server counts). */
  readonly mutating: Map<string, number>;
  /** Reads (GET, LIST) by "VERB resource", cluster-wide. */
  readonly reads: Map<string, number>;
  /** The API server process's CPU seconds so far. */
  readonly cpuSeconds: number;
  /** The whole machine's CPU time so far (/proc/stat, clock ticks): busy and in total. */
  readonly machine: { readonly busy: number; readonly total: number };
  /** CPU seconds so far of each kind of process on the machine (processCpuSeconds). */
  readonly processes: Map<string, number>;
}

/** Linux's USER_HZ: the unit of /proc/<pid>/stat times (100 on every mainstream architecture). */
const userHz = 100;

/**
 * What a process is, for the CPU breakdown: the program's name, and for a Node.js
 * process the service role it runs ("crm-reconciler", "pm") or "bench".
 */
function processKind(argv: readonly string[]): string {
  const program = path.basename(argv[0] ?? "");
  if (program !== "node") return program;
  const main = argv.findIndex((a) => a.endsWith("/main.ts"));
  if (main >= 0) {
    const service = path.basename(path.dirname(path.dirname(argv[main] ?? "")));
    return service === "crm" ? `crm-${argv[main + 1] ?? "all"}` : service;
  }
  return argv.some((a) => a.includes("e2e/bench/")) ? "bench" : "node";
}

/**
 * CPU seconds (user + system, /proc/<pid>/stat fields 14 and 15) of every process on the
 * machine so far, summed by processKind. A process that exits between two snapshots
 * drops out of the second: compare kinds that live through a round.
 */
export async function processCpuSeconds(): Promise<Map<string, number>> {
  const sums = new Map<string, number>();
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = (await readFile(`/proc/${entry}/cmdline`, "utf8")).split("\0").filter(Boolean);
      const stat = await readFile(`/proc/${entry}/stat`, "utf8");
      // Fields after the command name (in parentheses, may hold spaces): state is field 3.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const seconds = (Number(fields[11]) + Number(fields[12])) / userHz;
      if (argv.length === 0 || !Number.isFinite(seconds)) continue;
      const kind = processKind(argv);
      sums.set(kind, (sums.get(kind) ?? 0) + seconds);
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return sums;
}

/** Busy and total clock ticks of all CPUs since boot (Linux /proc/stat "cpu" line). */
async function machineTicks(): Promise<{ busy: number; total: number }> {
  const line = (await readFile("/proc/stat", "utf8")).split("\n")[0] ?? "";
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  const total = ticks.reduce((a, b) => a + b, 0);
  // idle + iowait are not busy.
  return { busy: total - (ticks[3] ?? 0) - (ticks[4] ?? 0), total };
}

/** Reads the API server's /metrics (admin credentials): mutating request counters and its CPU. */
export async function apiSnapshot(kube: KubeClient): Promise<ApiSnapshot> {
  const res = await kube.exchange({ method: "GET", path: "/metrics" });
  if (res.statusCode !== 200 || typeof res.body !== "string")
    throw new Error(`GET /metrics: HTTP ${res.statusCode}`);
  const mutating = new Map<string, number>();
  const reads = new Map<string, number>();
  let cpuSeconds = 0;
  for (const line of res.body.split("\n")) {
    if (line.startsWith("process_cpu_seconds_total ")) cpuSeconds = Number(line.split(" ")[1]);
    if (!line.startsWith("apiserver_request_total{")) continue;
    const verb = /verb="([A-Z]+)"/.exec(line)?.[1] ?? "";
    const resource = /resource="([^"]*)"/.exec(line)?.[1] ?? "";
    const value = Number(line.slice(line.lastIndexOf(" ") + 1));
    if (mutatingVerbs.has(verb)) mutating.set(resource, (mutating.get(resource) ?? 0) + value);
    else if (verb === "GET" || verb === "LIST") {
      const key = `${verb} ${resource}`;
      reads.set(key, (reads.get(key) ?? 0) + value);
    }
  }
  return { mutating, reads, cpuSeconds, machine: await machineTicks(), processes: await processCpuSeconds() };
}

/** What changed between two snapshots: total and per-resource mutating requests, API server CPU. */
export function apiDelta(before: ApiSnapshot, after: ApiSnapshot) {
  const byResource: Record<string, number> = {};
  let total = 0;
  for (const [resource, value] of after.mutating) {
    const d = value - (before.mutating.get(resource) ?? 0);
    if (d > 0) {
      byResource[resource] = d;
      total += d;
    }
  }
  const reads: Record<string, number> = {};
  for (const [key, value] of after.reads) {
    const d = value - (before.reads.get(key) ?? 0);
    if (d > 0) reads[key] = d;
  }
  const ticks = after.machine.total - before.machine.total;
  const processes: Record<string, number> = {};
  for (const [kind, value] of after.processes) {
    const d = value - (before.processes.get(kind) ?? 0);
    if (d >= 0.5) processes[kind] = round2(d);
  }
  return {
    /** CPU seconds each kind of process used between the snapshots, largest first. */
    cpuSecondsByProcess: Object.fromEntries(Object.entries(processes).sort(([, a], [, b]) => b - a)),
    total,
    byResource,
    reads,
    cpuSeconds: after.cpuSeconds - before.cpuSeconds,
    /** Cores the whole machine kept busy on average between the snapshots. */
    machineBusyCores:
      ticks > 0 ? round2(((after.machine.busy - before.machine.busy) / ticks) * os.cpus().length) : 0,
  };
}

/** VmRSS of a process in MiB (Linux /proc). */
export async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1] ?? Number.NaN);
  return round2(kb / 1024);
}

/** The REST type of a rendered object (built-in kinds only: plural = lower-case kind + "s"). */
export function typeOf(object: { apiVersion?: string; kind?: string }): ResourceType {
  const apiVersion = object.apiVersion ?? "v1";
  const slash = apiVersion.indexOf("/");
  return {
    group: slash < 0 ? "" : apiVersion.slice(0, slash),
    version: apiVersion.slice(slash + 1),
    plural: `${(object.kind ?? "").toLowerCase()}s`,
    namespaced: true,
  };
}

export interface Role {
  readonly name: string;
  readonly child: ChildProcess;
  readonly url: string;
  readonly exited: Promise<void>;
  /** The last 4 KB of its output, for an error message. */
  tail(): string;
}

/** Starts `crm <role>` as its own Node process (no tsx wrapper, so child.pid is the one to measure). */
export async function startRole(role: string, env: Readonly<Record<string, string>>): Promise<Role> {
  const port = await freePort();
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("OPRC_CRM_")));
  const child = spawn(
    process.execPath,
    ["--import", "tsx", path.join(repoRoot, "services/crm/src/main.ts"), role],
    {
      cwd: repoRoot,
      env: {
        ...clean,
        OPRC_CRM_LOG: process.env["BENCH_CRM_LOG"] ?? "warn",
        ...env,
        OPRC_CRM_HTTP_PORT: String(port),
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  // BENCH_LOG_DIR: every role's whole output also goes to <dir>/<role>-<pid>.log (with
  // BENCH_CRM_LOG=debug, one line per run with its job reason), for a round's post-mortem.
  const logDir = process.env["BENCH_LOG_DIR"];
  const file = logDir ? createWriteStream(path.join(logDir, `${role}-${child.pid ?? 0}.log`)) : undefined;
  const keep = (d: Buffer) => {
    file?.write(d);
    output = (output + d.toString()).slice(-4096);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  child.once("exit", () => file?.end());
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return { name: role, child, url: `http://127.0.0.1:${port}`, exited, tail: () => output };
}

/** Waits for GET /readyz = 200 (fails at once when the process has exited). */
export async function waitReady(role: Role): Promise<void> {
  await waitFor(
    async () => {
      if (role.child.exitCode !== null)
        throw new Error(`crm ${role.name} exited (${role.child.exitCode}):\n${role.tail()}`);
      try {
        return (await fetch(`${role.url}/readyz`)).status === 200;
      } catch {
        return false;
      }
    },
    // Generous: tsx compiles the CRM in every process, on a machine that may be shared.
    { description: `crm ${role.name} ready`, timeoutMs: 300_000 },
  ).catch((error: unknown) => {
    throw new Error(`crm ${role.name} (pid ${role.child.pid ?? "?"}) not ready:\n${role.tail()}`, {
      cause: error,
    });
  });
}

/** SIGTERM, then SIGKILL whatever still runs after 5 s. */
export async function stopRoles(roles: readonly Role[]): Promise<void> {
  const alive = (r: Role) => r.child.exitCode === null && r.child.signalCode === null;
  for (const r of roles) if (alive(r)) r.child.kill("SIGTERM");
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.all(roles.map((r) => r.exited)),
    new Promise((resolve) => (timer = setTimeout(resolve, 5_000))),
  ]);
  clearTimeout(timer);
  for (const r of roles) if (alive(r)) r.child.kill("SIGKILL");
  await Promise.all(roles.map((r) => r.exited));
}

const benchNodePods = 500;

/**
 * Registers extra KWOK nodes (testkit's fake nodes) so `pods` more pods can be scheduled:
 * the test cluster's two nodes hold 110 pods each, which 200 units (600 pods) already
 * exceed. Each bench node holds 500 pods.
 * @returns the node names, for removeNodes.
 */
export async function addPodCapacity(kube: KubeClient, pods: number): Promise<string[]> {
  const count = Math.ceil(pods / benchNodePods);
  const names = Array.from({ length: count }, (_, i) => `kwok-bench-${process.pid}-${i}`);
  await addFakeNodes(kube, names, { cpu: "500", memory: "4Ti", pods: String(benchNodePods) });
  return names;
}

/** Deletes nodes made by addPodCapacity; never throws (logs instead). */
export async function removeNodes(kube: KubeClient, names: readonly string[]): Promise<void> {
  for (const name of names)
    await kube
      .exchange({ method: "DELETE", path: `/api/v1/nodes/${name}` })
      .catch((e: unknown) => console.error(`delete node ${name}:`, e));
}

/**
 * Deletes a round's namespace and waits until the API server has removed it (its pods,
 * ReplicaSets and Services gone), so the next round starts on an empty cluster and does
 * not pay for the previous round's garbage collection.
 */
export async function deleteNamespaceAndWait(
  kube: KubeClient,
  name: string,
  timeoutMs: number,
): Promise<void> {
  await kube.exchange({ method: "DELETE", path: `/api/v1/namespaces/${name}` });
  await waitFor(
    async () =>
      (await kube.exchange({ method: "GET", path: `/api/v1/namespaces/${name}` })).statusCode === 404,
    { description: `namespace ${name} deleted`, timeoutMs, intervalMs: 1000 },
  );
}

/**
 * Sums the samples of a Prometheus text exposition by metric name and, when given, one
 * label: "controller_runtime_reconcile_total{result=done}" -> count. Lines without that
 * label are keyed by the bare name ("..._sum", "..._count").
 */
export function sumSamples(text: string, names: readonly string[], label?: string): Map<string, number> {
  const sums = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line.startsWith("#")) continue;
    const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)?.[0] ?? "";
    if (!names.includes(name)) continue;
    const labelValue = label === undefined ? undefined : new RegExp(`${label}="([^"]*)"`).exec(line)?.[1];
    const key = labelValue === undefined ? name : `${name}{${label}=${labelValue}}`;
    sums.set(key, (sums.get(key) ?? 0) + Number(line.slice(line.lastIndexOf(" ") + 1)));
  }
  return sums;
}

/** Reads what the CRM's reconciler processes did (their /metrics), summed over all of them. */
export async function reconcilerFigures(roles: readonly Role[], records: number) {
  const totals = new Map<string, number>();
  for (const role of roles) {
    const text = await (await fetch(`${role.url}/metrics`)).text();
    const byResult = sumSamples(text, ["controller_runtime_reconcile_total"], "result");
    const byReason = sumSamples(text, ["oaas_crm_reconcile_runs_total"], "reason");
    const rest = sumSamples(text, [
      "controller_runtime_reconcile_time_seconds_sum",
      "controller_runtime_reconcile_time_seconds_count",
      "workqueue_queue_duration_seconds_sum",
      "workqueue_queue_duration_seconds_count",
      "rest_client_request_duration_seconds_sum",
      "rest_client_request_duration_seconds_count",
      "rest_client_rate_limiter_duration_seconds_sum",
      "rest_client_rate_limiter_duration_seconds_count",
    ]);
    const byCode = sumSamples(text, ["rest_client_requests_total"], "code");
    for (const [k, v] of [...byResult, ...byReason, ...rest, ...byCode])
      totals.set(k, (totals.get(k) ?? 0) + v);
  }
  const get = (k: string) => totals.get(k) ?? 0;
  const runs = get("controller_runtime_reconcile_time_seconds_count");
  const results: Record<string, number> = {};
  const reasons: Record<string, number> = {};
  for (const [k, v] of totals) {
    const result = /result=([a-zA-Z]+)/.exec(k)?.[1];
    if (result !== undefined) results[result] = v;
    const reason = /reason=([a-z-]+)/.exec(k)?.[1];
    if (reason !== undefined) reasons[reason] = round2(v / records);
  }
  const apiCalls = get("rest_client_request_duration_seconds_count");
  const waits = get("rest_client_rate_limiter_duration_seconds_count");
  return {
    reconciles: runs,
    reconciles_per_record: round2(runs / records),
    by_result: results,
    /** Runs per record by why their job was queued (oaas_crm_reconcile_runs_total{reason}). */
    per_record_by_reason: reasons,
    mean_reconcile_ms: round2(
      (get("controller_runtime_reconcile_time_seconds_sum") / Math.max(1, runs)) * 1000,
    ),
    mean_queue_wait_ms: round2(
      (get("workqueue_queue_duration_seconds_sum") /
        Math.max(1, get("workqueue_queue_duration_seconds_count"))) *
        1000,
    ),
    // The reconcilers' own API client: calls, answer time, calls that got no answer
    // (code <error>: time bound or connection), and waits for an in-flight slot.
    api_calls: apiCalls,
    api_mean_ms: round2((get("rest_client_request_duration_seconds_sum") / Math.max(1, apiCalls)) * 1000),
    api_no_answer: get("rest_client_requests_total{code=<error>}"),
    api_calls_waited_for_slot: waits,
    api_mean_slot_wait_ms: round2(
      (get("rest_client_rate_limiter_duration_seconds_sum") / Math.max(1, waits)) * 1000,
    ),
  };
}

/** One look at a BullMQ queue's lists: jobs waiting (live + background), delayed and running. */
export interface QueueSample {
  readonly t_s: number;
  readonly waiting: number;
  readonly prioritized: number;
  readonly delayed: number;
  readonly active: number;
}

/**
 * Samples a BullMQ queue's depth every `everyMs` until stop() (BullMQ 5+ key layout:
 * wait and active are lists, prioritized and delayed sorted sets).
 * @returns stop(), which resolves with the samples, thinned to at most `keep` evenly spaced.
 */
export function sampleQueue(
  redis: { llen(k: string): Promise<number>; zcard(k: string): Promise<number> },
  queueKey: string,
  everyMs: number,
  keep = 40,
): { stop(): Promise<QueueSample[]> } {
  const started = performance.now();
  const samples: QueueSample[] = [];
  const state = { stopped: false };
  const loop = (async () => {
    while (!state.stopped) {
      const [waiting, prioritized, delayed, active] = await Promise.all([
        redis.llen(`${queueKey}:wait`),
        redis.zcard(`${queueKey}:prioritized`),
        redis.zcard(`${queueKey}:delayed`),
        redis.llen(`${queueKey}:active`),
      ]);
      samples.push({
        t_s: round2((performance.now() - started) / 1000),
        waiting,
        prioritized,
        delayed,
        active,
      });
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    async stop() {
      state.stopped = true;
      await loop;
      if (samples.length <= keep) return samples;
      const step = samples.length / keep;
      return Array.from({ length: keep }, (_, i) => samples[Math.floor(i * step)] as QueueSample);
    },
  };
}
