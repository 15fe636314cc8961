// Real-API-server helpers for the dry-run suite: the minimal CRDs it needs and a
// server-side apply of the object exactly as rendered. Never through client-node's
// KubernetesObjectApi: it re-serialises built-in kinds through its models, which silently
// drop unknown fields, so a typo in a rendered object would never reach the API server's
// strict field validation. KubeClient sends the object as plain JSON.
import type * as k8s from "@kubernetes/client-node";
import type { KubeClient } from "@oaas/kube";
import { deleteCrd, installCrd, readCrd, waitFor, waitForCrdEstablished } from "@oaas/testkit";

export const fieldManager = "oaas-templates-test";

/**
 * A namespaced CRD whose spec is free-form: enough for the API server to accept the kind.
 * Typed with client-node's model (x_kubernetes_* names); wireCrd gives the wire form.
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

/** A model-named CRD as the API server reads it (x_kubernetes_preserve_unknown_fields -> x-kubernetes-...). */
function wireCrd(crd: k8s.V1CustomResourceDefinition): object {
  return JSON.parse(
    JSON.stringify(crd).replaceAll(
      '"x_kubernetes_preserve_unknown_fields"',
      '"x-kubernetes-preserve-unknown-fields"',
    ),
  ) as object;
}

/** Knative Serving's Service and the Prometheus Operator's monitors, as this suite writes them. */
export const testCrds = [
  minimalCrd("serving.knative.dev", "Service", "services"),
  minimalCrd("monitoring.coreos.com", "ServiceMonitor", "servicemonitors"),
  minimalCrd("monitoring.coreos.com", "PodMonitor", "podmonitors"),
];

/**
 * Installs each CRD that does not exist yet (testkit's install-and-wait) and waits until
 * all are Established. Returns the names it created, so `after` removes only those
 * (never a real install).
 */
export async function installTestCrds(kube: KubeClient): Promise<string[]> {
  const created: string[] = [];
  for (const crd of testCrds) {
    const name = crd.metadata?.name ?? "";
    if ((await readCrd(kube, name)) === undefined) {
      await installCrd(kube, wireCrd(crd), fieldManager);
      created.push(name);
    } else await waitForCrdEstablished(kube, name);
  }
  return created;
}

export async function removeCrds(kube: KubeClient, names: readonly string[]): Promise<void> {
  for (const name of names) await deleteCrd(kube, name);
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
export async function applyDryRun(kube: KubeClient, object: object): Promise<ApplyOutcome> {
  return apply(kube, object, true);
}

/**
 * Server-side apply of `object` for real, then a GET of what the API server stored (the
 * answer to an apply is encoded before storage; only a read shows what storage kept),
 * then the object deleted. Resolves with the apply's status and, when it was stored, the
 * object as read back.
 */
export async function applyAndReadBack(kube: KubeClient, object: object): Promise<ApplyOutcome> {
  const applied = await apply(kube, object, false);
  if (applied.status < 200 || applied.status > 299) return applied;
  const path = placed(object);
  // The apply's own answer is the object as stored: no second read that could race a
  // delete (a read-back found nothing under load: 1 in ~3 clean CI runs).
  await kube.exchange({ method: "DELETE", path });
  // Callers reuse one name: the next apply must not land on this object while it is still
  // being deleted (it was then removed under that apply, and the read-back found nothing).
  await waitFor(async () => (await kube.exchange({ method: "GET", path })).statusCode === 404, {
    description: `${path} deleted`,
    timeoutMs: 30_000,
    intervalMs: 50,
  });
  return applied;
}

/** The object's API path. */
function placed(object: object): string {
  const { apiVersion = "", kind = "", metadata } = object as Placeable;
  const plural = plurals[`${apiVersion}/${kind}`];
  if (plural === undefined || !metadata?.name || !metadata.namespace)
    throw new Error(`cannot place ${apiVersion} ${kind} ${metadata?.name ?? ""}`);
  const base = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  return `${base}/namespaces/${metadata.namespace}/${plural}/${metadata.name}`;
}

async function apply(kube: KubeClient, object: object, dryRun: boolean): Promise<ApplyOutcome> {
  const res = await kube.exchange({
    method: "PATCH",
    path: placed(object),
    query: { ...(dryRun ? { dryRun: "All" } : {}), fieldManager, force: true, fieldValidation: "Strict" },
    body: object,
    contentType: "application/apply-patch+yaml",
  });
  return { status: res.statusCode, body: res.body as Record<string, unknown> };
}
