// The DeploymentRecord's spec as TypeBox schemas: the one source of the CRD's spec schema
// (schema.ts, manifest.ts) and of its TypeScript types (Static<typeof X>, exported under
// the same names), so the type and the CRD cannot drift. It validates only what is cheap
// and certain (enums, ranges, int64-as-string shapes); whatever the ingress can explain
// better (missing image, quantities, min <= max) is left to it, so a client gets
// INVALID_ARGUMENT naming the field rather than a raw 422. Fields use the wire contract's
// snake_case names so a DeploymentUnit maps 1:1; 64-bit integers are decimal strings, as
// in the protobuf JSON mapping, so nothing the PM sent is rounded on the way.
import Type, { type Static } from "typebox";
import { enumOf, fraction, mapOf, port, stringMap, uint32 } from "./schema-kinds.ts";

export const enforcementModes = ["off", "observe", "enforce"] as const;
export type EnforcementMode = (typeof enforcementModes)[number];
export const EnforcementDimension = enumOf(["replicas", "cpu", "memory"], {
  description: "replicas, cpu or memory.",
});
export type EnforcementDimension = Static<typeof EnforcementDimension>;

const nfrRequirementFields = {
  max_latency_ms: Type.Optional(uint32("Upper bound on p99 latency in milliseconds.")),
  min_throughput_rps: Type.Optional(uint32("Requests per second the class must sustain.")),
  availability: Type.Optional(fraction("Target availability, 0..1.")),
  // Only >= 0: an HPA utilisation target above 100 % of the request is legitimate.
  cpu_utilization_target: Type.Optional(
    Type.Number({ minimum: 0, description: "Target CPU use as a fraction of the request." }),
  ),
};

/** oaas.common.NfrRequirements */
export const NfrRequirements = Type.Object(nfrRequirementFields, {
  description: "The function's non-functional requirements; they score the templates.",
});
export type NfrRequirements = Static<typeof NfrRequirements>;

/** oaas.common.ProvisionConfig: the only source of image and scaling bounds. */
export const ProvisionConfig = Type.Object(
  {
    container_image: Type.Optional(
      Type.String({
        description:
          "Function image, a distribution reference (registry/path:tag or @digest, path lowercase); optional here, the ingress requires it.",
      }),
    ),
    port: Type.Optional(port("Container port the function listens on (the template default when absent).")),
    max_concurrency: Type.Optional(
      uint32(
        "Concurrent requests per pod; 0 = unlimited. Knative's containerConcurrency; other templates do not enforce it.",
      ),
    ),
    need_http2: Type.Optional(
      Type.Boolean({
        description:
          "The function speaks HTTP/2 without TLS (h2c): its Service port says appProtocol kubernetes.io/h2c, a Knative port is named h2c.",
      }),
    ),
    cpu_request: Type.Optional(
      Type.String({ description: "CPU the container requests, a Kubernetes quantity, e.g. 500m." }),
    ),
    memory_request: Type.Optional(
      Type.String({ description: "Memory the container requests, a Kubernetes quantity, e.g. 256Mi." }),
    ),
    cpu_limit: Type.Optional(
      Type.String({ description: "CPU limit of the container, a Kubernetes quantity, e.g. 1." }),
    ),
    memory_limit: Type.Optional(
      Type.String({ description: "Memory limit of the container, a Kubernetes quantity, e.g. 1Gi." }),
    ),
    min_scale: Type.Optional(uint32("Replicas at least (the template default when absent).")),
    max_scale: Type.Optional(uint32("Replicas at most; with the HPA feature, its maxReplicas.")),
  },
  { description: "Image, port, resources and scaling bounds of the function (oaas.common.ProvisionConfig)." },
);
export type ProvisionConfig = Static<typeof ProvisionConfig>;

/** oaas.deployment.FunctionDeploymentSpec */
export const FunctionSpec = Type.Object({
  function_key: Type.String({
    description: "The function's key in its package; names its Deployment and Service.",
  }),
  description: Type.Optional(
    Type.String({ description: "Free text from the package, for people; not used by the CRM." }),
  ),
  available_location: Type.Optional(
    Type.String({
      description: "Where the function should run, as the PM planned it; carried, not used by the CRM yet.",
    }),
  ),
  nfr_requirements: Type.Optional(NfrRequirements),
  provision_config: Type.Optional(ProvisionConfig),
  /** Injected into the function container as environment variables. */
  config: Type.Optional(stringMap("Environment variables for the function container.")),
});
export type FunctionSpec = Static<typeof FunctionSpec>;

/** oaas.deployment.FunctionRoute */
export const FunctionRoute = Type.Object({
  url: Type.String({ description: "URL at which ODGM invokes the function." }),
  stateless: Type.Optional(
    Type.Boolean({ description: "The function keeps no object state (ODGM's route flag)." }),
  ),
  standby: Type.Optional(Type.Boolean({ description: "The route is a standby (ODGM's route flag)." })),
  active_group: Type.Optional(
    Type.Array(Type.String({ pattern: "^[0-9]+$" }), {
      description: "ODGM's active group of the route: uint64 values as decimal strings.",
    }),
  ),
});
export type FunctionRoute = Static<typeof FunctionRoute>;

/** oaas.deployment.OdgmConfig */
export const OdgmConfig = Type.Object(
  {
    collections: Type.Optional(
      Type.Array(Type.String(), {
        description: "Collections ODGM creates; none: one named after the record.",
      }),
    ),
    partition_count: Type.Optional(uint32("Partitions per collection, 1..1024 (default 1).")),
    replica_count: Type.Optional(
      uint32("Replicas of the ODGM Deployment and of each collection (default 1, at least 1)."),
    ),
    shard_type: Type.Optional(
      Type.String({ description: 'ODGM shard type of each collection (default "mst").' }),
    ),
    invocations: Type.Optional(
      Type.Object(
        {
          fn_routes: Type.Optional(
            mapOf(FunctionRoute, {
              description: "Route per function key; default: the function's Service URL in the namespace.",
            }),
          ),
          disabled_fn: Type.Optional(
            Type.Array(Type.String(), { description: "Function keys ODGM must not invoke." }),
          ),
        },
        { description: "How ODGM invokes the functions of the class." },
      ),
    ),
    options: Type.Optional(stringMap("ODGM options of each collection, passed through as given.")),
  },
  {
    description:
      "The ODGM (object data grid) addon: present means run it beside the functions (needs OPRC_CRM_FEATURES_ODGM).",
  },
);
export type OdgmConfig = Static<typeof OdgmConfig>;

/** oaas.common.Timestamp; seconds is an int64 as a decimal string. */
export const Timestamp = Type.Object(
  {
    seconds: Type.String({
      pattern: "^-?[0-9]+$",
      description: "Seconds since the Unix epoch, an int64 as a decimal string.",
    }),
    nanos: Type.Integer({ minimum: 0, maximum: 999999999, description: "Nanoseconds within the second." }),
  },
  { description: "When the PM created the deployment unit (DeploymentUnit.created_at)." },
);
export type Timestamp = Static<typeof Timestamp>;

/** Per-record NFR settings (hand-written or derived from the unit). */
export const NfrSpec = Type.Object(
  {
    /** Class-level requirements used by template scoring. */
    requirements: Type.Optional(
      Type.Object(
        {
          ...nfrRequirementFields,
          consistency: Type.Optional(
            Type.String({ description: "e.g. strong or eventual; used by template scoring." }),
          ),
        },
        {
          description: "Class-level requirements; each field wins over the functions' for template scoring.",
        },
      ),
    ),
    enforcement: Type.Optional(
      Type.Object(
        {
          mode: Type.Optional(
            enumOf(enforcementModes, {
              description:
                "off, observe (recommend only; the default) or enforce (apply, also needs OPRC_CRM_FEATURES_NFR_ENFORCEMENT).",
            }),
          ),
          dimensions: Type.Optional(
            Type.Array(EnforcementDimension, { description: "What the enforcer may change; default all." }),
          ),
        },
        { description: "Whether recommendations are applied to the record's workloads." },
      ),
    ),
  },
  { description: "Per-record NFR settings (hand-written, or derived from the unit)." },
);
export type NfrSpec = Static<typeof NfrSpec>;

/**
 * `spec.deployment_id` never changes once a record exists (set or absent alike): the
 * record name is derived from it, so an apply carrying another id means the name is
 * taken by a different deployment. The ingress relies on this to make Deploy one
 * server-side apply, mapping this rejection (422, cause field spec.deployment_id,
 * reason FieldValueForbidden) to ALREADY_EXISTS. A transition rule: create is never refused.
 */
export const deploymentIdImmutable = {
  rule: "has(self.deployment_id) == has(oldSelf.deployment_id) && (!has(self.deployment_id) || self.deployment_id == oldSelf.deployment_id)",
  message: "spec.deployment_id is immutable: this record belongs to another deployment id",
  messageExpression:
    "has(oldSelf.deployment_id) ? 'spec.deployment_id is immutable: this record belongs to deployment \"' + oldSelf.deployment_id + '\"' : 'spec.deployment_id is immutable: this record was not written by Deploy'",
  fieldPath: ".deployment_id",
  reason: "FieldValueForbidden",
} as const;

/**
 * What the CRM is asked to run. Deploy writes every DeploymentUnit field plus
 * deployment_id; a hand-written record may instead use `function` (one function,
 * image + port), `selected_template`, `addons`, `odgm_config` and `nfr`.
 */
export const DeploymentRecordSpec = Type.Object(
  {
    /** DeploymentUnit.id; the record name is derived from it (see names.ts). */
    deployment_id: Type.Optional(
      Type.String({
        description: "DeploymentUnit.id; the record name is derived from it. Immutable.",
        maxLength: 253,
      }),
    ),
    package_name: Type.Optional(
      Type.String({ description: "Package of the class (DeploymentUnit.package_name)." }),
    ),
    class_key: Type.Optional(
      Type.String({ description: "Key of the class in its package (DeploymentUnit.class_key)." }),
    ),
    target_env: Type.Optional(
      Type.String({ description: "Environment the PM targeted (DeploymentUnit.target_env)." }),
    ),
    functions: Type.Optional(
      Type.Array(FunctionSpec, {
        description: "The class's functions: one Deployment (or Knative Service) and Service each.",
      }),
    ),
    created_at: Type.Optional(Timestamp),
    odgm_config: Type.Optional(OdgmConfig),
    /** Explicit template (dev, edge, full, knative or an alias); wins over scoring. */
    selected_template: Type.Optional(
      Type.String({ description: "Explicit template (dev, edge, full, knative or an alias)." }),
    ),
    /** Softer than selected_template: used when valid, ignored by nothing else. */
    template_hint: Type.Optional(
      Type.String({ description: "Preferred template when valid; weaker than selected_template." }),
    ),
    addons: Type.Optional(
      Type.Array(Type.String(), { description: 'Addons to run beside the functions, e.g. ["odgm"].' }),
    ),
    /** Hand-written single-function shorthand. */
    function: Type.Optional(
      Type.Object(
        {
          image: Type.Optional(Type.String({ description: "Function image (distribution reference)." })),
          port: Type.Optional(port("Container port.")),
        },
        { description: "Hand-written single-function shorthand." },
      ),
    ),
    nfr: Type.Optional(NfrSpec),
  },
  {
    description: "What the CRM is asked to run: a DeploymentUnit, or the hand-written short form.",
    "x-kubernetes-validations": [deploymentIdImmutable],
  },
);
export type DeploymentRecordSpec = Static<typeof DeploymentRecordSpec>;
