// The render() table runner: a row is a record built from option builders, a context, and a
// check on the rendered objects (or the error code and field path render must return). The
// unit/render-*.test.ts files each hold the rows of one concern and run them with renderRows.
import { expect } from "chai";
import { functionChildName } from "@oaas/crd";
import { render, type RenderContext, type RenderedObject, type RenderErrorCode } from "../src/index.ts";
import { context, record, seedRecord, withFunction, type RecordOption } from "./fixtures.ts";
import { one } from "./support.ts";

/** One render case: `want` checks a successful render, `wantError` the error it must return. */
export interface Row {
  name: string;
  given: RecordOption[];
  context?: RenderContext;
  want?: (objects: RenderedObject[], notes: string[]) => void;
  wantError?: { code: RenderErrorCode; path: string };
}

/** A function "f" with defaults: the most rows need exactly one. */
export const f = withFunction("f");
/** The Deployment rendered for function `key` of record "r". */
export const deploymentOf = (objects: RenderedObject[], key = "f") =>
  one(objects, "Deployment", functionChildName("r", key));
/** "Kind/name" of each object, in render order. */
export const kinds = (objects: RenderedObject[]) =>
  objects.map((o) => `${o.kind ?? ""}/${o.metadata?.name ?? ""}`);

/**
 * Declares one `it` per row in the enclosing describe. Rows named "sample record..." start from
 * the sample record, the others from record "r"; the context defaults to the dev profile.
 */
export function renderRows(rows: readonly Row[]): void {
  for (const row of rows) {
    it(row.name, () => {
      const base = row.name.startsWith("sample record")
        ? seedRecord(...row.given)
        : record("r", ...row.given);
      const result = render(base, row.context ?? context("dev"));
      if (row.wantError) {
        if (result.ok)
          return expect.fail(`expected ${row.wantError.code}, rendered ${kinds(result.objects).join(", ")}`);
        expect({ code: result.error.code, path: result.error.path }).to.deep.equal(row.wantError);
        expect(result.error.message).to.be.a("string").and.not.empty;
        return;
      }
      if (!result.ok) return expect.fail(`render failed: ${JSON.stringify(result.error)}`);
      row.want?.(result.objects, result.notes);
    });
  }
}
