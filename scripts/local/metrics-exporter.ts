// npm start's stand-in for cAdvisor, kube-state-metrics and the functions' own /metrics:
// KWOK's pods run nothing, so nothing real could be scraped. It watches the pods the CRM
// created (label oaas.io/owner) and serves, per Running pod, the series a production
// cluster would give the analyzer (packages/testkit workload-series.ts): CPU and memory
// from a steady synthetic load shared by the function's pods (more pods, less per pod),
// and each function's request histogram. It writes its own address into the local
// Prometheus' file-SD targets file, so that Prometheus scrapes it.
//   tsx scripts/local/metrics-exporter.ts <targets-file> [rps-per-function]
// Env: KUBECONFIG; OPRC_CRM_K8S_NAMESPACE (default "default").
import fs from "node:fs";
import { functionLabel, ownerLabel } from "@oaas/crd";
import { Informer, KubeClient, loadKubeConfig, type KubeObject } from "@oaas/kube";
import { componentLabel } from "@oaas/templates";
import { dropPod, publishPod, publishRequests, startSyntheticExporter } from "@oaas/testkit";

const [targetsFile, rpsText = "40"] = process.argv.slice(2);
if (!targetsFile) {
  console.error("usage: metrics-exporter.ts <targets-file> [rps-per-function]");
  process.exit(2);
}
const rps = Number(rpsText);
const namespace = process.env["OPRC_CRM_K8S_NAMESPACE"] ?? "default";
/** CPU one request costs, core-seconds, and the idle cost of one pod, cores. */
const cpuPerRequest = 0.01;
const idleCores = 0.02;
const mib = 1024 * 1024;

interface Pod extends KubeObject {
  metadata: { name: string; labels?: Record<string, string>; deletionTimestamp?: string };
  status?: { phase?: string };
}

const exporter = await startSyntheticExporter();
const tmp = `${targetsFile}.tmp`;
fs.writeFileSync(tmp, JSON.stringify([{ targets: [exporter.target], labels: { job: "oaas-local" } }]));
fs.renameSync(tmp, targetsFile);
console.log(JSON.stringify({ message: "serving synthetic workload metrics", target: exporter.target, rps }));

const kube = await KubeClient.create(loadKubeConfig());
const published = new Set<string>();
/** Re-publishes every running pod: a function's load is shared by its running pods. */
const refresh = () => {
  const pods = informer.store
    .list(namespace)
    .filter((p) => p.status?.phase === "Running" && !p.metadata.deletionTimestamp);
  const byFunction = new Map<string, Pod[]>();
  for (const pod of pods) {
    const labels = pod.metadata.labels ?? {};
    const key = `${labels[ownerLabel] ?? ""}/${labels[functionLabel] ?? "odgm"}`;
    byFunction.set(key, [...(byFunction.get(key) ?? []), pod]);
  }
  const now = new Set<string>();
  for (const group of byFunction.values()) {
    for (const pod of group) {
      const labels = pod.metadata.labels ?? {};
      const record = labels[ownerLabel] ?? "";
      const fn = labels[functionLabel];
      const odgm = labels[componentLabel] === "odgm";
      const share = odgm ? 0 : rps / group.length;
      publishPod(exporter, {
        namespace,
        pod: pod.metadata.name,
        record,
        component: odgm ? "odgm" : "function",
        ...(fn === undefined ? {} : { functionKey: fn }),
        cpuCores: idleCores + share * cpuPerRequest + (odgm ? 0.05 : 0),
        memoryBytes: (odgm ? 128 : 64) * mib + share * 0.5 * mib,
      });
      if (!odgm && fn !== undefined)
        publishRequests(exporter, {
          namespace,
          record,
          functionKey: fn,
          rps: share,
          pod: pod.metadata.name,
          shape: { "0.01": 0.3, "0.025": 0.8, "0.05": 0.97, "0.1": 1 },
          meanSeconds: 0.018,
        });
      now.add(pod.metadata.name);
    }
  }
  for (const name of published) if (!now.has(name)) dropPod(exporter, namespace, name);
  published.clear();
  for (const name of now) published.add(name);
};
const informer: Informer<Pod> = new Informer<Pod>({
  kube,
  type: { group: "", version: "v1", plural: "pods", namespaced: true },
  namespace,
  labelSelector: ownerLabel,
  handlers: { add: refresh, update: refresh, delete: refresh },
});
informer.start();

const stop = () => {
  void informer
    .stop()
    .then(() => exporter.close())
    .then(() => kube.close())
    .finally(() => process.exit(0));
};
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
