// One namespace's Prometheus answers for one analysis cycle, shared by every record job
// of that namespace in this process: the queries are grouped by workload (packages/nfr
// planQueries), so a cycle costs one query per signal per namespace however many records
// the namespace holds. The first job of a cycle asks (concurrent jobs wait for the same
// answer); later jobs within the interval read the cached answers. A cycle in which every
// query failed is kept a quarter interval only, so a Prometheus that came back is seen
// again soon.
import {
  componentKey,
  gatherSignals,
  planQueries,
  type ComponentRef,
  type ComponentSignals,
  type PlannedQuery,
  type QueryOutcome,
  type QueryWindow,
} from "@oaas/nfr";

/** One query and what it gave. */
export interface QueryResult {
  readonly query: PlannedQuery;
  readonly outcome: QueryOutcome;
}

/** A namespace's cycle: when it was asked, over which window, and every answer. */
export interface Cycle {
  readonly namespace: string;
  readonly window: QueryWindow;
  readonly results: readonly QueryResult[];
  /** The first failure's text when every query failed (Prometheus down or erroring). */
  readonly failure?: string;
  /** Components known when the cycle was asked, split once: by componentKey. */
  readonly split: ReadonlyMap<string, ComponentSignals>;
}

export interface CycleCacheOptions {
  /** Runs one planned query over the window (PromClient.run: never throws). */
  readonly run: (query: PlannedQuery, window: QueryWindow) => Promise<QueryOutcome>;
  /** PromQL duration texts for planQueries. */
  readonly queryOptions: { rateWindow: string; range: string };
  /** Range and step of range queries, ms. */
  readonly rangeMs: number;
  readonly stepMs: number;
  /** How long a cycle's answers serve, ms: the analyzer interval. */
  readonly ttlMs: number;
  /** ms since epoch; the end of each cycle's window. */
  readonly now: () => number;
  /** Counts each query asked of Prometheus (the bench's "queries per cycle"). */
  readonly onQuery?: (query: PlannedQuery, outcome: QueryOutcome, seconds: number) => void;
}

export class CycleCache {
  private readonly cycles = new Map<string, { at: number; cycle: Promise<Cycle> }>();

  constructor(private readonly options: CycleCacheOptions) {}

  /**
   * The namespace's current cycle; asks Prometheus when there is none younger than the
   * TTL. `components`: every component of the namespace known now (all its records), so
   * the one cycle covers them all.
   */
  async get(namespace: string, components: () => ComponentRef[]): Promise<Cycle> {
    const now = this.options.now();
    const cached = this.cycles.get(namespace);
    if (cached && now - cached.at < this.options.ttlMs) {
      const cycle = await cached.cycle;
      const ttl = cycle.failure === undefined ? this.options.ttlMs : this.options.ttlMs / 4;
      if (now - cached.at < ttl) return cycle;
    }
    const entry = { at: now, cycle: this.ask(namespace, components(), now) };
    this.cycles.set(namespace, entry);
    try {
      return await entry.cycle;
    } catch (error) {
      if (this.cycles.get(namespace) === entry) this.cycles.delete(namespace);
      throw error;
    }
  }

  /** Forgets namespaces none of whose records remain (called with the namespaces in use). */
  retain(namespaces: ReadonlySet<string>): void {
    for (const namespace of this.cycles.keys()) if (!namespaces.has(namespace)) this.cycles.delete(namespace);
  }

  private async ask(namespace: string, components: ComponentRef[], now: number): Promise<Cycle> {
    const { stepMs, rangeMs } = this.options;
    // Aligned to the step, so every process and every cycle asks for the same points.
    const endMs = Math.floor(now / stepMs) * stepMs;
    const window: QueryWindow = { startMs: endMs - rangeMs, endMs, stepMs };
    const queries = planQueries(namespace, components, this.options.queryOptions);
    const results = await Promise.all(
      queries.map(async (query) => {
        const started = performance.now();
        const outcome = await this.options.run(query, window);
        this.options.onQuery?.(query, outcome, (performance.now() - started) / 1000);
        return { query, outcome };
      }),
    );
    const failures = results.flatMap((r) => (r.outcome.ok ? [] : [r.outcome.error]));
    const failure = results.length > 0 && failures.length === results.length ? failures[0] : undefined;
    const split = new Map<string, ComponentSignals>();
    for (const signals of gatherSignals(components, results))
      split.set(componentKey(signals.component), signals);
    return { namespace, window, results, ...(failure === undefined ? {} : { failure }), split };
  }
}

/** A record's components' signals from a cycle: split once per cycle, or now for a record newer than it. */
export function signalsOf(cycle: Cycle, components: readonly ComponentRef[]): ComponentSignals[] {
  const missing = components.filter((c) => !cycle.split.has(componentKey(c)));
  const late = missing.length > 0 ? gatherSignals(missing, [...cycle.results]) : [];
  const lateByKey = new Map(late.map((s) => [componentKey(s.component), s]));
  return components.map((c) => {
    const key = componentKey(c);
    const found = cycle.split.get(key) ?? lateByKey.get(key);
    return found ?? { component: c, signals: {} };
  });
}
