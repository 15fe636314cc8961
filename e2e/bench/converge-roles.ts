// The CRM processes of the convergence benchmark: `crm <role>` child processes that
// cannot outlive the run, their readiness, and what their reconcilers report on /metrics.
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import path from "node:path";
import { freePort, repoRoot, waitFor } from "@oaas/testkit";
import { round2 } from "./converge-support.ts";

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
