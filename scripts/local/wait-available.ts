// npm start's last step: follows a DeploymentRecord until it is Available, printing its
// conditions whenever they change (with the time since the start), so a newcomer sees
// what the CRM is doing. Exit 0 when Available; 1 on timeout or a terminal failure,
// naming the record's reason and the CRM log to read.
//   tsx scripts/local/wait-available.ts <namespace> <deployment-id> <timeout-s> <crm-log>
import { plural, group, version, recordName, type DeploymentRecord } from "@oaas/crd";
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
    const status = record?.status;
    const text = (status?.conditions ?? [])
      .map(
        (c) => `${c.type}=${c.status}${c.reason ? ` (${c.reason}${c.message ? `: ${c.message}` : ""})` : ""}`,
      )
      .join("; ");
    const line = `${status?.phase ?? "Pending"}${text ? ` | ${text}` : ""}`;
    if (line !== last) {
      console.log(`${elapsed()}  ${id}: ${line}`);
      last = line;
    }
    if (status?.phase === "Available") {
      for (const f of (status as { functions?: { function_key?: string; url?: string }[] }).functions ?? [])
        console.log(`         function ${f.function_key ?? "?"}: ${f.url ?? "(no URL)"}`);
      code = 0;
      break;
    }
    if (status?.phase === "Failed") {
      console.error(`${id} failed: ${status.reason ?? ""} ${status.message ?? ""}; see ${log}`);
      break;
    }
    if (Date.now() > deadline) {
      console.error(`${id} not Available after ${timeoutText}s (last: ${line}); see ${log}`);
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
} finally {
  await kube.close();
}
process.exit(code);
