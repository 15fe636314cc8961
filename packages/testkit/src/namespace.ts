import { randomBytes } from "node:crypto";
import { deleteObject, getObject, resourcePath, type KubeClient } from "@oaas/kube";
import { testCluster } from "./cluster/shared.ts";
import { builtIn } from "./resource-types.ts";
import { waitFor } from "./wait.ts";

/** Label on every namespace a test creates, so leftovers can be found. */
export const testNamespaceLabel = "oaas.io/test";

export interface TestNamespace {
  readonly name: string;
  /** Deletes the namespace (and so everything in it). */
  readonly cleanup: () => Promise<void>;
}

/**
 * Creates a namespace `<prefix>-<random>` on the shared test cluster (or the cluster of
 * `client`, for a suite with a private one) and waits for its default ServiceAccount,
 * without which the API server rejects pods.
 */
export async function createTestNamespace(prefix = "t", client?: KubeClient): Promise<TestNamespace> {
  const kube = client ?? (await testCluster()).kube;
  const name = `${prefix}-${randomBytes(4).toString("hex")}`;
  await kube.request({
    method: "POST",
    path: resourcePath(builtIn.namespaces),
    body: {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name, labels: { [testNamespaceLabel]: "true" } },
    },
  });
  await waitFor(() => getObject(kube, builtIn.serviceAccounts, name, "default"), {
    description: `the default ServiceAccount in namespace ${name}`,
    timeoutMs: 30_000,
  });
  return {
    name,
    cleanup: async () => {
      await deleteObject(kube, builtIn.namespaces, undefined, name);
    },
  };
}

/**
 * Mocha helper: a fresh namespace per suite (created in `before`, deleted in `after`).
 * Read `.name` inside tests; reading it before the hook ran is a test bug and throws.
 */
export function useTestNamespace(prefix = "t"): { readonly name: string } {
  let current: TestNamespace | undefined;
  before(async () => {
    current = await createTestNamespace(prefix);
  });
  after(async () => {
    await current?.cleanup();
    current = undefined;
  });
  return {
    get name(): string {
      if (!current) throw new Error("useTestNamespace: namespace read outside a test");
      return current.name;
    },
  };
}

/**
 * Labels namespace `name` pod-security.kubernetes.io/enforce=`level` (and -version=latest):
 * kube-apiserver's PodSecurity admission (on by default since Kubernetes 1.25) then
 * refuses every Pod created there that breaks that Pod Security Standard
 * (kubernetes.io/docs/concepts/security/pod-security-admission). Workloads are admitted
 * (with a warning); their controllers fail to create the pods.
 */
export async function enforcePodSecurity(
  kube: KubeClient,
  name: string,
  level: "baseline" | "restricted" = "restricted",
): Promise<void> {
  const label = "pod-security.kubernetes.io/enforce";
  await kube.request({
    method: "PATCH",
    path: resourcePath(builtIn.namespaces, undefined, name),
    body: { metadata: { labels: { [label]: level, [`${label}-version`]: "latest" } } },
    contentType: "application/merge-patch+json",
  });
}
