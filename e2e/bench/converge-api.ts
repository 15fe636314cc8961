// What the convergence benchmark measures outside the CRM: the API server's own request
// counters (apiserver_request_total), CPU seconds per kind of process and of the whole
// machine, resident memory, and the depth of the CRM's work queue in Redis.
import { readdir, readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { KubeClient } from "@oaas/kube";
import { round2 } from "./converge-support.ts";

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
