// npm start's step after the sample is Available: follows the record's NfrObserved
// condition (printed whenever it changes) until the analyzer has written recommendations
// from the local Prometheus, then prints them. Exit 0 with recommendations; 1 on timeout,
// or at once when the analyzer says Prometheus is disabled (a setting to fix).
//   tsx scripts/local/wait-recommendations.ts <namespace> <deployment-id> <timeout-s> <crm-log>
import { findCondition, group, plural, recordName, version, type DeploymentRecord } from "@oaas/crd";
import { getObject, KubeClient, loadKubeConfig } from "@oaas/kube";

const [namespace = "default", id = "hello-class", timeoutText = "300", log = "the CRM log"] =
  process.argv.slice(2);
const type = { group, version, plural, namespaced: true };
const started = Date.now();
const deadline = started + Number(timeoutText) * 1000;
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s`;

const kube = await KubeClient.create(loadKubeConfig());
let last = "";
let code = 1;
try {
  for (;;) {
    const record = await getObject<DeploymentRecord>(kube, type, namespace, recordName(id)).catch(
      () => undefined,
    );
    const observed = findCondition(record?.status?.conditions, "NfrObserved");
    const line = observed
      ? `NfrObserved=${observed.status} (${observed.reason}: ${observed.message})`
      : "NfrObserved not set yet (the first analysis comes within one analyzer interval)";
    if (line !== last) {
      console.log(`${elapsed()}  ${id}: ${line}`);
      last = line;
    }
    const recommendations = record?.status?.nfr_recommendations ?? [];
    if (observed?.status === "True" && recommendations.length > 0) {
      for (const r of recommendations)
        console.log(
          `         ${r.component} ${r.dimension}: ${r.target} (confidence ${r.confidence.toFixed(2)}; ${r.basis})`,
        );
      code = 0;
      break;
    }
    if (observed?.reason === "PrometheusDisabled") {
      console.error(`${id}: the analyzer has no Prometheus to ask: ${observed.message}; see ${log}`);
      break;
    }
    if (Date.now() > deadline) {
      console.error(`${id}: no recommendations after ${timeoutText}s (last: ${line}); see ${log}`);
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
} finally {
  await kube.close();
}
process.exit(code);
