// Answers of the deployment routes. Each one is a superset of what the reference
// implementation answers (github.com/pawissanutt/oaas-rs, control-plane/oprc-pm: its
// DeploymentResponse {id, status, message}, its cluster-mappings {deployment_key,
// cluster_ids, env_ids}), so a client written for it keeps working.
import { classDeploymentSchema, mappingStates } from "@oaas/models";
import Type, { type Static } from "typebox";

/** Where a deployment went on one cluster, as the PM stored it. */
export const ClusterMapping = Type.Object(
  {
    cluster: Type.String(),
    unit_id: Type.String({ description: "the DeploymentUnit id sent to that cluster's CRM" }),
    state: Type.Enum(mappingStates, {
      description:
        "DEPLOYED: the CRM took it (or still runs an earlier spec); FAILED: refused or never sent; UNKNOWN: the call broke after sending (the PM sends it again)",
    }),
    message: Type.Optional(Type.String()),
    updated_at: Type.String({ description: "RFC 3339" }),
  },
  { additionalProperties: false },
);
export type ClusterMapping = Static<typeof ClusterMapping>;

/** A stored class deployment as the PM answers it: `target_envs` mirrors `target_clusters`. */
export const Deployment = Type.Object(
  {
    ...classDeploymentSchema.properties,
    target_envs: Type.Array(Type.String(), {
      description: "= target_clusters (the reference implementation's name)",
    }),
  },
  { additionalProperties: false },
);
export type Deployment = Static<typeof Deployment>;

/** One cluster's part of GET /deployments/{key}: its mapping and what its CRM reports now. */
export const DeploymentClusterView = Type.Object(
  {
    ...ClusterMapping.properties,
    status: Type.String({
      description:
        "the CRM's summarized status (RUNNING, PROGRESSING, ...), or NOT_DEPLOYED, NOT_FOUND, UNKNOWN (the CRM did not answer: see error)",
    }),
    error: Type.Optional(Type.String()),
    resource_refs: Type.Optional(
      Type.Array(
        Type.Object(
          { kind: Type.String(), name: Type.String(), namespace: Type.Optional(Type.String()) },
          { additionalProperties: false },
        ),
      ),
    ),
  },
  { additionalProperties: false },
);
export type DeploymentClusterView = Static<typeof DeploymentClusterView>;

/** GET /deployments/{key}: the stored deployment with each cluster's status. */
export const DeploymentWithClusters = Type.Object(
  { ...Deployment.properties, clusters: Type.Array(DeploymentClusterView) },
  { additionalProperties: false },
);
export type DeploymentWithClusters = Static<typeof DeploymentWithClusters>;

/** One unit of a dispatch: where it went and how that went. */
export const DispatchedUnit = Type.Object(
  {
    cluster: Type.String(),
    unit_id: Type.String(),
    state: Type.Enum(mappingStates),
    message: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

/** POST /deployments (201; 202 while an outcome is not known) and PUT /deployments/{key} (200/202). */
export const DeploymentResult = Type.Object(
  {
    id: Type.String({ description: "= key (the reference implementation's field)" }),
    status: Type.String({ description: 'the reference implementation\'s field: "created" or "updated"' }),
    message: Type.String(),
    key: Type.String(),
    condition: classDeploymentSchema.properties.condition,
    replicas: Type.Integer({ minimum: 0 }),
    achieved_availability: Type.Number({ minimum: 0, maximum: 1 }),
    generation: Type.Optional(
      Type.Integer({ minimum: 0, description: "the stored generation (what If-Match names)" }),
    ),
    units: Type.Array(DispatchedUnit),
    failed_clusters: Type.Optional(Type.Array(Type.String())),
    unknown_clusters: Type.Optional(
      Type.Array(Type.String(), { description: "the call broke after sending: the PM settles them" }),
    ),
    rolled_back_clusters: Type.Optional(Type.Array(Type.String())),
  },
  { additionalProperties: false },
);
export type DeploymentResult = Static<typeof DeploymentResult>;

/** DELETE /deployments/{key}. */
export const DeleteResult = Type.Object(
  {
    id: Type.String({ description: "= key (the reference implementation's field)" }),
    message: Type.String(),
    cluster: Type.Optional(Type.String({ description: "the cluster asked for with ?cluster=" })),
    key: Type.String(),
    deleted_clusters: Type.Array(Type.String()),
    record_deleted: Type.Boolean({
      description: "false while clusters other than the one named still hold it",
    }),
  },
  { additionalProperties: false },
);
export type DeleteResult = Static<typeof DeleteResult>;

/** GET /deployments/{key}/cluster-mappings (alias env-mappings). */
export const DeploymentMappings = Type.Object(
  {
    deployment_key: Type.String(),
    cluster_ids: Type.Record(Type.String(), Type.String(), { description: "cluster -> unit id" }),
    env_ids: Type.Record(Type.String(), Type.String(), {
      description: "the same map (the reference's name)",
    }),
    mappings: Type.Array(ClusterMapping, { description: "each cluster's mapping with its state" }),
  },
  { additionalProperties: false },
);
export type DeploymentMappings = Static<typeof DeploymentMappings>;

/** One step a CRM took with a record (@oaas/queue HistoryEntry, as the CRM sent it). */
export const HistoryEntry = Type.Object(
  {
    type: Type.String({ description: "e.g. applied, failed, deleted" }),
    time: Type.String({ description: "RFC 3339 with milliseconds: when the step finished" }),
    startedAt: Type.Optional(Type.String()),
    generation: Type.Optional(Type.Integer()),
    correlationId: Type.Optional(Type.String()),
    workerId: Type.Optional(Type.String()),
    reason: Type.Optional(Type.String({ description: "machine-readable, for failed and deleted entries" })),
    message: Type.String(),
    objects: Type.Optional(Type.Array(Type.String(), { description: '"Kind/name" of the objects touched' })),
  },
  { additionalProperties: false },
);
export type HistoryEntry = Static<typeof HistoryEntry>;

/** One cluster's part of a history answer; `error` when that CRM could not be asked. */
export const ClusterHistory = Type.Object(
  {
    cluster: Type.String(),
    deployment_id: Type.String(),
    entries: Type.Array(HistoryEntry, { description: "oldest first" }),
    error: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type ClusterHistory = Static<typeof ClusterHistory>;

/** GET /deployments/{key}/history. */
export const DeploymentHistory = Type.Object(
  { id: Type.String(), clusters: Type.Array(ClusterHistory) },
  { additionalProperties: false },
);
export type DeploymentHistory = Static<typeof DeploymentHistory>;
