// The record page's NFR section: what `crm nfr explain` prints, as tables: the
// enforcement settings, each recommendation with its basis and confidence, the enforcer's
// last decisions and why, and what it would apply now with every check of the chain.
// Pure: the explanation (services/crm/src/enforcer/explain.ts builds it) is passed in.
import type { Decision } from "@oaas/nfr";
import { componentText, type RecordExplanation } from "@oaas/nfr";
import { html, type SafeHtml } from "./html.ts";

/** The explanation, or why it could not be made (the rest of the page is still shown). */
export type NfrPanelInput = RecordExplanation | { readonly error: string } | undefined;

export function nfrPanel(input: NfrPanelInput): SafeHtml {
  if (input === undefined) return html``;
  if ("error" in input)
    return html`<h2>NFR</h2>
      <p class="notice" id="nfr-error">NFR explanation unavailable: ${input.error}</p>`;
  const e = input;
  return html`<h2>NFR</h2>
    <table id="nfr-enforcement">
      <tr>
        <th>Mode</th>
        <td>${e.enforcement.mode}</td>
      </tr>
      <tr>
        <th>Dimensions</th>
        <td>${e.enforcement.dimensions.join(", ")}</td>
      </tr>
      <tr>
        <th>Global flag</th>
        <td class="${e.enforcement.enabled ? "good" : "warn"}">
          ${e.enforcement.enabled ? "on" : "off (OPRC_CRM_FEATURES_NFR_ENFORCEMENT)"}
        </td>
      </tr>
      ${
        e.stale
          ? html`<tr>
              <th>Analysis</th>
              <td class="warn msg" id="nfr-stale">not current: ${e.stale}</td>
            </tr>`
          : ""
      }
      <tr>
        <th>Last applied</th>
        <td>${e.lastAppliedAt ?? "never"}</td>
      </tr>
    </table>
    <h3>Recommendations</h3>
    ${
      e.recommendations.length === 0
        ? html`<p class="muted">No recommendations yet.</p>`
        : html`<table id="nfr-recommendations">
            <tr>
              <th>Component</th>
              <th>Dimension</th>
              <th>Target</th>
              <th>Confidence</th>
              <th>Basis</th>
            </tr>
            ${e.recommendations.map(
              (r) =>
                html`<tr>
                  <td>${componentText(r.component)}</td>
                  <td>${r.dimension}</td>
                  <td>${r.target} ${r.unit}</td>
                  <td>${r.confidence.toFixed(2)}</td>
                  <td class="msg">${r.basis}</td>
                </tr>`,
            )}
          </table>`
    }
    <h3>Would apply now</h3>
    ${decisionsTable("nfr-now", e.wouldApplyNow, true)}
    <h3>Last decisions</h3>
    ${decisionsTable("nfr-last", e.lastDecisions, false)}`;
}

function decisionsTable(id: string, decisions: readonly Decision[], withChecks: boolean): SafeHtml {
  if (decisions.length === 0) return html`<p class="muted">None.</p>`;
  return html`<table id="${id}">
    <tr>
      <th>Component</th>
      <th>Dimension</th>
      <th>Current</th>
      <th>Recommended</th>
      <th>Verdict</th>
      <th>Why</th>
    </tr>
    ${decisions.map(
      (d) =>
        html`<tr>
          <td>${componentText(d.component)}</td>
          <td>${d.dimension}</td>
          <td>${d.current ?? "unknown"}</td>
          <td>${d.recommended}</td>
          <td class="${d.verdict === "apply" ? "good" : ""}">${d.verdict}</td>
          <td class="msg">
            ${d.summary}
            ${
              withChecks
                ? html`<ul>
                    ${d.checks.map((c) => html`<li>${c.verdict} ${c.check}: ${c.reason}</li>`)}
                  </ul>`
                : ""
            }
          </td>
        </tr>`,
    )}
  </table>`;
}
