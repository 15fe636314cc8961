// GET /deployments/{key}/nfr: a deployment's NFR state on each cluster holding it, what
// `crm nfr explain` prints (the CRM's oaas.crm.v1.RecordDetailService/GetNfrDetail, in the
// PM's snake_case). oaasctl rebuilds @oaas/nfr's explanation from it and prints it with
// the same formatter.
import Type, { type Static } from "typebox";
import { ClusterQuery } from "./common.ts";
import { ConditionDetail } from "./status.ts";

const dimension = Type.Enum(["replicas", "cpu", "memory"]);
const when = (what: string) =>
  Type.Optional(Type.String({ description: `RFC 3339 with milliseconds: ${what}` }));

/** One recommendation: a target for one component and dimension, and where it came from. */
export const NfrRecommendation = Type.Object(
  {
    component: Type.String({ description: 'function key or "odgm"' }),
    dimension,
    target: Type.Number(),
    unit: Type.String({ description: "replicas, millicores or bytes" }),
    basis: Type.String({ description: "in words: the query, window and values it used" }),
    confidence: Type.Number({ description: "0..1; falls when samples are missing" }),
  },
  { additionalProperties: false },
);
export type NfrRecommendation = Static<typeof NfrRecommendation>;

/** One check of the enforcer's chain. */
export const NfrCheck = Type.Object(
  {
    check: Type.String({ description: "global, mode, dimension, ..., cooldown, delta" }),
    verdict: Type.Enum(["pass", "hold", "adjust"]),
    reason: Type.String(),
    next_eligible_at: when("when this check could pass"),
    value: Type.Optional(Type.Number({ description: "the value after this check" })),
  },
  { additionalProperties: false },
);

/** The enforcer's verdict for one component and dimension. */
export const NfrDecision = Type.Object(
  {
    component: Type.String(),
    dimension,
    current: Type.Optional(Type.Number({ description: "the value in force; absent when not known" })),
    recommended: Type.Number(),
    verdict: Type.Enum(["apply", "hold"]),
    value: Type.Optional(Type.Number({ description: "what would be written, or where the chain stopped" })),
    checks: Type.Array(NfrCheck, { description: "every check of the chain, in order" }),
    next_eligible_at: when("when the holds that depend on time all pass"),
    summary: Type.String({ description: 'one line, e.g. "held: stability 120/180 s; next eligible at ..."' }),
  },
  { additionalProperties: false },
);
export type NfrDecision = Static<typeof NfrDecision>;

/** Requirements fields of oaas.common.NfrRequirements. */
export const NfrRequirementValues = Type.Object(
  {
    max_latency_ms: Type.Optional(Type.Integer()),
    min_throughput_rps: Type.Optional(Type.Integer()),
    availability: Type.Optional(Type.Number()),
    cpu_utilization_target: Type.Optional(Type.Number()),
  },
  { additionalProperties: false },
);

/** A record's NFR state on one cluster (GetNfrDetail). */
export const NfrDetail = Type.Object(
  {
    deployment_id: Type.String(),
    record: Type.String({ description: "the DeploymentRecord's name" }),
    namespace: Type.String(),
    at: Type.String({ description: "RFC 3339 with milliseconds: the time the explanation describes" }),
    enforcement: Type.Object(
      {
        enabled: Type.Boolean({ description: "the CRM's OPRC_CRM_FEATURES_NFR_ENFORCEMENT" }),
        mode: Type.String({ description: "off, observe or enforce" }),
        dimensions: Type.Array(dimension),
      },
      { additionalProperties: false },
    ),
    requirements: Type.Array(
      Type.Object(
        { component: Type.String(), requirements: NfrRequirementValues },
        { additionalProperties: false },
      ),
      { description: "each component's requirements as the analyzer reads them" },
    ),
    recommendations: Type.Array(NfrRecommendation, { description: "status.nfr_recommendations" }),
    last_decisions: Type.Array(NfrDecision, { description: "newest first" }),
    would_apply_now: Type.Array(NfrDecision, { description: "the chain run now (nothing written)" }),
    stale: Type.Optional(Type.String({ description: "why the recommendations are not current" })),
    last_applied_at: Type.Optional(Type.String({ description: "RFC 3339" })),
    last_applied: Type.Array(NfrRecommendation, { description: "status.last_applied_recommendations" }),
    nfr_observed: Type.Optional(ConditionDetail),
    what_if: Type.Optional(
      Type.Object(
        {
          at_rps: Type.Number(),
          components: Type.Array(
            Type.Object(
              {
                component: Type.String(),
                observed: Type.String({
                  description: "where the cost per request came from, or why unknown",
                }),
                recommendations: Type.Array(NfrRecommendation),
                unknown: Type.Array(
                  Type.Object({ dimension, why: Type.String() }, { additionalProperties: false }),
                ),
              },
              { additionalProperties: false },
            ),
          ),
        },
        { additionalProperties: false, description: "present when ?at_rps= asked for one" },
      ),
    ),
  },
  { additionalProperties: false },
);
export type NfrDetail = Static<typeof NfrDetail>;

/** One cluster's part of an NFR answer; `error` when that CRM could not be asked or has no such record. */
export const ClusterNfr = Type.Object(
  {
    cluster: Type.String(),
    deployment_id: Type.String(),
    nfr: Type.Optional(NfrDetail),
    error: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type ClusterNfr = Static<typeof ClusterNfr>;

/** GET /deployments/{key}/nfr. */
export const DeploymentNfr = Type.Object(
  { id: Type.String(), clusters: Type.Array(ClusterNfr) },
  { additionalProperties: false },
);
export type DeploymentNfr = Static<typeof DeploymentNfr>;

/** `?cluster=` and `?at_rps=` (a what-if at that many requests per second). */
export const NfrQuery = Type.Object(
  {
    ...ClusterQuery.properties,
    at_rps: Type.Optional(
      Type.Number({ minimum: 0, description: "what-if: each function's replicas at this load (requests/s)" }),
    ),
  },
  { additionalProperties: false },
);
