// A thin client of the Prometheus HTTP API: instant and range queries with a timeout,
// answers decoded into @oaas/nfr's Series (NaN and empty results kept as they are: the
// policy treats them as unknown), failures as PromError. The HTTP and JSON work is
// prometheus-query's (https://github.com/samber/prometheus-query-js); this file maps
// its answers and its rejections once.
// https://prometheus.io/docs/prometheus/latest/querying/api/
import type { PlannedQuery, QueryOutcome, QueryWindow, Series } from "@oaas/nfr";
import { PrometheusDriver, type QueryResult } from "prometheus-query";
import { PromError } from "./errors.ts";

export interface PromClientOptions {
  /** Base URL of the HTTP API, e.g. http://prometheus.monitoring:9090 (OPRC_CRM_PROM_URL). */
  url: string;
  /** Per request, ms (OPRC_CRM_PROM_QUERY_TIMEOUT_SECS x 1000); also sent as the query's `timeout`. */
  timeoutMs: number;
}

export class PromClient {
  private readonly driver: PrometheusDriver;

  constructor(readonly options: PromClientOptions) {
    this.driver = new PrometheusDriver({
      endpoint: options.url.replace(/\/+$/, ""),
      baseURL: "/api/v1",
      timeout: options.timeoutMs,
    });
  }

  /** /api/v1/query at `atMs`: one sample per series. Throws PromError. */
  async instant(expr: string, atMs: number): Promise<Series[]> {
    const result = await this.call(() => this.driver.instantQuery(expr, atMs, this.serverTimeout()));
    return decode(result);
  }

  /** /api/v1/query_range over `window`: the points per series. Throws PromError. */
  async range(expr: string, window: QueryWindow): Promise<Series[]> {
    const result = await this.call(() =>
      this.driver.rangeQuery(expr, window.startMs, window.endMs, window.stepMs / 1000, this.serverTimeout()),
    );
    return decode(result);
  }

  /**
   * A planned query run as planned (range over `window`, or instant at its end), never
   * throwing: a failure becomes { ok: false, error } with the kind and message in words.
   */
  async run(query: PlannedQuery, window: QueryWindow): Promise<QueryOutcome> {
    try {
      const series =
        query.kind === "instant"
          ? await this.instant(query.expr, window.endMs)
          : await this.range(query.expr, window);
      return { ok: true, series };
    } catch (error) {
      return { ok: false, error: describe(error) };
    }
  }

  /** Prometheus stops evaluating a little before the client gives up, so its own error arrives. */
  private serverTimeout(): string {
    return `${Math.max(1, Math.floor(this.options.timeoutMs * 0.9))}ms`;
  }

  private async call(request: () => Promise<QueryResult>): Promise<QueryResult> {
    try {
      return await request();
    } catch (error) {
      throw toPromError(error, this.options.url);
    }
  }
}

/** One line for a person: "timeout: ...", "http 422 (bad_data): ...". */
export function describe(error: unknown): string {
  if (error instanceof PromError) {
    const status = error.status === undefined ? "" : ` ${error.status}`;
    const type = error.errorType === undefined ? "" : ` (${error.errorType})`;
    return `${error.kind}${status}${type}: ${error.message}`;
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * prometheus-query rejects with a plain object: errorType timeout_error / network_error /
 * ssl_error (no response), http_error (an error status; `prometheus` holds the API's
 * error body) or client_error (a 2xx body that is not the API's JSON).
 */
function toPromError(error: unknown, url: string): PromError {
  const e = asRecord(error);
  const message = typeof e["error"] === "string" ? e["error"] : String(e["message"] ?? error);
  // Its success path throws client_error for a non-API body, and its own catch then
  // re-wraps that as network_error with the first error in `original`: unwrap it.
  const type = asRecord(e["original"])["errorType"] === "client_error" ? "client_error" : e["errorType"];
  switch (type) {
    case "timeout_error":
      return new PromError("timeout", `no answer from ${url} in time: ${message}`, undefined, undefined, {
        cause: error,
      });
    case "network_error":
    case "ssl_error":
      return new PromError("down", `cannot reach ${url}: ${message}`, undefined, undefined, { cause: error });
    case "http_error": {
      const body = e["prometheus"] as Record<string, unknown> | undefined;
      const status = typeof e["httpStatus"] === "number" ? e["httpStatus"] : undefined;
      const type = typeof body?.["errorType"] === "string" ? body["errorType"] : undefined;
      return new PromError("http", message, status, type, { cause: error });
    }
    default:
      return new PromError("bad_response", `not a Prometheus API answer: ${message}`, undefined, undefined, {
        cause: error,
      });
  }
}

/**
 * Matrix and vector results as Series; a scalar as one unlabeled series. Values kept as
 * numbers: NaN stays NaN; prometheus-query parses with parseFloat, so "+Inf"/"-Inf" (a
 * quantile above the highest bucket) also arrive as NaN, i.e. unknown, the safe reading.
 */
function decode(result: QueryResult): Series[] {
  const rows: unknown[] = Array.isArray(result.result) ? result.result : [];
  const type: string = result.resultType;
  switch (type) {
    case "matrix":
      return rows.map((row) => {
        const r = row as {
          metric: { labels: Record<string, string> } | null;
          values: { time: Date; value: number }[];
        };
        return { labels: { ...(r.metric?.labels ?? {}) }, samples: r.values.map(sample) };
      });
    case "vector":
      return rows.map((row) => {
        const r = row as {
          metric: { labels: Record<string, string> } | null;
          value: { time: Date; value: number };
        };
        return { labels: { ...(r.metric?.labels ?? {}) }, samples: [sample(r.value)] };
      });
    case "scalar": {
      // prometheus-query leaves a scalar as the API's [unix seconds, "value"] pair.
      const [t, v] = result.result as unknown as [number, string];
      return [{ labels: {}, samples: [{ t: t * 1000, v: Number(v) }] }];
    }
    default:
      throw new PromError("bad_response", `unexpected result type ${type}`);
  }
}

function sample(point: { time: Date; value: number }): { t: number; v: number } {
  return { t: point.time.getTime(), v: point.value };
}

function asRecord(value: unknown): Record<string, unknown> {
  return (typeof value === "object" && value !== null ? value : {}) as Record<string, unknown>;
}
