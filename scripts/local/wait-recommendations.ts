// npm start's step after the sample is Available: follows the record's NfrObserved
// condition (printed whenever it changes) until the analyzer has written recommendations
// from the local Prometheus, then prints them. Exit 0 with recommendations; 1 on timeout,
// or at once when the analyzer says Prometheus is disabled (a setting to fix).
//   tsx scripts/local/wait-recommendations.ts <namespace> <deployment-id> <timeout-s> <crm-log>
import { findCondition } from "@oaas/crd";
import { followRecord } from "./follow-record.ts";

await followRecord("recommendations", (record, id, log) => {
  const observed = findCondition(record?.status?.conditions, "NfrObserved");
  const line = observed
    ? `NfrObserved=${observed.status} (${observed.reason}: ${observed.message})`
    : "NfrObserved not set yet (the first analysis comes within one analyzer interval)";
  const recommendations = record?.status?.nfr_recommendations ?? [];
  if (observed?.status === "True" && recommendations.length > 0)
    return {
      line,
      verdict: {
        ok: true,
        report: recommendations.map(
          (r) =>
            `         ${r.component} ${r.dimension}: ${r.target} (confidence ${r.confidence.toFixed(2)}; ${r.basis})`,
        ),
      },
    };
  if (observed?.reason === "PrometheusDisabled")
    return {
      line,
      verdict: {
        ok: false,
        report: [`${id}: the analyzer has no Prometheus to ask: ${observed.message}; see ${log}`],
      },
    };
  return { line };
});
