// The replica hand-over rule (reconciler/replicas.ts): when render leaves a replica field
// out (an HPA or the NFR enforcer takes it over) and only we set it, its live value gets a
// holder first, for each kind the enforcer scales: Deployment spec.replicas, HPA
// spec.minReplicas, Knative Service min-scale. Dropping any of them resets the workload
// (1 replica, an HPA floor of 1, scale to zero) until the enforcer writes again.
import type { RenderedObject } from "@oaas/templates";
import { expect } from "chai";
import { replicaHandover } from "../../src/reconciler/replicas.ts";
import type { LiveObject } from "../../src/reconciler/compare.ts";

const manager = "oaas-crm-reconciler";
const minScale = "autoscaling.knative.dev/min-scale";

const deployment = (replicas?: number) =>
  ({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "d" },
    spec: replicas === undefined ? {} : { replicas },
  }) as RenderedObject;
const hpa = (minReplicas?: number) =>
  ({
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: { name: "h" },
    spec: { maxReplicas: 10, ...(minReplicas === undefined ? {} : { minReplicas }) },
  }) as RenderedObject;
const knative = (min?: string) =>
  ({
    apiVersion: "serving.knative.dev/v1",
    kind: "Service",
    metadata: { name: "k" },
    spec: { template: { metadata: { annotations: min === undefined ? {} : { [minScale]: min } } } },
  }) as RenderedObject;

function live(
  desired: RenderedObject,
  spec: Record<string, unknown>,
  fields: unknown,
  by = manager,
): LiveObject {
  return {
    apiVersion: desired.apiVersion,
    kind: desired.kind,
    metadata: {
      name: "x",
      namespace: "ns",
      managedFields: [{ manager: by, operation: "Apply", fieldsV1: fields }],
    },
    spec,
  };
}

const replicasOwned = { "f:spec": { "f:replicas": {} } };
const minOwned = { "f:spec": { "f:minReplicas": {}, "f:maxReplicas": {} } };
const scaleOwned = {
  "f:spec": { "f:template": { "f:metadata": { "f:annotations": { [`f:${minScale}`]: {} } } } },
};
const knativeSpec = { template: { metadata: { annotations: { [minScale]: "3" } } } };

describe("reconciler: replica hand-over", function () {
  const rows: { name: string; desired: RenderedObject; live: LiveObject; want: unknown }[] = [
    {
      name: "a Deployment whose replicas we own and render drops",
      desired: deployment(),
      live: live(deployment(), { replicas: 3 }, replicasOwned),
      want: {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "x", namespace: "ns" },
        spec: { replicas: 3 },
      },
    },
    {
      name: "a Deployment render still sizes",
      desired: deployment(3),
      live: live(deployment(), { replicas: 3 }, replicasOwned),
      want: undefined,
    },
    {
      name: "a Deployment whose replicas we never set",
      desired: deployment(),
      live: live(deployment(), { replicas: 3 }, { "f:spec": { "f:template": {} } }),
      want: undefined,
    },
    {
      name: "a Deployment whose replicas another manager set",
      desired: deployment(),
      live: live(deployment(), { replicas: 3 }, replicasOwned, "kubectl"),
      want: undefined,
    },
    {
      name: "an HPA whose minReplicas we own and render drops (enforce mode)",
      desired: hpa(),
      live: live(hpa(), { minReplicas: 4, maxReplicas: 10 }, minOwned),
      want: {
        apiVersion: "autoscaling/v2",
        kind: "HorizontalPodAutoscaler",
        metadata: { name: "x", namespace: "ns" },
        spec: { minReplicas: 4 },
      },
    },
    {
      name: "an HPA render still floors",
      desired: hpa(2),
      live: live(hpa(), { minReplicas: 4, maxReplicas: 10 }, minOwned),
      want: undefined,
    },
    {
      name: "a Knative Service whose min-scale we own and render drops (enforce mode)",
      desired: knative(),
      live: live(knative(), knativeSpec, scaleOwned),
      want: {
        apiVersion: "serving.knative.dev/v1",
        kind: "Service",
        metadata: { name: "x", namespace: "ns" },
        spec: { template: { metadata: { annotations: { [minScale]: "3" } } } },
      },
    },
    {
      name: "a Knative Service render still floors",
      desired: knative("1"),
      live: live(knative(), knativeSpec, scaleOwned),
      want: undefined,
    },
    {
      name: "a Knative Service without a live min-scale",
      desired: knative(),
      live: live(knative(), { template: { metadata: {} } }, scaleOwned),
      want: undefined,
    },
    {
      name: "a kind without a replica field",
      desired: { apiVersion: "v1", kind: "Service", metadata: { name: "s" }, spec: {} },
      live: live({ apiVersion: "v1", kind: "Service" }, { replicas: 3 }, replicasOwned),
      want: undefined,
    },
  ];
  for (const row of rows)
    it(row.name, function () {
      expect(replicaHandover(row.desired, row.live, manager)).to.deep.equal(row.want);
    });
});
