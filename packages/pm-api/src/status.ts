// GET /deployment-status/{id}: one cluster's live status of a unit. A superset of the
// reference implementation's DeploymentStatus {id, status, phase, message, last_updated}.
import Type, { type Static } from "typebox";

/** One condition of a CRM's DeploymentRecord (Kubernetes condition fields, snake_case). */
export const ConditionDetail = Type.Object(
  {
    type: Type.String({ description: "Available, Progressing, Degraded or NfrObserved" }),
    status: Type.Enum(["True", "False", "Unknown"]),
    reason: Type.Optional(Type.String({ description: "CamelCase, machine-readable" })),
    message: Type.Optional(Type.String({ description: "for a person: what is wrong and what to do" })),
    last_transition_time: Type.Optional(Type.String({ description: "RFC 3339" })),
    observed_generation: Type.Optional(
      Type.Integer({ description: "the record generation the condition is for" }),
    ),
  },
  { additionalProperties: false },
);
export type ConditionDetail = Static<typeof ConditionDetail>;

/** One function's workload as the CRM's reconciler last observed it. */
export const FunctionDetail = Type.Object(
  {
    function_key: Type.String(),
    ready: Type.Boolean(),
    reason: Type.Optional(
      Type.String({ description: "CamelCase, e.g. Available, RollingOut, ProgressDeadlineExceeded" }),
    ),
    message: Type.Optional(Type.String()),
    url: Type.Optional(Type.String({ description: "in-cluster URL of the function's Service" })),
  },
  { additionalProperties: false },
);
export type FunctionDetail = Static<typeof FunctionDetail>;

export const ResourceRef = Type.Object(
  {
    kind: Type.String(),
    name: Type.String(),
    namespace: Type.Optional(Type.String()),
    uid: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const DeploymentStatus = Type.Object(
  {
    id: Type.String({ description: "the id asked for (the reference implementation's field)" }),
    phase: Type.String({
      description: 'the phase in the CRM\'s message "<SUMMARY> (<phase>): <message>", else the summary',
    }),
    last_updated: Type.String({
      description: "RFC 3339: the latest condition transition, else the time of this answer",
    }),
    cluster: Type.String(),
    deployment_id: Type.String({ description: "the unit id on that cluster" }),
    status: Type.String({
      description: "summarized status: RUNNING, PROGRESSING, DEGRADED, ERROR or SUMMARY_UNKNOWN",
    }),
    message: Type.Optional(Type.String({ description: 'the CRM\'s "<SUMMARY> (<phase>): <message>"' })),
    deployment: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), {
        description:
          "the DeploymentUnit as the CRM stored it (protobuf JSON, field names as in the contract)",
      }),
    ),
    status_resource_refs: Type.Array(ResourceRef),
    conditions: Type.Optional(
      Type.Array(ConditionDetail, {
        description: "the record's conditions with reasons; absent when detail_unavailable is set",
      }),
    ),
    functions: Type.Optional(
      Type.Array(FunctionDetail, {
        description: "each function's readiness and URL; absent when detail_unavailable is set",
      }),
    ),
    detail_unavailable: Type.Optional(
      Type.String({
        description:
          "why conditions and functions are missing (a CRM without the record status, no answer in time, its API server down); the rest of the answer stands",
      }),
    ),
  },
  { additionalProperties: false },
);
export type DeploymentStatus = Static<typeof DeploymentStatus>;

/** The phase inside a CRM status message "<SUMMARY> (<phase>): <text>", else the summary. */
export function statusPhase(message: string | undefined, summary: string): string {
  return /^[A-Z_]+ \(([^)]+)\)/.exec(message ?? "")?.[1] ?? summary;
}
