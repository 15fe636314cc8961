// The README's variable table is the operator's reference: it must list exactly the
// variables the parser reads, with the defaults the parser really uses.
import { readFileSync } from "node:fs";
import { expect } from "chai";
import { parseCrmConfig, profiles, vars, type Profile, type VariableName } from "../../src/index.ts";
import { env, fieldOf, ready } from "./fixtures.ts";

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
// Rows look like: | `NAME` | dev | edge | full | meaning | consumer |
const rows = new Map(
  readme
    .split("\n")
    .filter((line) => line.startsWith("| `"))
    .map((line) =>
      line
        .split("|")
        .slice(1, -1)
        .map((cell) => cell.trim()),
    )
    .map((cells) => [cells[0]?.replaceAll("`", "") ?? "", cells] as const),
);

/** How the README writes a default: `text`, a bare number or boolean, or – for none. */
function written(value: unknown): string {
  if (value === undefined) return "–";
  if (typeof value === "string") return `\`${value}\``;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  // Objects (match labels) default to empty, written as none.
  return typeof value === "object" && value !== null && Object.keys(value).length === 0
    ? "–"
    : JSON.stringify(value);
}

describe("config: README table", function () {
  it("lists exactly the variables the parser reads", function () {
    expect([...rows.keys()].sort()).to.deep.equal(Object.values(vars).sort());
  });

  it("every row names a consumer", function () {
    for (const [name, cells] of rows)
      expect(cells[5], name).to.match(
        /ingress|templates|analyzer|enforcer|watcher|reconciler|dashboard|all roles/,
      );
  });

  for (const p of profiles) {
    it(`defaults of profile ${p} match the parser`, function () {
      const config = parseCrmConfig(env(...ready(p)));
      const column = 1 + profiles.indexOf(p);
      for (const name of Object.values(vars)) {
        if (name === vars.profile || isRequiredInput(name, p)) continue;
        const cell = rows.get(name)?.[column] ?? "";
        expect(cell.split(" ")[0], `${name} (${p})`).to.equal(written(fieldOf[name as VariableName](config)));
      }
    });
  }
});

/** Variables the fixture sets because the profile needs them: their default is "none". */
function isRequiredInput(name: string, p: Profile): boolean {
  const tls: string[] = [vars.tlsCertFile, vars.tlsKeyFile, vars.tlsCaFile];
  return (
    (p !== "dev" && (tls.includes(name) || name === vars.authTokensFile)) ||
    (p === "full" && name === vars.promUrl)
  );
}
