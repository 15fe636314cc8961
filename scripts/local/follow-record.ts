// The loop npm start's waiting steps share: read one DeploymentRecord every second, print a
// line whenever what the step watches changes (with the time since the start), and stop on
// the step's verdict or at the deadline. Each step says only what it watches and when it is
// done (wait-available.ts, wait-recommendations.ts).
import { group, plural, recordName, version, type DeploymentRecord } from "@oaas/crd";
import { getObject, KubeClient, loadKubeConfig } from "@oaas/kube";

/** What a step makes of one read: the line to show, and a verdict once it is done. */
export interface Look {
  readonly line: string;
  /** `ok`: print `report` and exit 0; `failed`: print `report` to stderr and exit 1; absent: keep waiting. */
  readonly verdict?: { readonly ok: boolean; readonly report: readonly string[] };
}

/**
 * Follows the record named on the command line (`<namespace> <deployment-id> <timeout-s>
 * <crm-log>`) with `look` until a verdict or `timeout-s` seconds; exits the process with 0
 * (ok) or 1 (failed, timeout). `waitingFor` names the goal in the timeout message.
 */
export async function followRecord(
  waitingFor: string,
  look: (record: DeploymentRecord | undefined, id: string, log: string) => Look,
): Promise<never> {
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
      const { line, verdict } = look(record, id, log);
      if (line !== last) {
        console.log(`${elapsed()}  ${id}: ${line}`);
        last = line;
      }
      if (verdict !== undefined) {
        for (const text of verdict.report) (verdict.ok ? console.log : console.error)(text);
        code = verdict.ok ? 0 : 1;
        break;
      }
      if (Date.now() > deadline) {
        console.error(`${id}: ${waitingFor} not reached after ${timeoutText}s (last: ${line}); see ${log}`);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  } finally {
    await kube.close();
  }
  process.exit(code);
}
