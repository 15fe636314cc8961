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

const uint32 = (description?: string) =>
  integer({ minimum: 0, maximum: 4294967295, ...describe(description) });
const port = (description: string) => integer({ minimum: 1, maximum: 65535, description });
const fraction = (description: string) => number({ minimum: 0, maximum: 1, description });
const stringMap = (description: string) => mapOf(string(), { description });
const dimension = enumOf<EnforcementDimension>(["replicas", "cpu", "memory"]);

function describe(description: string | undefined): { description?: string } {
  return description ? { description } : {};
}

const nfrRequirementFields = {
  max_latency_ms: uint32("Upper bound on p99 latency in milliseconds."),
  min_throughput_rps: uint32("Requests per second the class must sustain."),
  availability: fraction("Target availability, 0..1."),
  // Only >= 0: an HPA utilisation target above 100 % of the request is legitimate.
  cpu_utilization_target: number({ minimum: 0, description: "Target CPU use as a fraction of the request." }),
};

const nfrRequirements = object<NfrRequirements>(nfrRequirementFields);

const provisionConfig = object<ProvisionConfig>({
  container_image: string({ description: "Function image; optional here, the ingress requires it." }),
  port: port("Container port."),
  max_concurrency: uint32("Concurrent requests per pod; 0 = unlimited."),
  need_http2: boolean(),
  cpu_request: string({ description: "Kubernetes quantity, e.g. 500m." }),
  memory_request: string({ description: "Kubernetes quantity, e.g. 256Mi." }),
  cpu_limit: string(),
  memory_limit: string(),
  min_scale: uint32("Replicas at least (the template default when absent)."),
  max_scale: uint32("Replicas at most."),
});

const functionSpec = object<FunctionSpec>({
  function_key: required(string()),
  description: string(),
  available_location: string(),
  nfr_requirements: nfrRequirements,
  provision_config: provisionConfig,
  config: stringMap("Environment variables for the function container."),
});

const functionRoute = object<FunctionRoute>({
  url: required(string()),
  stateless: boolean(),
  standby: boolean(),
  active_group: array(string({ pattern: "^[0-9]+$" }), { description: "uint64 values as decimal strings." }),
});

const odgmConfig = object<OdgmConfig>({
  collections: array(string()),
  partition_count: uint32(),
  replica_count: uint32(),
  shard_type: string(),
  invocations: object<NonNullable<OdgmConfig["invocations"]>>({
    fn_routes: mapOf(functionRoute),
    disabled_fn: array(string()),
  }),
  options: stringMap("ODGM options."),
});

const timestamp = object<Timestamp>({
  seconds: required(string({ pattern: "^-?[0-9]+$", description: "int64 as a decimal string." })),
  nanos: required(integer({ minimum: 0, maximum: 999999999 })),
});

const nfrSpec = object<NfrSpec>({
  requirements: object<NonNullable<NfrSpec["requirements"]>>({
    ...nfrRequirementFields,
    consistency: string({ description: "e.g. strong or eventual; used by template scoring." }),
  }),
  enforcement: object<NonNullable<NfrSpec["enforcement"]>>({
    mode: enumOf(["off", "observe", "enforce"], { description: "Default observe." }),
    dimensions: array(dimension, { description: "What the enforcer may change; default all." }),
  }),
});

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
    package_name: string(),
    class_key: string(),
    target_env: string(),
    functions: array(functionSpec),
    created_at: timestamp,
    odgm_config: odgmConfig,
    selected_template: string({ description: "Explicit template (dev, edge, full, knative or an alias)." }),
    template_hint: string({ description: "Preferred template when valid; weaker than selected_template." }),
    addons: array(string(), { description: 'Addons to run beside the functions, e.g. ["odgm"].' }),
    function: object<NonNullable<DeploymentRecordSpec["function"]>>(
      { image: string(), port: port("Container port.") },
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
  status: required(enumOf(["True", "False", "Unknown"])),
  reason: required(
    string({ minLength: 1, maxLength: 1024, pattern: "^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$" }),
  ),
  message: required(string({ maxLength: 32768 })),
  lastTransitionTime: required(string({ format: "date-time" })),
  observedGeneration: integer({ minimum: 0, format: "int64" }),
});

const resourceRef = object<ResourceRef>({
  kind: required(string()),
  name: required(string()),
  namespace: string(),
  uid: string(),
  apiVersion: string(),
});

const functionStatus = object<FunctionStatus>({
  function_key: required(string()),
  ready: required(boolean()),
  reason: required(string()),
  message: required(string()),
  url: string({ description: "In-cluster URL: http://<service>.<namespace>.svc.cluster.local:<port>." }),
});

const recommendation = object<Recommendation>({
  component: required(string({ description: 'Function key or "odgm".' })),
  dimension: required(dimension),
  target: required(number({ minimum: 0 })),
  basis: required(string()),
  confidence: required(fraction("0..1")),
});

const templateSelection = object<TemplateSelection>({
  name: required(string()),
  score: required(number()),
  runner_up: object<NonNullable<TemplateSelection["runner_up"]>>({
    name: required(string()),
    score: required(number()),
  }),
  reason: required(string()),
});

export const statusSchema = object<DeploymentRecordStatus>(
  {
    observedGeneration: integer({ minimum: 0, format: "int64" }),
    phase: enumOf(["Pending", "Progressing", "Available", "Degraded", "Failed", "Deleting"], {
      description: "Derived from conditions.",
    }),
    reason: string({ description: "Reason of the condition that explains the phase." }),
    message: string(),
    conditions: array(condition, {
      // A map keyed by type: each worker server-side-applies its own condition.
      "x-kubernetes-list-type": "map",
      "x-kubernetes-list-map-keys": ["type"],
    }),
    resource_refs: array(resourceRef),
    functions: array(functionStatus, { description: "Per-function status, in spec order." }),
    selected_template: string(),
    template_selection: templateSelection,
    nfr_recommendations: array(recommendation),
    last_applied_recommendations: array(recommendation),
    last_applied_at: string({ format: "date-time" }),
  },
  { description: "Written by the CRM through the status subresource." },
);
