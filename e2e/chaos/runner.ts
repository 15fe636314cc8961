// One chaos scenario: the seeded workload plays (a quiet start), the fault is injected
// mid-burst, held, and healed; then the oracles are polled until every invariant holds
// or the deadline passes. A failure report names the seed, the fault timeline, the
// violations and the ledger slice of the ids involved, so the run can be replayed.
import { unitId } from "@oaas/models";
import { readFileSync } from "node:fs";
import { functionChildName, recordName } from "@oaas/crd";
import { auditLogPath } from "@oaas/testkit";
import { expectations } from "./expectations.ts";
import { clientFigures, reconcileFigures, spread, type ClientFigures, type Spread } from "./figures.ts";
import type { FrontDoors } from "./clients.ts";
import type { Fault } from "./faults.ts";
import type { Ledger, LedgerEntry } from "./ledger.ts";
import { checkInvariants, type Violation } from "./oracles.ts";
import type { ReconcileCounter } from "./reconcile-counter.ts";
import { readSnapshot } from "./snapshot.ts";
import { parseDeletes, spuriousDeletes } from "./spurious-deletes.ts";
import { chaosFunction, clusterName, type ChaosSystem } from "./system.ts";
import { chainsById, planWorkload, type Path, type PlannedOp } from "./workload.ts";

export interface ScenarioOptions {
  readonly name: string;
  readonly fault?: Fault;
  readonly seed: number;
  readonly pmIds: number;
  readonly ingressIds: number;
  readonly ops: number;
  readonly spanMs: number;
  /** When the fault is injected, ms after the workload starts (the quiet start before it). */
  readonly injectAtMs: number;
  /** How long after the heal (or the workload's end, if later) every invariant must hold, ms. */
  readonly convergeDeadlineMs: number;
  /** Reconciles per record of the fault-free baseline, for the ratio. */
  readonly baselinePerRecord?: number;
}

export interface TimelineEvent {
  /** ms since the scenario started. */
  readonly atMs: number;
  readonly event: string;
}

export interface ScenarioResult {
  readonly name: string;
  readonly seed: number;
  /** The ledger ids this scenario's workload used. */
  readonly ids: readonly string[];
  readonly ok: boolean;
  readonly violations: readonly Violation[];
  /** What the fault itself saw (a zombie's enqueues). */
  readonly problems: readonly string[];
  readonly timeline: readonly TimelineEvent[];
  readonly figures: {
    /** Per record: first time every invariant of it held, ms after the heal. */
    readonly reconverge: Spread;
    /** ms from the heal until every invariant held (null: never within the deadline). */
    readonly all_converged_ms: number | null;
    readonly reconciles: ReturnType<typeof reconcileFigures>;
    readonly clients: ClientFigures;
  };
}

/** The record name of a ledger id: PM ids become `<key>-<cluster>` units, ingress ids are unit ids. */
export const recordNameOf = (id: string, path: Path): string =>
  path === "pm" ? unitId(id, clusterName) : recordName(id);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** Plays one scenario against a running system; `ledger` is shared by every scenario of a run. */
export async function runScenario(
  system: ChaosSystem,
  doors: FrontDoors,
  ledger: Ledger,
  counter: ReconcileCounter,
  runStart: number,
  options: ScenarioOptions,
): Promise<ScenarioResult> {
  const started = Date.now();
  const timeline: TimelineEvent[] = [];
  const mark = (event: string) => timeline.push({ atMs: Date.now() - started, event });
  let phase = "baseline";
  const plan = planWorkload({
    seed: options.seed,
    pmIds: options.pmIds,
    ingressIds: options.ingressIds,
    ops: options.ops,
    spanMs: options.spanMs,
    prefix: `${options.name.replace(/[^a-z0-9]/g, "").slice(0, 8)}${options.seed % 1000}-`,
  });
  const firstSeq = ledger.entries().length === 0 ? 0 : Math.max(...ledger.entries().map((e) => e.seq)) + 1;
  await counter.poll();
  const reconcilesBefore = counter.total();
  mark(`workload: ${plan.length} ops over ${options.spanMs} ms, seed ${options.seed}`);

  const play = async (chain: readonly PlannedOp[]) => {
    for (const op of chain) {
      await sleep(started + op.atMs - Date.now());
      const sentMs = Date.now() - runStart;
      const opPhase = phase;
      const sent = await doors.send(op);
      const entry: LedgerEntry = {
        seq: firstSeq + op.seq,
        id: op.id,
        path: op.path,
        kind: op.kind,
        action: op.action,
        ...(op.variant === undefined ? {} : { variant: op.variant }),
        sentMs,
        doneMs: Date.now() - runStart,
        outcome: sent.outcome,
        code: sent.code,
        ...(sent.message === undefined || sent.outcome === "ack" ? {} : { message: sent.message }),
        phase: opPhase,
      };
      ledger.record(entry);
    }
  };
  const workload = Promise.all([...chainsById(plan).values()].map(play)).then(() => mark("workload done"));

  let problems: string[] = [];
  let healedAt = Date.now();
  if (options.fault) {
    const fault = options.fault;
    await sleep(started + options.injectAtMs - Date.now());
    phase = "fault";
    mark(`inject: ${fault.description}`);
    await fault.inject(system);
    mark("injected");
    await sleep(fault.holdMs);
    mark("heal");
    const report = await fault.heal(system);
    problems = [...report.problems];
    for (const note of report.notes ?? []) mark(note);
    phase = "healed";
    healedAt = Date.now();
    mark("healed");
  }
  await workload;
  phase = "converging";
  const from = Math.max(healedAt, Date.now());
  const deadline = from + options.convergeDeadlineMs;
  const convergedAt = new Map<string, number>();
  let violations: Violation[];
  let allAt: number | null = null;
  for (;;) {
    const expected = expectations(ledger.entries());
    try {
      const snapshot = await readSnapshot(system.kube, system.namespace, system.renderContext, system.pm);
      violations = checkInvariants(expected, snapshot, recordNameOf);
    } catch (error) {
      violations = [
        { invariant: "I1", id: "(snapshot)", message: `could not read the state: ${String(error)}` },
      ];
    }
    const now = Date.now();
    const bad = new Set(violations.map((v) => v.id));
    for (const e of expected.values())
      if (!bad.has(e.id) && !convergedAt.has(e.id) && plan.some((op) => op.id === e.id))
        convergedAt.set(e.id, now - healedAt);
    if (violations.length === 0) {
      allAt = now - healedAt;
      mark("every invariant holds");
      break;
    }
    if (now > deadline) {
      mark(`deadline: ${violations.length} violations`);
      break;
    }
    await sleep(1000);
  }
  // I4 over this scenario's time: deletes of wanted children in the API server's audit log.
  const ownerOf = new Map(
    [...expectations(ledger.entries()).values()].map((e) => [
      functionChildName(recordNameOf(e.id, e.path), chaosFunction),
      e.id,
    ]),
  );
  const spurious = spuriousDeletes(
    parseDeletes(readAudit(system), system.namespace, runStart).filter((d) => d.atMs >= started - runStart),
    ledger.entries(),
    (name) => ownerOf.get(name),
  );
  violations = [...violations, ...spurious];
  await counter.poll();
  const scenarioIds = new Set(plan.map((op) => op.id));
  const entries = ledger.entries().filter((e) => scenarioIds.has(e.id));
  // Per record of this scenario (older records reconciled because of the fault count too: its cost).
  const minded = scenarioIds.size;
  return {
    name: options.name,
    seed: options.seed,
    ids: [...scenarioIds],
    ok: violations.length === 0 && problems.length === 0,
    violations,
    problems,
    timeline,
    figures: {
      reconverge: spread([...convergedAt.values()]),
      all_converged_ms: allAt,
      reconciles: reconcileFigures(counter.total() - reconcilesBefore, minded, options.baselinePerRecord),
      clients: clientFigures(entries),
    },
  };
}

/** The cluster's audit log of deletes ("" when there is none). */
function readAudit(system: ChaosSystem): string {
  try {
    return readFileSync(auditLogPath(system.cluster.dir), "utf8");
  } catch {
    return "";
  }
}

/** The failure report: seed, timeline, violations, what the fault saw, and the ledger slice of the ids involved. */
export function failureReport(result: ScenarioResult, ledger: Ledger, replay: string): string {
  // The ids the violations name, else (a fault's own finding) the whole scenario's.
  const named = [...new Set(result.violations.map((v) => v.id))];
  const ids = named.length > 0 ? named : result.ids;
  return [
    `chaos scenario ${result.name} failed (scenario seed ${result.seed}); replay: ${replay}`,
    "timeline:",
    ...result.timeline.map((t) => `  +${t.atMs} ms  ${t.event}`),
    "violations:",
    ...result.violations.slice(0, 40).map((v) => `  ${v.invariant} ${v.id}: ${v.message}`),
    ...result.problems.map((p) => `  fault: ${p}`),
    "ledger slice:",
    ...ledger.slice(ids).map((e) => `  ${JSON.stringify(e)}`),
  ].join("\n");
}
