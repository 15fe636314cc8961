// npm start's last step: follows a DeploymentRecord until it is Available, printing its
// conditions whenever they change (with the time since the start), so a newcomer sees
// what the CRM is doing. Exit 0 when Available; 1 on timeout or a terminal failure,
// naming the record's reason and the CRM log to read.
//   tsx scripts/local/wait-available.ts <namespace> <deployment-id> <timeout-s> <crm-log>
import { followRecord } from "./follow-record.ts";

await followRecord("Available", (record, id, log) => {
  const status = record?.status;
  const text = (status?.conditions ?? [])
    .map(
      (c) => `${c.type}=${c.status}${c.reason ? ` (${c.reason}${c.message ? `: ${c.message}` : ""})` : ""}`,
    )
    .join("; ");
  const line = `${status?.phase ?? "Pending"}${text ? ` | ${text}` : ""}`;
  if (status?.phase === "Available") {
    const functions = (status as { functions?: { function_key?: string; url?: string }[] }).functions ?? [];
    return {
      line,
      verdict: {
        ok: true,
        report: functions.map((f) => `         function ${f.function_key ?? "?"}: ${f.url ?? "(no URL)"}`),
      },
    };
  }
  if (status?.phase === "Failed")
    return {
      line,
      verdict: {
        ok: false,
        report: [`${id} failed: ${status.reason ?? ""} ${status.message ?? ""}; see ${log}`],
      },
    };
  return { line };
});
