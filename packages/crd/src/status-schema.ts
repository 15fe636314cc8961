// The DeploymentRecord's status as TypeBox schemas: the one source of the CRD's status
// schema and of its TypeScript types (Static<typeof X>, exported under the same names).
// Written by the CRM through the status subresource; conditions follow metav1.Condition.
import Type, { type Static } from "typebox";
import { EnforcementDimension } from "./spec-schema.ts";
import { enumOf, fraction } from "./schema-kinds.ts";

export type ConditionType = "Available" | "Progressing" | "Degraded" | "NfrObserved";
export const conditionStatuses = ["True", "False", "Unknown"] as const;
export type ConditionStatus = (typeof conditionStatuses)[number];
export const phases = ["Pending", "Progressing", "Available", "Degraded", "Failed", "Deleting"] as const;
export type Phase = (typeof phases)[number];

/**
 * The Kubernetes metav1.Condition shape, with metav1.Condition's own validation, so
 * conditions look and behave like built-in ones
 * (https://github.com/kubernetes/apimachinery/blob/master/pkg/apis/meta/v1/types.go).
 */
export const Condition = Type.Object({
  type: Type.Unsafe<ConditionType>(
    Type.String({
      maxLength: 316,
      pattern:
        "^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$",
      description: "Available, Progressing, Degraded or NfrObserved.",
    }),
  ),
  status: enumOf(conditionStatuses, { description: "True, False or Unknown." }),
  /** CamelCase, machine-readable. */
  reason: Type.String({
    minLength: 1,
    maxLength: 1024,
    pattern: "^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$",
    description: "CamelCase, machine-readable cause, e.g. QuotaExceeded, ImagePullBackOff.",
  }),
  message: Type.String({ maxLength: 32768, description: "For a person: what is wrong and what to do." }),
  /** RFC 3339 */
  lastTransitionTime: Type.String({
    format: "date-time",
    description: "When status last changed (RFC 3339).",
  }),
  observedGeneration: Type.Optional(
    Type.Integer({
      minimum: 0,
      format: "int64",
      description: "metadata.generation of the spec this condition was computed from.",
    }),
  ),
});
export type Condition = Static<typeof Condition>;

export const ResourceRef = Type.Object({
  kind: Type.String({ description: "Kind of the child, e.g. Deployment, Service." }),
  name: Type.String({ description: "Name of the child." }),
  namespace: Type.Optional(Type.String({ description: "Namespace of the child." })),
  uid: Type.Optional(Type.String({ description: "UID of the child." })),
  apiVersion: Type.Optional(Type.String({ description: "apiVersion of the child, e.g. apps/v1." })),
});
export type ResourceRef = Static<typeof ResourceRef>;

/** Observed state of one function's workload (Deployment or Knative Service). */
export const FunctionStatus = Type.Object({
  function_key: Type.String({ description: "The function (spec.functions[].function_key)." }),
  ready: Type.Boolean({ description: "Its workload has every wanted replica ready on the current spec." }),
  reason: Type.String({
    description:
      "CamelCase, e.g. Available, RollingOut; when not ready its pods' reason (Unschedulable, " +
      "ImagePullBackOff, InvalidImageName, CreateContainerConfigError, CrashLoopBackOff), the " +
      "ReplicaSet's FailedCreate (quota, admission), ProgressDeadlineExceeded, RevisionFailed.",
  }),
  message: Type.String({
    description:
      "For a person: what is happening and, when not ready, why (the pod, its image, the " +
      "scheduler's words, the last exit code) and what to do.",
  }),
  url: Type.Optional(
    Type.String({ description: "In-cluster URL: http://<service>.<namespace>.svc.cluster.local:<port>." }),
  ),
});
export type FunctionStatus = Static<typeof FunctionStatus>;

/** One recommendation for one component (function key or "odgm") and dimension. */
export const Recommendation = Type.Object({
  component: Type.String({ description: 'Function key or "odgm".' }),
  dimension: EnforcementDimension,
  target: Type.Number({ minimum: 0, description: "The recommended value (replicas, millicores or bytes)." }),
  basis: Type.String({ description: 'Where it came from, e.g. "p99_latency over 10m" or "enforcer".' }),
  confidence: fraction("How sure the analyzer is, 0..1."),
});
export type Recommendation = Static<typeof Recommendation>;

export const TemplateSelection = Type.Object(
  {
    name: Type.String({ description: "The template chosen." }),
    score: Type.Number({ description: "Its score for the profile and the NFR signals." }),
    runner_up: Type.Optional(
      Type.Object(
        {
          name: Type.String({ description: "The template with the next best score." }),
          score: Type.Number({ description: "Its score." }),
        },
        { description: "The next best template, when there was one." },
      ),
    ),
    reason: Type.String({ description: "Why this template: explicit choice, hint, or highest score." }),
  },
  { description: "How the template was chosen (scoring of templates/select)." },
);
export type TemplateSelection = Static<typeof TemplateSelection>;

export const DeploymentRecordStatus = Type.Object(
  {
    observedGeneration: Type.Optional(
      Type.Integer({
        minimum: 0,
        format: "int64",
        description: "metadata.generation of the spec the last reconcile worked from.",
      }),
    ),
    /** Derived from conditions, never stored alone (conditions.ts statusSummary). */
    phase: Type.Optional(enumOf(phases, { description: "Derived from conditions." })),
    /**
     * Reason of the condition that explains the phase (Degraded's when degraded, Progressing's
     * when progressing, ...), derived together with phase; the Reason printer column.
     */
    reason: Type.Optional(Type.String({ description: "Reason of the condition that explains the phase." })),
    message: Type.Optional(
      Type.String({ description: "For a person: what the phase means here and what to do." }),
    ),
    conditions: Type.Optional(
      Type.Array(Condition, {
        description: "Available, Progressing, Degraded (and NfrObserved), each with a reason and message.",
        // A map keyed by type: each worker server-side-applies its own condition.
        "x-kubernetes-list-type": "map",
        "x-kubernetes-list-map-keys": ["type"],
      }),
    ),
    resource_refs: Type.Optional(
      Type.Array(ResourceRef, { description: "The children the CRM applied for this record." }),
    ),
    /** One entry per function, in spec order (written by the reconciler). */
    functions: Type.Optional(
      Type.Array(FunctionStatus, { description: "Per-function status, in spec order." }),
    ),
    selected_template: Type.Optional(
      Type.String({ description: "The template the children were rendered with." }),
    ),
    template_selection: Type.Optional(TemplateSelection),
    nfr_recommendations: Type.Optional(
      Type.Array(Recommendation, {
        description: "What the analyzer recommends (the analyzer role is not built yet).",
      }),
    ),
    last_applied_recommendations: Type.Optional(
      Type.Array(Recommendation, {
        description: "The recommendations the enforcer last applied (the enforcer role is not built yet).",
      }),
    ),
    last_applied_at: Type.Optional(
      Type.String({
        format: "date-time",
        description: "When the enforcer last applied recommendations (RFC 3339).",
      }),
    ),
  },
  { description: "Written by the CRM through the status subresource." },
);
export type DeploymentRecordStatus = Static<typeof DeploymentRecordStatus>;
