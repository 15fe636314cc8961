// 100,000 random ids, no invalid name and no two ids on one record name.
// The seed is fixed so CI is deterministic (the 40-bit hash makes a collision among
// 100k ids possible, if very unlikely); OAAS_PROPERTY_SEED=<n> explores other runs.
import { expect } from "chai";
import fc from "fast-check";
import { isDns1035Label, isDns1123Subdomain, isLabelValue } from "@oaas/kube-rules";
import {
  functionChildName,
  labelValue,
  maxRecordNameLength,
  monitorName,
  odgmChildName,
  recordName,
} from "../../src/index.ts";

const seed = Number(process.env["OAAS_PROPERTY_SEED"] ?? 20260301);
const runs = 100_000;

const nanoidAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-".split("");
const nanoidChar = fc.constantFrom(...nanoidAlphabet);
// Lone UTF-16 halves are valid JS strings (a JSON "\ud800" escape makes one).
const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
const anyChar = fc.oneof(
  { arbitrary: nanoidChar, weight: 3 },
  { arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }), weight: 3 },
  { arbitrary: loneSurrogate, weight: 1 },
  // Characters whose lowercase is ASCII or longer (Kelvin sign, dotted I), separators, NUL.
  { arbitrary: fc.constantFrom(".", "-", "_", " ", "/", "\u212a", "\u0130", "\u00df", "\u0000"), weight: 1 },
);
// By code point (Array.from), so a surrogate pair is never split into two lone halves.
const flipCase = (text: string, flips: boolean[]) =>
  Array.from(text)
    .map((ch, i) => (flips[i % Math.max(1, flips.length)] ? swapCase(ch) : ch))
    .join("");

const ids = fc.oneof(
  { arbitrary: fc.string({ unit: nanoidChar, minLength: 21, maxLength: 21 }), weight: 4 },
  { arbitrary: fc.string({ unit: anyChar, maxLength: 45 }), weight: 3 },
  { arbitrary: fc.string({ unit: anyChar, minLength: 41, maxLength: 400 }), weight: 1 },
  {
    arbitrary: fc
      .tuple(fc.constantFrom("0", "7", "-", "_", "--", "_-"), fc.string({ unit: nanoidChar, maxLength: 50 }))
      .map(([lead, rest]) => lead + rest),
    weight: 1,
  },
  // Already valid names, around the 40-char boundary, and names shaped like hashed output.
  { arbitrary: fc.stringMatching(/^[a-z][-a-z0-9]{0,44}[a-z0-9]$/), weight: 1 },
  { arbitrary: fc.stringMatching(/^[a-z][a-z0-9]{0,20}-[a-z2-7]{8}$/), weight: 1 },
  {
    arbitrary: fc
      .tuple(
        fc.string({ unit: nanoidChar, minLength: 1, maxLength: 30 }),
        fc.array(fc.boolean(), { maxLength: 8 }),
      )
      .map(([text, flips]) => flipCase(text, flips)),
    weight: 1,
  },
  { arbitrary: fc.constant(""), weight: 1 },
);
const functionKeys = fc.array(
  fc.oneof(fc.stringMatching(/^[a-z0-9][-a-z0-9]{0,30}$/), fc.string({ unit: anyChar, maxLength: 80 })),
  {
    maxLength: 3,
  },
);
// Hand-written records are named by people: any DNS-1123 subdomain, dots and all.
const handWrittenName = fc.stringMatching(
  /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,20}[a-z0-9])?){0,3}$/,
);

function swapCase(ch: string): string {
  const lower = ch.toLowerCase();
  return lower === ch ? ch.toUpperCase() : lower;
}

/** Everything wrong with the names derived for one id (plain checks: chai is slow in a 100k loop). */
function problems(id: string, keys: string[], written: string): string[] {
  const name = recordName(id);
  const found: string[] = [];
  if (!isDns1123Subdomain(name) || !isDns1035Label(name) || name.length > maxRecordNameLength) {
    found.push(`record name ${JSON.stringify(name)}`);
  }
  for (const record of [name, written]) {
    const children = [
      ...keys.map((k) => functionChildName(record, k)),
      odgmChildName(record),
      monitorName(record),
    ];
    for (const child of children)
      if (!isDns1035Label(child)) found.push(`child of ${record}: ${JSON.stringify(child)}`);
  }
  for (const text of [id, ...keys])
    if (!isLabelValue(labelValue(text))) found.push(`label value of ${JSON.stringify(text)}`);
  return found;
}

describe("crd: names (property, 100,000 random ids)", function () {
  this.timeout(120_000);

  it("derives only valid names: record (DNS-1123 and DNS-1035, <= 40), children, label values", () => {
    fc.assert(
      fc.property(ids, functionKeys, handWrittenName, (id, keys, written) => {
        const found = problems(id, keys, written);
        if (found.length > 0) throw new Error(found.join("; "));
      }),
      { numRuns: runs, seed },
    );
  });

  it("maps no two distinct ids (nor case variants of one) to the same record name", () => {
    const seen = new Map<string, string>();
    const collisions: string[] = [];
    const add = (id: string) => {
      const name = recordName(id);
      const other = seen.get(name);
      if (other === undefined) seen.set(name, id);
      else if (other !== id) collisions.push(`${JSON.stringify(other)} and ${JSON.stringify(id)} -> ${name}`);
    };
    for (const id of fc.sample(ids, { numRuns: runs, seed })) {
      for (const variant of [id, id.toLowerCase(), id.toUpperCase(), flipCase(id, [true, false])])
        add(variant);
    }
    if (collisions.length > 0) {
      expect.fail(`${collisions.length} collisions (seed ${seed}): ${collisions.slice(0, 5).join("; ")}`);
    }
    expect(seen.size).to.be.greaterThan(runs * 1.5); // the variants really added distinct ids
  });

  it("gives distinct function keys of one record distinct child names, apart from the addon's", () => {
    fc.assert(
      fc.property(
        ids,
        fc.uniqueArray(fc.string({ unit: anyChar, maxLength: 40 }), { minLength: 2, maxLength: 4 }),
        (id, keys) => {
          const record = recordName(id);
          const names = [
            ...keys.map((k) => functionChildName(record, k)),
            odgmChildName(record),
            monitorName(record),
          ];
          if (new Set(names).size !== names.length) throw new Error(`clash: ${names.join(" ")}`);
        },
      ),
      { numRuns: 20_000, seed },
    );
  });

  it("maps 100,000 random distinct (record, function key) pairs to distinct valid child names", () => {
    // A small alphabet with '-' makes pairs that split one string differently
    // ("shop" + "cart-api" vs "shop-cart" + "api") common, beside arbitrary text.
    const part = fc.oneof(
      { arbitrary: fc.stringMatching(/^[a-c][-a-c1]{0,6}[a-c1]$/), weight: 4 },
      { arbitrary: fc.stringMatching(/^[a-z][-a-z0-9]{0,62}$/), weight: 1 },
      { arbitrary: fc.string({ unit: anyChar, maxLength: 70 }), weight: 1 },
    );
    const seen = new Map<string, string>();
    const addons = new Map<string, string>();
    const clashes: string[] = [];
    for (const [record, key] of fc.sample(fc.tuple(part, part), { numRuns: runs, seed })) {
      const name = functionChildName(record, key);
      if (!isDns1035Label(name)) clashes.push(`invalid ${JSON.stringify(name)}`);
      const pair = JSON.stringify([record, key]);
      const other = seen.get(name);
      if (other === undefined) seen.set(name, pair);
      else if (other !== pair) clashes.push(`${other} and ${pair} -> ${name}`);
      for (const addon of [odgmChildName(record), monitorName(record)]) addons.set(addon, record);
    }
    // Nor does any function child take the ODGM or monitor name of any record in the sample.
    for (const [name, pair] of seen) {
      const record = addons.get(name);
      if (record !== undefined)
        clashes.push(`${pair} takes the addon name ${name} of ${JSON.stringify(record)}`);
    }
    if (clashes.length > 0) expect.fail(`${clashes.length} problems: ${clashes.slice(0, 5).join("; ")}`);
    expect(seen.size).to.be.greaterThan(runs / 4); // the sample really held many distinct pairs
  });
});
