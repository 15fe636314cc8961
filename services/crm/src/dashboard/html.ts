// Server-rendered HTML with escaping by construction: every value interpolated into the
// `html` template is escaped unless it is itself the output of `html` (or `raw`), so a
// record field such as a condition message can never become markup or script.

/** Markup that is already safe to send: only `html` and `raw` make one. */
export class SafeHtml {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

const entities: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
  "`": "&#96;",
};

/**
 * Text made safe for HTML element content and for quoted attribute values (both quote
 * kinds are escaped). Not for unquoted attributes, URLs in href (use `href`), scripts or CSS.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => entities[c] ?? c);
}

/** What may be interpolated: text (escaped), numbers, safe markup, lists of them; null/undefined/false render nothing. */
export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return "";
  if (value instanceof SafeHtml) return value.text;
  if (Array.isArray(value)) return (value as readonly HtmlValue[]).map(render).join("");
  return escapeHtml(String(value));
}

/** Tagged template: `html\`<td>${record.status.message}</td>\`` escapes the message. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? "";
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? "");
  });
  return new SafeHtml(out);
}

/** Trusted markup, e.g. a constant style sheet. Never pass data through it. */
export function raw(text: string): SafeHtml {
  return new SafeHtml(text);
}

/**
 * A path under the dashboard's base path with each segment percent-encoded, for href
 * attributes: `pathUnder("/ops/", "records", ns, name)` -> "/ops/records/ns/name".
 * Segments cannot add slashes, dots-only segments or a scheme, so a record name cannot
 * turn a link into `javascript:` or another site.
 */
export function pathUnder(basePath: string, ...segments: readonly string[]): string {
  return (
    basePath +
    segments.map((s) => encodeURIComponent(s).replace(/^\.{1,2}$/, (d) => d.replace(/\./g, "%2E"))).join("/")
  );
}
