import { expect } from "chai";
import { parse as parseYaml } from "yaml";
import {
  formatAge,
  formatRatio,
  parseOutputFormat,
  renderData,
  renderFields,
  renderTable,
} from "../../src/output.ts";
import { UsageError } from "../../src/errors.ts";

describe("output formatting", function () {
  it("renderTable aligns columns, upper-cases headers, prints - for empty cells, no trailing spaces", function () {
    const rows = [
      { name: "shop", n: 12, tags: "a,b" },
      { name: "a-much-longer-name", n: 1, tags: undefined },
    ];
    const text = renderTable(
      [
        { header: "name", cell: (r: (typeof rows)[number]) => r.name },
        { header: "count", cell: (r) => r.n },
        { header: "tags", cell: (r) => r.tags },
      ],
      rows,
    );
    expect(text).to.equal(
      "NAME                COUNT  TAGS\n" +
        "shop                12     a,b\n" +
        "a-much-longer-name  1      -\n",
    );
  });

  it("renderTable keeps every row on one line", function () {
    const text = renderTable([{ header: "message", cell: (r: string) => r }], ["first\n  second\r\nthird"]);
    expect(text).to.equal("MESSAGE\nfirst; second; third\n");
  });

  it("renderTable of no rows is the header alone", function () {
    expect(renderTable([{ header: "a", cell: () => "x" }], [])).to.equal("A\n");
  });

  it("renderFields aligns values and skips missing ones", function () {
    expect(
      renderFields([
        ["key", "k"],
        ["missing", undefined],
        ["achieved availability", 0.9],
      ]),
    ).to.equal("key:                    k\nachieved availability:  0.9\n");
  });

  it("renderData writes JSON and YAML that parse back to the same value", function () {
    const value = { name: "x", list: [1, { a: "b" }], empty: [] };
    const json = renderData("json", value);
    expect(json.endsWith("}\n")).to.be.true;
    expect(JSON.parse(json)).to.deep.equal(value);
    expect(parseYaml(renderData("yaml", value))).to.deep.equal(value);
    expect(renderData("json", undefined)).to.equal("null\n");
  });

  it("formatAge: kubectl-style units, undefined for missing or bad timestamps", function () {
    const now = Date.parse("2026-01-10T00:00:00Z");
    const rows: [string | undefined, string | undefined][] = [
      ["2026-01-09T23:59:15Z", "45s"],
      ["2026-01-09T23:50:00Z", "10m"],
      ["2026-01-09T21:00:00Z", "3h"],
      ["2026-01-05T00:00:00Z", "5d"],
      ["2026-01-10T00:00:05Z", "0s"],
      [undefined, undefined],
      ["yesterday", undefined],
    ];
    for (const [ts, want] of rows) expect(formatAge(ts, now), String(ts)).to.equal(want);
  });

  it("formatRatio trims float noise", function () {
    expect(formatRatio(0.9720000000001)).to.equal("0.972");
    expect(formatRatio(1)).to.equal("1");
    expect(formatRatio(undefined)).to.equal(undefined);
  });

  it("parseOutputFormat accepts table|json|yaml only", function () {
    expect(parseOutputFormat("yaml")).to.equal("yaml");
    expect(() => parseOutputFormat("xml")).to.throw(UsageError, 'unknown output format "xml"');
  });
});
