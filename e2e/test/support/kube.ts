// What the e2e suites read from the API server: the objects a CRM made in its
// namespace (records, Deployments, Services, HPAs, pods), through testkit's kubeRequest.
import { kubeRequest, testCluster } from "@oaas/testkit";

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

/** Collection paths by kind, relative to a namespace. */
const paths = {
  records: "/apis/oaas.io/v1alpha1/namespaces/{ns}/deploymentrecords",
  deployments: "/apis/apps/v1/namespaces/{ns}/deployments",
  services: "/api/v1/namespaces/{ns}/services",
  hpas: "/apis/autoscaling/v2/namespaces/{ns}/horizontalpodautoscalers",
  pods: "/api/v1/namespaces/{ns}/pods",
} as const;
export type Kind = keyof typeof paths;

/** Every object of `kind` in `namespace` (optionally a label selector). */
export async function list(kind: Kind, namespace: string, labelSelector?: string): Promise<Obj[]> {
  const { kc } = await testCluster();
  const query = labelSelector ? `?labelSelector=${encodeURIComponent(labelSelector)}` : "";
  const res = await kubeRequest(kc, { method: "GET", path: paths[kind].replace("{ns}", namespace) + query });
  if (res.status !== 200) throw new Error(`list ${kind} in ${namespace}: ${res.status} ${res.text}`);
  return (JSON.parse(res.text) as { items: Obj[] }).items;
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
