// The dashboard serves every asset itself: what withoutExternalAssets drops from a page
// (Bull Board's Google Fonts link) and what it keeps.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { expect } from "chai";
import { withoutExternalAssets } from "../../src/dashboard/local-assets.ts";

describe("dashboard: no external assets", function () {
  const rows: [string, string, string][] = [
    [
      "a Google Fonts stylesheet",
      '<head><link href="https://fonts.googleapis.com/css2?family=X" rel="stylesheet">\n<link href="static/a.css" rel="stylesheet"></head>',
      '<head><link href="static/a.css" rel="stylesheet"></head>',
    ],
    ["a preconnect", "<link rel='preconnect' href='https://fonts.gstatic.com' crossorigin>x", "x"],
    ["a protocol-relative link", '<link rel="stylesheet" href="//cdn.example/x.css"/>y', "y"],
    ["an external script", '<script defer src="https://cdn.example/x.js"></script>z', "z"],
    [
      "a local script stays",
      '<script defer src="static/js/main.js"></script>',
      '<script defer src="static/js/main.js"></script>',
    ],
    ["a page link stays", '<a href="https://github.com/x">x</a>', '<a href="https://github.com/x">x</a>'],
  ];
  for (const [name, page, want] of rows)
    it(name, function () {
      expect(withoutExternalAssets(page)).to.equal(want);
    });

  it("Bull Board's own page fetches nothing from another origin once served", function () {
    const require = createRequire(import.meta.url);
    const page = readFileSync(require.resolve("@bull-board/ui/dist/index.ejs"), "utf8");
    expect(page).to.contain("fonts.googleapis.com"); // what this guards against
    const served = withoutExternalAssets(page);
    expect(served).to.not.match(/(src|href)\s*=\s*["']?(https?:)?\/\//);
    expect(served).to.contain("static/css/");
  });
});
