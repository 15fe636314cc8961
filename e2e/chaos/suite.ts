// What the quick mode (test/quick.test.ts) and the soak (soak.ts) share: the run's
// settings from the environment, its output directory (ledger file, one figures JSON
// per scenario), and the scenario sizes. A run is: start the system, the fault-free
// baseline, then scenarios with faults, each judged by the oracles.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { ScenarioOptions, ScenarioResult } from "./runner.ts";
import { roleNames, type ChaosSystem } from "./system.ts";

/** The quick mode's scenario size: 6 ids, 24 operations over 8 s, the fault 3 s in; 90 s to reconverge. */
export const quickSize = {
  pmIds: 3,
  ingressIds: 3,
  ops: 24,
  spanMs: 8000,
  injectAtMs: 3000,
  convergeDeadlineMs: 90_000,
} as const satisfies Partial<ScenarioOptions>;

/** OAAS_CHAOS_SEED, else a fresh one (printed, so a failure can be replayed). */
export function seedFromEnv(): number {
  const given = process.env["OAAS_CHAOS_SEED"];
  if (given !== undefined && given !== "") {
    const n = Number(given);
    if (!Number.isSafeInteger(n) || n < 0)
      throw new Error(`OAAS_CHAOS_SEED must be a non-negative integer, got ${given}`);
    return n;
  }
  return Math.floor(Math.random() * 2 ** 31);
}

/** OAAS_CHAOS_OUT, else a new temp directory; holds ledger.jsonl and <scenario>.json. */
export function outputDir(seed: number): string {
  const dir = process.env["OAAS_CHAOS_OUT"] ?? fs.mkdtempSync(path.join(os.tmpdir(), `oaas-chaos-${seed}-`));
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Writes a scenario's result as <dir>/<n>-<name>.json and returns the path. */
export function writeFigures(dir: string, index: number, result: ScenarioResult): string {
  const file = path.join(dir, `${String(index).padStart(3, "0")}-${result.name}.json`);
  fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}

/** One line per scenario for the console: the figures the issue asks for. */
export function summaryLine(result: ScenarioResult): string {
  const f = result.figures;
  return (
    `${result.ok ? "ok  " : "FAIL"} ${result.name}: reconverge p50 ${f.reconverge.p50_ms} ms, p95 ${f.reconverge.p95_ms} ms, ` +
    `max ${f.reconverge.max_ms} ms (all ${f.all_converged_ms ?? "never"} ms); reconciles/record ${f.reconciles.per_record}` +
    ` (x${f.reconciles.over_baseline ?? "-"} baseline); client errors ${f.clients.error_rate} ` +
    `(${f.clients.refused} refused, ${f.clients.unknown} unknown of ${f.clients.calls}; bad ${f.clients.bad_answers})`
  );
}

/**
 * Writes what every process of the system printed so far into <dir>/logs: `pm.log` (the
 * PM's stdout and stderr across restarts, with a last line saying whether it runs) and
 * `<role>-<pid>.log` per CRM role process (a restarted role gets a new file, the old one
 * stays). Called after every scenario, so a process that died mid-run can be explained.
 * Returns the logs directory.
 */
export function writeProcessOutputs(dir: string, system: ChaosSystem): string {
  const logs = path.join(dir, "logs");
  fs.mkdirSync(logs, { recursive: true });
  const pid = system.pm.pid();
  fs.writeFileSync(
    path.join(logs, "pm.log"),
    `${system.pm.output()}\n[chaos] pm ${pid === undefined ? "NOT RUNNING" : `running, pid ${pid}`}\n`,
  );
  for (const name of roleNames) {
    const role = system.role(name);
    const { exitCode, signalCode } = role.child;
    const state = exitCode === null && signalCode === null ? "running" : `ended (${exitCode ?? signalCode})`;
    fs.writeFileSync(
      path.join(logs, `${name}-${role.child.pid ?? "none"}.log`),
      `${role.output()}\n[chaos] ${name} ${state}\n`,
    );
  }
  return logs;
}
