// Property tests: random JSON anywhere in a package, or any string as a package name, is never a 500 from the PM.
import { keyProblem } from "@oaas/models";
import { expect } from "chai";
import fc from "fast-check";
import { shopPackage } from "../support/fixtures.ts";
import { errorOf } from "../support/pm.ts";
import { pmSuite } from "../support/pm-suite.ts";

describe("pm REST: hostile input is 400 naming the field", function () {
  this.timeout(60_000);
  const hostile = pmSuite();

  describe("random JSON anywhere in a package is never a 500", function () {
    /** Every place in the shop package where a value can be replaced: [path to the parent, key]. */
    function slots(value: unknown, path: (string | number)[] = []): (string | number)[][] {
      if (typeof value !== "object" || value === null) return [];
      return Object.entries(value).flatMap(([k, v]) => {
        const at = [...path, Array.isArray(value) ? Number(k) : k];
        return [at, ...slots(v, at)];
      });
    }
    const base = shopPackage("fuzz");
    const places = slots(base);

    it(`replacing any of ${places.length} values with arbitrary JSON answers 201 or 400 {error}, never 5xx`, async function () {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...places),
          fc.jsonValue({ maxDepth: 3 }),
          async (place, replacement) => {
            const doc = structuredClone(base) as Record<string | number, unknown>;
            let parent = doc;
            for (const part of place.slice(0, -1)) parent = parent[part] as Record<string | number, unknown>;
            parent[place.at(-1) as string | number] = replacement;
            const answer = await hostile.raw("POST", "/api/v1/packages", JSON.stringify(doc));
            if (answer.status === 201) await hostile.pm.storage.deletePackage("fuzz");
            else if (answer.status === 400) expect(errorOf(answer)).to.be.a("string").and.not.equal("");
            else
              expect.fail(
                `${answer.status} ${answer.text} for ${place.join(".")} = ${JSON.stringify(replacement)}`,
              );
          },
        ),
        { numRuns: 300, seed: 20261130 },
      );
    });

    it("arbitrary strings as a package name: 201 and readable back, or 400 at create and in the path", async function () {
      await fc.assert(
        fc.asyncProperty(fc.string({ unit: "binary", maxLength: 300 }), async (name) => {
          const created = await hostile.raw("POST", "/api/v1/packages", JSON.stringify({ name }));
          expect([201, 400], `${JSON.stringify(name)}: ${created.text}`).to.include(created.status);
          expect(created.status === 201).to.equal(keyProblem(name) === undefined);
          if (created.status === 201) {
            const read = await hostile.raw("GET", `/api/v1/packages/${encodeURIComponent(name)}`);
            expect(read.status, JSON.stringify(name)).to.equal(200);
            await hostile.pm.storage.deletePackage(name);
          } else if (name !== "" && !/\p{Cs}/u.test(name)) {
            // (A lone surrogate has no percent-encoding; "" addresses the collection.)
            const read = await hostile.raw("GET", `/api/v1/packages/${encodeURIComponent(name)}`);
            expect(read.status, JSON.stringify(name)).to.equal(400);
          }
        }),
        { numRuns: 300, seed: 20261130 },
      );
    });
  });
});
