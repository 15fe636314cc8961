// One record on one page: what it is, its status summary, its conditions, per-function
// status, its NFR recommendations and decisions, and its history. Pure: the record, the history and the clock are passed in.
import { statusSummary, type DeploymentRecord, type FunctionStatus } from "@oaas/crd";
import type { HistoryEntry } from "@oaas/queue";
import { html, pathUnder, type SafeHtml } from "./html.ts";
import { age, layout } from "./layout.ts";
import { nfrPanel, type NfrPanelInput } from "./nfr-panel.ts";

export interface RecordPageInput {
  readonly basePath: string;
  readonly namespace: string;
  readonly name: string;
  /** undefined when the record does not exist (deleted): its history is still shown. */
  readonly record: DeploymentRecord | undefined;
  /** Newest first; or why it could not be read (the rest of the page is still useful). */
  readonly history: readonly HistoryEntry[] | { readonly error: string };
  /** The CRM's queue names, for links to Bull Board's queue views. */
  readonly queueNames: readonly string[];
  readonly now: Date;
  /** The NFR explanation (nfr-panel.ts); absent when the dashboard has none to give. */
  readonly nfr?: NfrPanelInput;
}

/** The phase of a record, derived from its conditions as everywhere else (never the stored phase alone). */
export function recordSummary(record: DeploymentRecord) {
  const generation = record.metadata.generation;
  return statusSummary(record.status?.conditions, {
    deleting: record.metadata.deletionTimestamp !== undefined,
    ...(generation === undefined ? {} : { generation }),
  });
}

export function phaseClass(phase: string): string {
  if (phase === "Available") return "good";
  if (phase === "Failed" || phase === "Degraded") return "bad";
  return "warn";
}

export function recordPage(input: RecordPageInput): SafeHtml {
  const { record, basePath, now, namespace: ns, name } = input;
  if (!record) {
    const body = html`
      <h1>DeploymentRecord <code>${ns}/${name}</code></h1>
      <p class="notice" id="missing">
        This record does not exist (deleted, or never created). Its history, if any, follows.
      </p>
      <h2>History</h2>
      ${historyTable(input.history, now)}
    `;
    return layout(basePath, `${ns}/${name}`, body);
  }
  const summary = recordSummary(record);
  const status = record.status;
  const functions = status?.functions ?? [];
  const body = html`
    <h1>DeploymentRecord <code>${ns}/${name}</code></h1>
    <table>
      <tr>
        <th>Phase</th>
        <td class="${phaseClass(summary.phase)}" id="phase">${summary.phase}</td>
      </tr>
      <tr>
        <th>Reason</th>
        <td id="reason">${summary.reason}</td>
      </tr>
      <tr>
        <th>Message</th>
        <td class="msg" id="message">${summary.message}</td>
      </tr>
      <tr>
        <th>Deployment id</th>
        <td>${record.spec.deployment_id ?? ""}</td>
      </tr>
      <tr>
        <th>Class</th>
        <td>${record.spec.package_name ?? ""}${record.spec.class_key ? `/${record.spec.class_key}` : ""}</td>
      </tr>
      <tr>
        <th>Template</th>
        <td>
          ${status?.template_selection?.name ?? status?.selected_template ?? record.spec.selected_template ?? ""}
        </td>
      </tr>
      <tr>
        <th>Generation</th>
        <td>${record.metadata.generation ?? ""} (observed ${status?.observedGeneration ?? "none"})</td>
      </tr>
      <tr>
        <th>UID</th>
        <td><code>${record.metadata.uid ?? ""}</code></td>
      </tr>
      <tr>
        <th>Jobs</th>
        <td>
          ${input.queueNames.map((q, i) => html`${i > 0 ? " · " : ""}<a href="${pathUnder(basePath, "queue", q)}">${q}</a>`)}
        </td>
      </tr>
    </table>
    <h2>Conditions</h2>
    ${conditionsTable(record, now)}
    <h2>Functions</h2>
    ${functionsTable(functions)} ${nfrPanel(input.nfr)}
    <h2>History</h2>
    ${historyTable(input.history, now)}
  `;
  return layout(basePath, `${ns}/${name}`, body);
}

function conditionsTable(record: DeploymentRecord, now: Date): SafeHtml {
  const conditions = record.status?.conditions ?? [];
  if (conditions.length === 0)
    return html`<p class="muted">No conditions yet: the reconciler has not reported on this record.</p>`;
  return html`<table id="conditions">
    <tr>
      <th>Type</th>
      <th>Status</th>
      <th>Reason</th>
      <th>Message</th>
      <th>Since</th>
      <th>Observed generation</th>
    </tr>
    ${conditions.map(
      (c) =>
        html`<tr>
          <td>${c.type}</td>
          <td
            class="${c.status === "True" ? (c.type === "Degraded" ? "bad" : "good") : c.status === "False" && c.type === "Available" ? "bad" : ""}"
          >
            ${c.status}
          </td>
          <td>${c.reason}</td>
          <td class="msg">${c.message}</td>
          <td title="${c.lastTransitionTime}">${age(c.lastTransitionTime, now)}</td>
          <td>${c.observedGeneration ?? ""}</td>
        </tr> `,
    )}
  </table>`;
}

/** status.functions as the CRD types it (one entry per function, spec order). */
function functionsTable(rows: readonly FunctionStatus[]): SafeHtml {
  if (rows.length === 0) return html`<p class="muted">No per-function status reported.</p>`;
  return html`<table id="functions">
    <tr>
      <th>Function</th>
      <th>Ready</th>
      <th>Reason</th>
      <th>Message</th>
      <th>URL</th>
    </tr>
    ${rows.map(
      (r) =>
        html`<tr>
          <td>${r.function_key}</td>
          <td class="${r.ready ? "good" : "bad"}">${r.ready ? "yes" : "no"}</td>
          <td>${r.reason}</td>
          <td class="msg">${r.message}</td>
          <td><code>${r.url}</code></td>
        </tr> `,
    )}
  </table>`;
}

function historyTable(history: RecordPageInput["history"], now: Date): SafeHtml {
  if (!Array.isArray(history)) {
    const error = (history as { error: string }).error;
    return html`<p class="notice">History unavailable: ${error}</p>`;
  }
  const entries = history as readonly HistoryEntry[];
  if (entries.length === 0) return html`<p class="muted">No history recorded for this record.</p>`;
  return html`<table id="history">
    <tr>
      <th>Time</th>
      <th>Type</th>
      <th>Reason</th>
      <th>Message</th>
      <th>Objects</th>
      <th>Generation</th>
      <th>Correlation id</th>
      <th>Worker</th>
    </tr>
    ${entries.map(
      (e) =>
        html`<tr>
          <td title="${e.time}">${e.time} <span class="muted">(${age(e.time, now)})</span></td>
          <td class="${e.type === "failed" ? "bad" : ""}">${e.type}</td>
          <td>${e.reason}</td>
          <td class="msg">${e.message}</td>
          <td>${(e.objects ?? []).join(", ")}</td>
          <td>${e.generation}</td>
          <td><code>${e.correlationId}</code></td>
          <td>${e.workerId}</td>
        </tr> `,
    )}
  </table>`;
}
