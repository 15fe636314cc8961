// The OpenAPI v3 structural schema of DeploymentRecord spec and status: the one source of
// truth for the CRD, checked against record.ts by the compiler (see schema-builder.ts).
// It validates only what is cheap and certain (enums, ranges, int64-as-string shapes);
// whatever the ingress can explain better (missing image, quantities, min <= max) is left
// to it, so a client gets INVALID_ARGUMENT naming the field rather than a raw 422.
import type {
  Condition,
  DeploymentRecordSpec,
  DeploymentRecordStatus,
  EnforcementDimension,
  FunctionRoute,
  FunctionSpec,
  FunctionStatus,
  NfrRequirements,
  NfrSpec,
  OdgmConfig,
  ProvisionConfig,
  Recommendation,
  ResourceRef,
  TemplateSelection,
  Timestamp,
} from "./record.ts";
import {
  array,
  boolean,
  enumOf,
  integer,
  mapOf,
  number,
  object,
  required,
  string,
} from "./schema-builder.ts";

const uint32 = (description: string) => integer({ minimum: 0, maximum: 4294967295, description });
const port = (description: string) => integer({ minimum: 1, maximum: 65535, description });
const fraction = (description: string) => number({ minimum: 0, maximum: 1, description });
const stringMap = (description: string) => mapOf(string(), { description });
const dimension = enumOf<EnforcementDimension>(["replicas", "cpu", "memory"], {
  description: "replicas, cpu or memory.",
});

const nfrRequirementFields = {
  max_latency_ms: uint32("Upper bound on p99 latency in milliseconds."),
  min_throughput_rps: uint32("Requests per second the class must sustain."),
  availability: fraction("Target availability, 0..1."),
  // Only >= 0: an HPA utilisation target above 100 % of the request is legitimate.
  cpu_utilization_target: number({ minimum: 0, description: "Target CPU use as a fraction of the request." }),
};

const provisionConfig = object<ProvisionConfig>(
  {
    container_image: string({
      description:
        "Function image, a distribution reference (registry/path:tag or @digest, path lowercase); optional here, the ingress requires it.",
    }),
    port: port("Container port the function listens on (the template default when absent)."),
    max_concurrency: uint32(
      "Concurrent requests per pod; 0 = unlimited. Knative's containerConcurrency; other templates do not enforce it.",
    ),
    need_http2: boolean({
      description:
        "The function speaks HTTP/2 without TLS (h2c): its Service port says appProtocol kubernetes.io/h2c, a Knative port is named h2c.",
    }),
    cpu_request: string({ description: "CPU the container requests, a Kubernetes quantity, e.g. 500m." }),
    memory_request: string({
      description: "Memory the container requests, a Kubernetes quantity, e.g. 256Mi.",
    }),
    cpu_limit: string({ description: "CPU limit of the container, a Kubernetes quantity, e.g. 1." }),
    memory_limit: string({ description: "Memory limit of the container, a Kubernetes quantity, e.g. 1Gi." }),
    min_scale: uint32("Replicas at least (the template default when absent)."),
    max_scale: uint32("Replicas at most; with the HPA feature, its maxReplicas."),
  },
  { description: "Image, port, resources and scaling bounds of the function (oaas.common.ProvisionConfig)." },
);

const functionSpec = object<FunctionSpec>({
  function_key: required(
    string({ description: "The function's key in its package; names its Deployment and Service." }),
  ),
  description: string({ description: "Free text from the package, for people; not used by the CRM." }),
  available_location: string({
    description: "Where the function should run, as the PM planned it; carried, not used by the CRM yet.",
  }),
  nfr_requirements: object<NfrRequirements>(nfrRequirementFields, {
    description: "The function's non-functional requirements; they score the templates.",
  }),
  provision_config: provisionConfig,
  config: stringMap("Environment variables for the function container."),
});

const functionRoute = object<FunctionRoute>({
  url: required(string({ description: "URL at which ODGM invokes the function." })),
  stateless: boolean({ description: "The function keeps no object state (ODGM's route flag)." }),
  standby: boolean({ description: "The route is a standby (ODGM's route flag)." }),
  active_group: array(string({ pattern: "^[0-9]+$" }), {
    description: "ODGM's active group of the route: uint64 values as decimal strings.",
  }),
});

const odgmConfig = object<OdgmConfig>(
  {
    collections: array(string(), {
      description: "Collections ODGM creates; none: one named after the record.",
    }),
    partition_count: uint32("Partitions per collection, 1..1024 (default 1)."),
    replica_count: uint32("Replicas of the ODGM Deployment and of each collection (default 1, at least 1)."),
    shard_type: string({ description: 'ODGM shard type of each collection (default "mst").' }),
    invocations: object<NonNullable<OdgmConfig["invocations"]>>(
      {
        fn_routes: mapOf(functionRoute, {
          description: "Route per function key; default: the function's Service URL in the namespace.",
        }),
        disabled_fn: array(string(), { description: "Function keys ODGM must not invoke." }),
      },
      { description: "How ODGM invokes the functions of the class." },
    ),
    options: stringMap("ODGM options of each collection, passed through as given."),
  },
  {
    description:
      "The ODGM (object data grid) addon: present means run it beside the functions (needs OPRC_CRM_FEATURES_ODGM).",
  },
);

const timestamp = object<Timestamp>(
  {
    seconds: required(
      string({
        pattern: "^-?[0-9]+$",
        description: "Seconds since the Unix epoch, an int64 as a decimal string.",
      }),
    ),
    nanos: required(
      integer({ minimum: 0, maximum: 999999999, description: "Nanoseconds within the second." }),
    ),
  },
  { description: "When the PM created the deployment unit (DeploymentUnit.created_at)." },
);

const nfrSpec = object<NfrSpec>(
  {
    requirements: object<NonNullable<NfrSpec["requirements"]>>(
      {
        ...nfrRequirementFields,
        consistency: string({ description: "e.g. strong or eventual; used by template scoring." }),
      },
      { description: "Class-level requirements; each field wins over the functions' for template scoring." },
    ),
    enforcement: object<NonNullable<NfrSpec["enforcement"]>>(
      {
        mode: enumOf(["off", "observe", "enforce"], {
          description:
            "off, observe (recommend only; the default) or enforce (apply, also needs OPRC_CRM_FEATURES_NFR_ENFORCEMENT).",
        }),
        dimensions: array(dimension, { description: "What the enforcer may change; default all." }),
      },
      { description: "Whether recommendations are applied to the record's workloads." },
    ),
  },
  { description: "Per-record NFR settings (hand-written, or derived from the unit)." },
);

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

export const specSchema = object<DeploymentRecordSpec>(
  {
    deployment_id: string({
      description: "DeploymentUnit.id; the record name is derived from it. Immutable.",
      maxLength: 253,
    }),
    package_name: string({ description: "Package of the class (DeploymentUnit.package_name)." }),
    class_key: string({ description: "Key of the class in its package (DeploymentUnit.class_key)." }),
    target_env: string({ description: "Environment the PM targeted (DeploymentUnit.target_env)." }),
    functions: array(functionSpec, {
      description: "The class's functions: one Deployment (or Knative Service) and Service each.",
    }),
    created_at: timestamp,
    odgm_config: odgmConfig,
    selected_template: string({ description: "Explicit template (dev, edge, full, knative or an alias)." }),
    template_hint: string({ description: "Preferred template when valid; weaker than selected_template." }),
    addons: array(string(), { description: 'Addons to run beside the functions, e.g. ["odgm"].' }),
    function: object<NonNullable<DeploymentRecordSpec["function"]>>(
      {
        image: string({ description: "Function image (distribution reference)." }),
        port: port("Container port."),
      },
      { description: "Hand-written single-function shorthand." },
    ),
    nfr: nfrSpec,
  },
  {
    description: "What the CRM is asked to run: a DeploymentUnit, or the hand-written short form.",
    "x-kubernetes-validations": [deploymentIdImmutable],
  },
);

// metav1.Condition's own validation, so conditions look and behave like built-in ones.
const condition = object<Condition>({
  type: required(
    string<Condition["type"]>({
      maxLength: 316,
      pattern:
        "^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$",
      description: "Available, Progressing, Degraded or NfrObserved.",
    }),
  ),
  status: required(enumOf(["True", "False", "Unknown"], { description: "True, False or Unknown." })),
  reason: required(
    string({
      minLength: 1,
      maxLength: 1024,
      pattern: "^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$",
      description: "CamelCase, machine-readable cause, e.g. QuotaExceeded, ImagePullBackOff.",
    }),
  ),
  message: required(string({ maxLength: 32768, description: "For a person: what is wrong and what to do." })),
  lastTransitionTime: required(
    string({ format: "date-time", description: "When status last changed (RFC 3339)." }),
  ),
  observedGeneration: integer({
    minimum: 0,
    format: "int64",
    description: "metadata.generation of the spec this condition was computed from.",
  }),
});

const resourceRef = object<ResourceRef>({
  kind: required(string({ description: "Kind of the child, e.g. Deployment, Service." })),
  name: required(string({ description: "Name of the child." })),
  namespace: string({ description: "Namespace of the child." }),
  uid: string({ description: "UID of the child." }),
  apiVersion: string({ description: "apiVersion of the child, e.g. apps/v1." }),
});

const functionStatus = object<FunctionStatus>({
  function_key: required(string({ description: "The function (spec.functions[].function_key)." })),
  ready: required(
    boolean({ description: "Its workload has every wanted replica ready on the current spec." }),
  ),
  reason: required(
    string({
      description: "CamelCase, e.g. Available, RollingOut, ProgressDeadlineExceeded, RevisionFailed.",
    }),
  ),
  message: required(
    string({ description: "For a person: what is happening and, when not ready, what to do." }),
  ),
  url: string({ description: "In-cluster URL: http://<service>.<namespace>.svc.cluster.local:<port>." }),
});

const recommendation = object<Recommendation>({
  component: required(string({ description: 'Function key or "odgm".' })),
  dimension: required(dimension),
  target: required(
    number({ minimum: 0, description: "The recommended value (replicas, millicores or bytes)." }),
  ),
  basis: required(string({ description: 'Where it came from, e.g. "p99_latency over 10m" or "enforcer".' })),
  confidence: required(fraction("How sure the analyzer is, 0..1.")),
});

const templateSelection = object<TemplateSelection>(
  {
    name: required(string({ description: "The template chosen." })),
    score: required(number({ description: "Its score for the profile and the NFR signals." })),
    runner_up: object<NonNullable<TemplateSelection["runner_up"]>>(
      {
        name: required(string({ description: "The template with the next best score." })),
        score: required(number({ description: "Its score." })),
      },
      { description: "The next best template, when there was one." },
    ),
    reason: required(string({ description: "Why this template: explicit choice, hint, or highest score." })),
  },
  { description: "How the template was chosen (scoring of templates/select)." },
);

export const statusSchema = object<DeploymentRecordStatus>(
  {
    observedGeneration: integer({
      minimum: 0,
      format: "int64",
      description: "metadata.generation of the spec the last reconcile worked from.",
    }),
    phase: enumOf(["Pending", "Progressing", "Available", "Degraded", "Failed", "Deleting"], {
      description: "Derived from conditions.",
    }),
    reason: string({ description: "Reason of the condition that explains the phase." }),
    message: string({ description: "For a person: what the phase means here and what to do." }),
    conditions: array(condition, {
      description: "Available, Progressing, Degraded (and NfrObserved), each with a reason and message.",
      // A map keyed by type: each worker server-side-applies its own condition.
      "x-kubernetes-list-type": "map",
      "x-kubernetes-list-map-keys": ["type"],
    }),
    resource_refs: array(resourceRef, { description: "The children the CRM applied for this record." }),
    functions: array(functionStatus, { description: "Per-function status, in spec order." }),
    selected_template: string({ description: "The template the children were rendered with." }),
    template_selection: templateSelection,
    nfr_recommendations: array(recommendation, {
      description: "What the analyzer recommends (the analyzer role is not built yet).",
    }),
    last_applied_recommendations: array(recommendation, {
      description: "The recommendations the enforcer last applied (the enforcer role is not built yet).",
    }),
    last_applied_at: string({
      format: "date-time",
      description: "When the enforcer last applied recommendations (RFC 3339).",
    }),
  },
  { description: "Written by the CRM through the status subresource." },
);
