// What the e2e suites read from the API server: the objects a CRM made in its
// namespace (records, Deployments, Services, HPAs, pods), through the test cluster's KubeClient.
import { deploymentRecordType } from "@oaas/crd";
import { listObjects, type ResourceType } from "@oaas/kube";
import { builtIn, testCluster } from "@oaas/testkit";

export interface Container {
  name: string;
  image: string;
  env?: { name: string; value?: string }[];
}

/** The fields the suites read, of any kind listed here. */
export interface Obj {
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; generation?: number };
  spec?: {
    /** Pods. */
    containers?: Container[];
    /** Deployments. */
    template?: { spec?: { containers?: Container[] } };
    /** Services. */
    ports?: { port: number }[];
  };
  status?: {
    conditions?: { type: string; status: string; reason?: string }[];
    readyReplicas?: number;
    replicas?: number;
    updatedReplicas?: number;
    observedGeneration?: number;
  };
}

/** The resource type of each kind the suites read. */
const types = {
  records: deploymentRecordType,
  deployments: builtIn.deployments,
  services: builtIn.services,
  hpas: builtIn.horizontalPodAutoscalers,
  pods: builtIn.pods,
} as const satisfies Record<string, ResourceType>;
export type Kind = keyof typeof types;

/** Every object of `kind` in `namespace` (optionally a label selector). */
export async function list(kind: Kind, namespace: string, labelSelector?: string): Promise<Obj[]> {
  const { kube } = await testCluster();
  return listObjects<Obj>(kube, types[kind], namespace, labelSelector ? { labelSelector } : {});
}

/** Names of every record, Deployment, Service and HPA in `namespace`, as "kind/name". */
export async function leftovers(namespace: string): Promise<string[]> {
  const kinds: Kind[] = ["records", "deployments", "services", "hpas"];
  const all = await Promise.all(
    kinds.map(async (k) => (await list(k, namespace)).map((o) => `${k}/${o.metadata.name}`)),
  );
  return all.flat();
}

/** The container images of every Deployment in `namespace`, by Deployment name. */
export async function images(namespace: string): Promise<Record<string, string[]>> {
  return Object.fromEntries(
    (await list("deployments", namespace)).map((d) => [
      d.metadata.name,
      (d.spec?.template?.spec?.containers ?? []).map((c) => c.image),
    ]),
  );
}

/** True when every Deployment in `namespace` rolled out its current generation and all replicas are Ready. */
export async function rolledOut(namespace: string): Promise<boolean> {
  const deployments = await list("deployments", namespace);
  return (
    deployments.length > 0 &&
    deployments.every((d) => {
      const s = d.status ?? {};
      const want = s.replicas ?? 0;
      return (
        s.observedGeneration === d.metadata.generation &&
        (s.updatedReplicas ?? 0) === want &&
        (s.readyReplicas ?? 0) === want &&
        want > 0
      );
    })
  );
}
