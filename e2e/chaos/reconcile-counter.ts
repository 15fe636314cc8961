// Counts the reconciles the CRM's reconciler processes ran for a reason other than the
// periodic resync (oaas_crm_reconcile_runs_total{reason!="resync"} on their /metrics: the
// safety-net sweep runs on a timer whatever the workload, so it would only blur the
// fault's cost), across restarts: it polls every process and keeps the last count
// seen per PID, so a killed process's runs still count up to its last poll (a run in
// the last poll interval before a SIGKILL may be missed: the figure is a lower bound).
import { sumSamples } from "../bench/converge-roles.ts";
import type { ChaosSystem, RoleName } from "./system.ts";

const reconcilers: readonly RoleName[] = ["reconciler-0", "reconciler-1"];

export class ReconcileCounter {
  readonly #lastByPid = new Map<number, number>();
  #timer: NodeJS.Timeout | undefined;

  constructor(private readonly system: ChaosSystem) {}

  /** Polls now and then every intervalMs until stop(). */
  start(intervalMs = 2000): void {
    void this.poll();
    this.#timer = setInterval(() => void this.poll(), intervalMs);
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** Reads every running reconciler once (a process that does not answer keeps its last count). */
  async poll(): Promise<void> {
    await Promise.all(
      reconcilers.map(async (role) => {
        const child = this.system.role(role);
        const pid = child.child.pid;
        if (pid === undefined || child.child.exitCode !== null || child.child.signalCode !== null) return;
        try {
          const text = await (
            await fetch(`${child.url}/metrics`, { signal: AbortSignal.timeout(1500) })
          ).text();
          const total = [...sumSamples(text, ["oaas_crm_reconcile_runs_total"], "reason")]
            .filter(([key]) => key !== "oaas_crm_reconcile_runs_total{reason=resync}")
            .reduce((a, [, n]) => a + n, 0);
          this.#lastByPid.set(pid, Math.max(total, this.#lastByPid.get(pid) ?? 0));
        } catch {
          // stopped or restarting: its last count stands
        }
      }),
    );
  }

  /** Reconciles counted so far, over every reconciler process there has been. */
  total(): number {
    return [...this.#lastByPid.values()].reduce((a, b) => a + b, 0);
  }
}
