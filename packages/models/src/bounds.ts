// The bounds of every number a client gives the PM, in one table: the model's JSON
// Schemas (schema.ts) are built from it, so Fastify, decodePackage/decodeDeployment and
// the OpenAPI document refuse and document the same ranges, and a value out of range is
// a 400 naming its field path (e.g. `deployments[0].odgm.partition_count: must be <= 1024`).
//
// The wire (packages/proto) carries most of these as uint32, but what consumes them is
// narrower: every Kubernetes replica and port field is int32 (ports 1..65535), a Node
// timer waits at most 2^31-1 ms, and the HPA's utilization target is an integer
// percent. A number past its consumer's range is refused here, not at apply time on a
// cluster (which the PM reports as 502). JSON has no NaN or Infinity; 1e400 parses to
// Infinity and fails the maximum like any other large value.
import { maxPartitionCount } from "@oaas/crd";
import { int32Max, maxPort, minPort } from "@oaas/kube-rules";
import Type, { type TInteger, type TNumber } from "typebox";

export interface NumberBound {
  /** "integer" refuses fractions (1.5) as well as non-numbers. */
  readonly type: "integer" | "number";
  readonly minimum: number;
  readonly maximum: number;
  /** Unit and reason, shown as the field's description in the OpenAPI document. */
  readonly why: string;
}

const int32Count = (why: string): NumberBound => ({ type: "integer", minimum: 0, maximum: int32Max, why });

/** Largest ODGM partition count per collection (the CRM's rule, @oaas/crd). */
export { maxPartitionCount };

/**
 * Items per page of every PM list route when the request names no `limit`: 100. A list
 * without a bound answered everything (5.6 MB for 14 large deployments); a client that
 * wants more follows the answer's `Link: <...>; rel="next"` header (@oaas/pm-api paging.ts).
 */
export const defaultPageSize = 100;

/** Largest page (`limit`) of a list endpoint: 1000; a larger `limit` is a 400 naming `limit`. */
export const maxPageSize = 1000;

export const bounds = {
  /** provision_config.port */
  port: { type: "integer", minimum: minPort, maximum: maxPort, why: "container port, 1..65535" },
  /** provision_config.max_concurrency */
  maxConcurrency: int32Count(
    "concurrent requests per replica, 0 = unlimited (int32 like Knative's containerConcurrency; its template refuses more than 1000)",
  ),
  /** provision_config.min_scale, max_scale, odgm.replica_count and the PM-set replicas */
  scale: int32Count("replicas (Kubernetes replica fields are int32; the wire's uint32 is wider)"),
  /** odgm.partition_count */
  partitionCount: {
    type: "integer",
    minimum: 1,
    maximum: maxPartitionCount,
    why: `ODGM partitions per collection, 1..${maxPartitionCount}: every ODGM replica holds a shard of each`,
  },
  /** nfr_requirements.max_latency_ms */
  latencyMs: int32Count("milliseconds (at most 2^31-1, the longest a Node timer waits: about 24.8 days)"),
  /** nfr_requirements.min_throughput_rps */
  throughputRps: int32Count("requests per second"),
  /** nfr_requirements.availability and the PM-set achieved_availability */
  fraction: { type: "number", minimum: 0, maximum: 1, why: "a probability, 0..1" },
  /** nfr_requirements.cpu_utilization_target */
  cpuTarget: {
    type: "number",
    minimum: 0.01,
    maximum: 1,
    why: "fraction of the CPU request the autoscaler aims at; the HPA takes a whole percent above 0, so at least 0.01",
  },
  /** ?limit= of list endpoints */
  pageSize: {
    type: "integer",
    minimum: 0,
    maximum: maxPageSize,
    why: `items per page, 0..${maxPageSize}; default ${defaultPageSize}; the Link header (rel="next") names the next page`,
  },
  /** ?offset= of list endpoints */
  offset: int32Count("items to skip"),
} as const satisfies Record<string, NumberBound>;

/** The JSON Schema (TypeBox) of a bounded number, with its reason as the description. */
export function boundedNumber(bound: NumberBound, options: { default?: number } = {}): TNumber | TInteger {
  const keywords = { minimum: bound.minimum, maximum: bound.maximum, description: bound.why, ...options };
  return bound.type === "integer" ? Type.Integer(keywords) : Type.Number(keywords);
}
