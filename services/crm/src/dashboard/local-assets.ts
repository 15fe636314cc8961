// Every asset of the dashboard comes from the process: clusters often have no internet,
// and a page that fetches from a third party tells it who looks at the dashboard and when.
// Bull Board's page links Google Fonts (IBM Plex); the link is dropped from its HTML, and
// the page falls back to the fonts its style sheet names after it (sans-serif, monospace).

/** `<link>` elements whose href leaves the origin (http(s):// or protocol-relative //). */
const externalLink = /<link\b[^>]*\bhref\s*=\s*["']?(?:https?:)?\/\/[^>]*>\s*/giu;
/** `<script src=...>` elements that leave the origin, with their (empty) body. */
const externalScript = /<script\b[^>]*\bsrc\s*=\s*["']?(?:https?:)?\/\/[^>]*>\s*<\/script>\s*/giu;

/**
 * `page` (an HTML document) without the elements that would make a browser fetch from
 * another origin: stylesheets, preconnects, font links and scripts. Links between pages
 * (`<a href>`) stay: they fetch nothing until clicked.
 */
export function withoutExternalAssets(page: string): string {
  return page.replace(externalLink, "").replace(externalScript, "");
}
