// A thin client of the Prometheus HTTP API: instant and range queries with a timeout,
// answers decoded into @oaas/nfr's Series (NaN and empty results kept as they are: the
// policy treats them as unknown), failures as PromError.
// https://prometheus.io/docs/prometheus/latest/querying/api/
import type { PlannedQuery, QueryOutcome, QueryWindow, Series } from "@oaas/nfr";

export interface PromClientOptions {
  /** Base URL of the HTTP API, e.g. http://prometheus.monitoring:9090 (OPRC_CRM_PROM_URL). */
  url: string;
  /** Per request, ms (OPRC_CRM_PROM_QUERY_TIMEOUT_SECS x 1000); also sent as the query's `timeout`. */
  timeoutMs: number;
}

export class PromClient {
  constructor(readonly options: PromClientOptions) {}

  /** /api/v1/query at `atMs`: one sample per series. Throws PromError. */
  instant(expr: string, atMs: number): Promise<Series[]> {
    return notYet(`not yet: instant(${expr}, ${atMs})`);
  }

  /** /api/v1/query_range over `window`: the points per series. Throws PromError. */
  range(expr: string, window: QueryWindow): Promise<Series[]> {
    return notYet(`not yet: range(${expr}, ${window.stepMs})`);
  }

  /**
   * A planned query run as planned (range over `window`, or instant at its end), never
   * throwing: a failure becomes { ok: false, error } with the kind and message in words.
   */
  run(query: PlannedQuery, window: QueryWindow): Promise<QueryOutcome> {
    return notYet(`not yet: run(${query.signal}, ${window.stepMs})`);
  }
}

function notYet<T>(what: string): Promise<T> {
  return Promise.reject(new Error(what));
}
