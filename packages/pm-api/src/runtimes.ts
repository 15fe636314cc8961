// Answers of the class-runtime routes (/class-runtimes, alias /deployment-records): the
// DeploymentUnits the CRMs hold. The list is a bare array as the reference implementation
// answers it; which clusters did not answer is in the failedClustersHeader header.
import Type, { type Static } from "typebox";
import { Key, paging, query } from "./common.ts";

/** One function of a unit (the contract's FunctionDeploymentSpec as protobuf JSON; more fields pass through). */
const UnitFunction = Type.Object(
  {
    function_key: Type.String(),
    provision_config: Type.Optional(
      Type.Object(
        {
          container_image: Type.Optional(Type.String()),
          min_scale: Type.Optional(Type.Integer()),
          max_scale: Type.Optional(Type.Integer()),
        },
        { additionalProperties: true },
      ),
    ),
  },
  { additionalProperties: true },
);

/**
 * One runtime: the DeploymentUnit as its CRM stored it (protobuf JSON with the contract's
 * field names; fields beyond the ones listed pass through as the contract adds them), the
 * cluster, and the reference implementation's names for the same facts.
 */
export const RuntimeItem = Type.Object(
  {
    id: Type.String({ description: "the unit id" }),
    package_name: Type.String(),
    class_key: Type.String(),
    target_env: Type.Optional(Type.String()),
    cluster: Type.String({ description: "the cluster that holds it" }),
    cluster_name: Type.String({ description: "= cluster (the reference implementation's field)" }),
    deployment_unit_id: Type.String({ description: "= id (the reference implementation's field)" }),
    target_environment: Type.Optional(Type.String({ description: "= target_env (the reference's field)" })),
    partition_count: Type.Optional(Type.Integer({ description: "= odgm_config.partition_count" })),
    functions: Type.Optional(Type.Array(UnitFunction)),
    odgm_config: Type.Optional(
      Type.Object(
        {
          collections: Type.Optional(Type.Array(Type.String())),
          partition_count: Type.Optional(Type.Integer()),
          replica_count: Type.Optional(Type.Integer()),
        },
        { additionalProperties: true },
      ),
    ),
  },
  { additionalProperties: true },
);
export type RuntimeItem = Static<typeof RuntimeItem>;

export const RuntimeList = Type.Array(RuntimeItem);
export type RuntimeList = Static<typeof RuntimeList>;

/**
 * Response header of GET /class-runtimes when some cluster did not answer: a JSON list of
 * {cluster, error} (non-ASCII escaped); absent when every asked cluster answered.
 */
export const failedClustersHeader = "x-oaas-failed-clusters";

export const FailedCluster = Type.Object(
  { cluster: Type.String(), error: Type.String() },
  { additionalProperties: false },
);
export type FailedCluster = Static<typeof FailedCluster>;

export const RuntimeQuery = query({
  package_name: Type.Optional(Key),
  class_key: Type.Optional(Key),
  environment: Type.Optional(Key),
  cluster: Type.Optional(Key),
  status: Type.Optional(
    Type.String({ description: "a summarized status (RUNNING, PROGRESSING, ...; any case)" }),
  ),
  ...paging,
});
export type RuntimeQuery = Static<typeof RuntimeQuery>;
