// A record's status in full from one CRM: GET /api/v1/records/{id}/status on the CRM's
// listener (plain HTTP beside the RPCs; GetDeploymentStatus carries only a summary
// message and resource references, and the contract stays as it is). The request is
// record-route.ts's; here the answer is checked and cut down to the fields the PM shows.
import type { ClusterConfig } from "../config/index.ts";
import { CrmError } from "./errors.ts";
import { answerError, getRecordRoute, type RecordRouteOptions } from "./record-route.ts";

/** One condition of the record (Available, Progressing, Degraded, NfrObserved). */
export interface ConditionDetail {
  readonly type: string;
  /** "True" | "False" | "Unknown" */
  readonly status: string;
  readonly reason?: string;
  readonly message?: string;
  /** RFC 3339 */
  readonly last_transition_time?: string;
  /** The record generation the condition was computed for. */
  readonly observed_generation?: number;
}

/** One function's workload as the CRM's reconciler last observed it. */
export interface FunctionDetail {
  readonly function_key: string;
  readonly ready: boolean;
  readonly reason?: string;
  readonly message?: string;
  /** In-cluster URL. */
  readonly url?: string;
}

/** The part of the CRM's answer the PM passes on. */
export interface RecordStatusDetail {
  readonly conditions: readonly ConditionDetail[];
  readonly functions: readonly FunctionDetail[];
}

/**
 * The status detail of `deploymentId` on `cluster`. Throws CrmError: "unreachable" when no
 * answer came within `timeoutMs` or the CRM answered 5xx (it could not ask its API
 * server); "answered" for a 404 (no such record, or a CRM older than this route) or an
 * answer that is not a status of that id.
 */
export async function fetchRecordStatus(
  cluster: ClusterConfig,
  deploymentId: string,
  options: RecordRouteOptions,
): Promise<RecordStatusDetail> {
  const answer = await getRecordRoute(cluster, deploymentId, "status", options);
  if (answer.status === 200) {
    const detail = statusDetailOf(answer.json, deploymentId);
    if (detail) return detail;
    throw new CrmError(
      cluster.name,
      "answered",
      undefined,
      `cluster "${cluster.name}": status: the answer is not the record status of "${deploymentId}"`,
    );
  }
  if (answer.status === 404 && answer.json === undefined) {
    // A CRM without this route answers its plain-text "not found".
    throw new CrmError(
      cluster.name,
      "answered",
      undefined,
      `cluster "${cluster.name}": status: the CRM does not serve /api/v1/records/{id}/status (older than the PM)`,
    );
  }
  throw answerError(cluster.name, "status", answer);
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const text = (o: Obj, key: string) => (typeof o[key] === "string" ? { [key]: o[key] } : {});
const count = (o: Obj, key: string) =>
  typeof o[key] === "number" && Number.isFinite(o[key]) ? { [key]: o[key] } : {};

/** The conditions and functions of a CRM answer for `id`; undefined when it is not one. */
function statusDetailOf(body: unknown, id: string): RecordStatusDetail | undefined {
  if (!isObj(body) || body["deployment_id"] !== id) return undefined;
  const { conditions, functions } = body;
  if (!Array.isArray(conditions) || !Array.isArray(functions)) return undefined;
  if (!conditions.every((c) => isObj(c) && typeof c["type"] === "string" && typeof c["status"] === "string"))
    return undefined;
  if (
    !functions.every(
      (f) => isObj(f) && typeof f["function_key"] === "string" && typeof f["ready"] === "boolean",
    )
  )
    return undefined;
  return {
    conditions: (conditions as Obj[]).map(
      (c) =>
        ({
          type: c["type"],
          status: c["status"],
          ...text(c, "reason"),
          ...text(c, "message"),
          ...text(c, "last_transition_time"),
          ...count(c, "observed_generation"),
        }) as ConditionDetail,
    ),
    functions: (functions as Obj[]).map(
      (f) =>
        ({
          function_key: f["function_key"],
          ready: f["ready"],
          ...text(f, "reason"),
          ...text(f, "message"),
          ...text(f, "url"),
        }) as FunctionDetail,
    ),
  };
}
