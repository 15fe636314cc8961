// The list an SRE opens first at 3 a.m.: every record that is not Available, worst first,
// with the reason and the message of the condition that explains it, and since when
// (that condition's lastTransitionTime). Pure.
import { explainStatus, type DeploymentRecord, type Phase } from "@oaas/crd";
import { html, pathUnder, type SafeHtml } from "./html.ts";
import { age, layout } from "./layout.ts";
import { phaseClass } from "./record-page.ts";

export interface RecordsPageInput {
  readonly basePath: string;
  /** The namespaces the records come from (those the viewer may see). */
  readonly namespaces: readonly string[];
  readonly records: readonly DeploymentRecord[];
  /** Show Available records too. */
  readonly all: boolean;
  readonly now: Date;
}

// Worst first: what needs a person before what is on its way.
const severity: Readonly<Record<Phase, number>> = {
  Failed: 0,
  Degraded: 1,
  Pending: 2,
  Progressing: 3,
  Deleting: 4,
  Available: 5,
};

export interface RecordRow {
  readonly record: DeploymentRecord;
  readonly phase: Phase;
  readonly reason: string;
  readonly message: string;
  /**
   * Since when the record is in this state: lastTransitionTime of the condition that
   * explains the phase (@oaas/crd explainStatus); for Deleting the deletionTimestamp, for
   * a record never reconciled its creationTimestamp; none for a spec not reconciled yet.
   */
  readonly since?: string;
}

function rowOf(record: DeploymentRecord): RecordRow {
  const { generation, deletionTimestamp, creationTimestamp } = record.metadata;
  const { condition, ...summary } = explainStatus(record.status?.conditions, {
    deleting: deletionTimestamp !== undefined,
    ...(generation === undefined ? {} : { generation }),
  });
  const since =
    condition?.lastTransitionTime ??
    (summary.phase === "Deleting"
      ? deletionTimestamp
      : summary.reason === "AwaitingReconcile"
        ? creationTimestamp
        : undefined);
  return { record, ...summary, ...(since === undefined ? {} : { since }) };
}

/** Rows sorted worst phase first, then longest in that state first, then by name; Available ones only when `all`. */
export function recordRows(records: readonly DeploymentRecord[], all: boolean): RecordRow[] {
  return records
    .map(rowOf)
    .filter((row) => all || row.phase !== "Available")
    .sort(
      (a, b) =>
        severity[a.phase] - severity[b.phase] ||
        (a.since ?? "").localeCompare(b.since ?? "") ||
        a.record.metadata.name.localeCompare(b.record.metadata.name),
    );
}

export function recordsPage(input: RecordsPageInput): SafeHtml {
  const rows = recordRows(input.records, input.all);
  const title = input.all ? "All records" : "Records not Available";
  const body = html` <h1>
      ${title}
      <span class="muted"
        >in namespace${input.namespaces.length === 1 ? "" : "s"}
        <code>${input.namespaces.join(", ")}</code></span
      >
    </h1>
    <p id="count">
      ${rows.length} of ${input.records.length} record(s)${input.all ? "" : " are not Available"}.
    </p>
    ${
      rows.length === 0
        ? html`<p class="good">Every record is Available.</p>`
        : html`<table id="records">
            <tr>
              <th>Record</th>
              <th>Phase</th>
              <th>Reason</th>
              <th>Message</th>
              <th>Since</th>
              <th>Deployment id</th>
            </tr>
            ${rows.map(
              (r) =>
                html`<tr>
                  <td>
                    <a
                      href="${pathUnder(input.basePath, "records", r.record.metadata.namespace ?? "", r.record.metadata.name)}"
                      >${input.namespaces.length > 1 ? `${r.record.metadata.namespace ?? ""}/` : ""}${r.record.metadata.name}</a
                    >
                  </td>
                  <td class="${phaseClass(r.phase)}">${r.phase}</td>
                  <td>${r.reason}</td>
                  <td class="msg">${r.message}</td>
                  <td title="${r.since ?? ""}">${age(r.since, input.now)}</td>
                  <td>${r.record.spec.deployment_id ?? ""}</td>
                </tr> `,
            )}
          </table>`
    }`;
  return layout(input.basePath, title, body);
}

/** A small page for 404s and failures of the dashboard's own routes. */
export function messagePage(basePath: string, title: string, message: string): SafeHtml {
  return layout(
    basePath,
    title,
    html`<h1>${title}</h1>
      <p class="msg">${message}</p>`,
  );
}
