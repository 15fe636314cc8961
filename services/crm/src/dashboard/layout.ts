// The frame of the dashboard's own pages: no scripts, no external assets, one inline style
// sheet (allowed by the pages' Content-Security-Policy), links back to the queues.
import { html, pathUnder, raw, type SafeHtml } from "./html.ts";

const style = raw(`
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1d2430;background:#f6f7f9}
header{background:#1d2430;color:#fff;padding:.6em 1.2em;display:flex;gap:1.5em;align-items:baseline}
header a{color:#cfe0ff;text-decoration:none}header strong{font-size:1.05em}
main{padding:1em 1.4em;max-width:1200px}
table{border-collapse:collapse;width:100%;background:#fff;margin:.4em 0 1.4em}
th,td{border:1px solid #d9dde3;padding:.35em .6em;text-align:left;vertical-align:top}
th{background:#eef1f5}td.msg{white-space:pre-wrap;word-break:break-word}
.bad{color:#b3261e;font-weight:600}.good{color:#1b7f3b;font-weight:600}.warn{color:#9a6700;font-weight:600}
.muted{color:#687385}.notice{background:#fff4e5;border:1px solid #f0c36d;padding:.5em .8em}
code{font-family:ui-monospace,monospace;font-size:.95em}
`);

/** Content-Security-Policy of every page rendered here: nothing but the inline style and same-origin links. */
export const pageCsp =
  "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

export function layout(basePath: string, title: string, body: SafeHtml): SafeHtml {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} · OaaS CRM</title>
        <style>
          ${style}
        </style>
      </head>
      <body>
        <header>
          <strong>OaaS CRM</strong>
          <a href="${basePath}">Queues</a>
          <a href="${pathUnder(basePath, "records")}">Records not Available</a>
          <a href="${pathUnder(basePath, "records")}?all=true">All records</a>
        </header>
        <main>${body}</main>
      </body>
    </html> `;
}

/** "3m 20s ago" style age of an RFC 3339 time relative to `now`; "" when unparseable. */
export function age(time: string | undefined, now: Date): string {
  if (!time) return "";
  const at = Date.parse(time);
  if (Number.isNaN(at)) return "";
  let seconds = Math.max(0, Math.round((now.getTime() - at) / 1000));
  const parts: string[] = [];
  for (const [unit, size] of [
    ["d", 86_400],
    ["h", 3_600],
    ["m", 60],
  ] as const) {
    if (seconds >= size) {
      parts.push(`${Math.floor(seconds / size)}${unit}`);
      seconds %= size;
    }
    if (parts.length === 2) break;
  }
  if (parts.length < 2) parts.push(`${seconds}s`);
  return `${parts.slice(0, 2).join(" ")} ago`;
}
