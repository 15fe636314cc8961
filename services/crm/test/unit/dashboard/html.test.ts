import { expect } from "chai";
import { escapeHtml, html, pathUnder, raw } from "../../../src/dashboard/html.ts";
import { normalizeBasePath } from "../../../src/dashboard/options.ts";

describe("dashboard HTML escaping", function () {
  it("escapes every character that can open markup or leave an attribute", function () {
    expect(escapeHtml(`<script>alert("x")</script> & 'y' \`z\``)).to.equal(
      "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39; &#96;z&#96;",
    );
  });
  it("escapes interpolated text and keeps nested html", function () {
    const message = `<img src=x onerror=alert(1)>`;
    // prettier-ignore
    const row = html`<td title="${message}">${message}</td>`;
    // prettier-ignore
    const page = html`<tr>${row}${[html`<b>${"<i>"}</b>`, 7, null, undefined, false]}</tr>`;
    expect(page.text).to.equal(
      `<tr><td title="&lt;img src=x onerror=alert(1)&gt;">&lt;img src=x onerror=alert(1)&gt;</td><b>&lt;i&gt;</b>7</tr>`,
    );
  });
  it("passes raw markup through unchanged", function () {
    expect(html`${raw("<hr>")}`.text).to.equal("<hr>");
  });
  it("builds links whose segments cannot escape the base path", function () {
    expect(pathUnder("/ops/", "records", "ns", "a/b")).to.equal("/ops/records/ns/a%2Fb");
    expect(pathUnder("/", "records", "..", "javascript:alert(1)")).to.equal(
      "/records/%2E%2E/javascript%3Aalert(1)",
    );
    // prettier-ignore
    const link = html`<a href="${pathUnder("/", "records", `"><script>`)}">x</a>`;
    expect(link.text).to.equal(`<a href="/records/%22%3E%3Cscript%3E">x</a>`);
  });
});

describe("dashboard base path", function () {
  const rows: [string | undefined, string][] = [
    [undefined, "/"],
    ["/", "/"],
    ["/ops/crm", "/ops/crm/"],
    ["/ops//crm/", "/ops/crm/"],
  ];
  for (const [given, want] of rows)
    it(`${String(given)} -> ${want}`, function () {
      expect(normalizeBasePath(given)).to.equal(want);
    });
  for (const bad of ["ops", "/a/../b", "/a b", "/<x>", "/a?b"])
    it(`rejects ${bad}`, function () {
      expect(() => normalizeBasePath(bad)).to.throw(/base path/);
    });
});
