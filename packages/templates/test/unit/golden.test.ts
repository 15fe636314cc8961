// Golden files: the whole render output of each golden case, as JSON. Regenerate after a
// deliberate change with UPDATE_GOLDEN=1 and review the diff; otherwise any change fails.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { expect } from "chai";
import { render } from "../../src/index.ts";
import { goldenCases } from "../golden-cases.ts";

const update = process.env["UPDATE_GOLDEN"] === "1";
// Under CI an update would make every golden comparison pass whatever render does.
const ci = process.env["CI"] !== undefined && process.env["CI"] !== "" && process.env["CI"] !== "false";
const goldenPath = (name: string) => new URL(`../golden/${name}.json`, import.meta.url);

describe("templates: golden render outputs", () => {
  it("refuses UPDATE_GOLDEN=1 under CI", () => {
    expect(update && ci, "UPDATE_GOLDEN=1 is refused when CI is set: regenerate locally and commit").to.be
      .false;
  });
  for (const golden of goldenCases) {
    it(`${golden.name}: ${golden.about}`, () => {
      const result = render(golden.record(), golden.context);
      if (!result.ok) expect.fail(`render failed: ${JSON.stringify(result.error)}`);
      const { objects, selection, notes } = result;
      const text = `${JSON.stringify({ about: golden.about, selection, notes, objects }, null, 2)}\n`;
      const path = goldenPath(golden.name);
      if (update && !ci) writeFileSync(path, text);
      expect(existsSync(path), `${path.pathname} missing: run with UPDATE_GOLDEN=1`).to.be.true;
      // Compared as re-serialised text (the file may be reformatted by prettier): a line diff on failure.
      const want = JSON.stringify(JSON.parse(readFileSync(path, "utf8")), null, 2);
      expect(text.trimEnd()).to.equal(want);
    });
  }
});
