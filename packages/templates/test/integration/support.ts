// Real-API-server helpers for the dry-run suite: the minimal CRDs it needs and a raw
// server-side apply. Raw on purpose: KubernetesObjectApi re-serialises built-in kinds
// through client-node's models, which silently drop unknown fields, so a typo in a
// rendered object would never reach the API server's strict field validation.
import * as k8s from "@kubernetes/client-node";
import { kubeRequest, waitFor } from "@oaas/testkit";

export const fieldManager = "oaas-templates-test";

/**
 * A namespaced CRD whose spec is free-form: enough for the API server to accept the kind.
 * Model names (x_kubernetes_*): the typed client maps them to the wire names and drops others.
 */
function minimalCrd(group: string, kind: string, plural: string): k8s.V1CustomResourceDefinition {
  const freeForm: k8s.V1JSONSchemaProps = { type: "object", x_kubernetes_preserve_unknown_fields: true };
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `${plural}.${group}`, labels: { "oaas.io/test": "templates" } },
    spec: {
      group,
      scope: "Namespaced",
      names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List` },
      versions: [
        {
          name: "v1",
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: "object",
              properties: {
                spec: freeForm,
                status: freeForm,
              },
            },
          },
        },
      ],
    },
  };
}

/** Knative Serving's Service and the Prometheus Operator's monitors, as this suite writes them. */
export const testCrds = [
  minimalCrd("serving.knative.dev", "Service", "services"),
  minimalCrd("monitoring.coreos.com", "ServiceMonitor", "servicemonitors"),
  minimalCrd("monitoring.coreos.com", "PodMonitor", "podmonitors"),
];

/**
 * Creates each CRD that does not exist yet and waits until all are Established.
 * Returns the names it created, so `after` removes only those (never a real install).
 */
export async function installTestCrds(kc: k8s.KubeConfig): Promise<string[]> {
  const ext = kc.makeApiClient(k8s.ApiextensionsV1Api);
  const created: string[] = [];
  for (const crd of testCrds) {
    const name = crd.metadata?.name ?? "";
    try {
      await ext.readCustomResourceDefinition({ name });
    } catch (error) {
      if (!(error instanceof k8s.ApiException) || error.code !== 404) throw error;
      await ext.createCustomResourceDefinition({ body: crd });
      created.push(name);
    }
    await waitFor(
      async () => {
        const read = await ext.readCustomResourceDefinition({ name });
        return read.status?.conditions?.some((c) => c.type === "Established" && c.status === "True");
      },
      { description: `CRD ${name} Established`, timeoutMs: 30_000 },
    );
  }
  return created;
}

export async function removeCrds(kc: k8s.KubeConfig, names: readonly string[]): Promise<void> {
  const ext = kc.makeApiClient(k8s.ApiextensionsV1Api);
  for (const name of names) {
    await ext.deleteCustomResourceDefinition({ name }).catch((error: unknown) => {
      if (!(error instanceof k8s.ApiException) || error.code !== 404) throw error;
    });
  }
}

const plurals: Readonly<Record<string, string>> = {
  "apps/v1/Deployment": "deployments",
  "v1/Service": "services",
  "autoscaling/v2/HorizontalPodAutoscaler": "horizontalpodautoscalers",
  "serving.knative.dev/v1/Service": "services",
  "monitoring.coreos.com/v1/ServiceMonitor": "servicemonitors",
  "monitoring.coreos.com/v1/PodMonitor": "podmonitors",
};

/** What applyDryRun reads to place an object; anything else is sent untouched. */
interface Placeable {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string };
}

export interface ApplyOutcome {
  status: number;
  body: Record<string, unknown>;
}

/**
 * Server-side apply of `object` exactly as given (JSON is YAML), with dryRun=All and
 * strict field validation. Resolves with the HTTP status and the returned object or Status.
 */
export async function applyDryRun(kc: k8s.KubeConfig, object: object): Promise<ApplyOutcome> {
  const { apiVersion = "", kind = "", metadata } = object as Placeable;
  const plural = plurals[`${apiVersion}/${kind}`];
  if (plural === undefined || !metadata?.name || !metadata.namespace)
    throw new Error(`cannot place ${apiVersion} ${kind} ${metadata?.name ?? ""}`);
  const base = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  const query = new URLSearchParams({
    dryRun: "All",
    fieldManager,
    force: "true",
    fieldValidation: "Strict",
  });
  const path = `${base}/namespaces/${metadata.namespace}/${plural}/${metadata.name}?${query.toString()}`;
  const res = await kubeRequest(kc, {
    method: "PATCH",
    path,
    body: JSON.stringify(object),
    contentType: "application/apply-patch+yaml",
  });
  return { status: res.status, body: JSON.parse(res.text) as Record<string, unknown> };
}
