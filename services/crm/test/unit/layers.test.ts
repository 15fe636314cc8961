// The CRM's folders import only downward (the layering in the README's architecture
// notes): entry points, then roles, then the roles' engines (which never import each
// other), then deployments, then the leaves. Read from the source's import statements.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect } from "chai";

const src = path.join(import.meta.dirname, "../../src");
/** Higher imports lower; equal ranks (peers) never import each other. */
const rank: Readonly<Record<string, number>> = {
  "(entry)": 5,
  roles: 4,
  ingress: 3,
  dashboard: 3,
  watcher: 3,
  reconciler: 3,
  analyzer: 3,
  enforcer: 3,
  deployments: 2,
  children: 1,
  health: 1,
  process: 1,
  workers: 1,
};

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sources(path.join(dir, entry.name))
      : entry.name.endsWith(".ts")
        ? [path.join(dir, entry.name)]
        : [],
  );
}

/** The folder of a source file under src ("(entry)" for the files at its root). */
function folderOf(file: string): string {
  const parts = path.relative(src, file).split(path.sep);
  return parts.length > 1 ? (parts[0] ?? "") : "(entry)";
}

/** `from -> to (file)` for every relative import that crosses folders. */
function crossings(): { from: string; to: string; where: string }[] {
  return sources(src).flatMap((file) =>
    [...readFileSync(file, "utf8").matchAll(/(?:import|export)[^;]*?from\s+"(\.[^"]+)"/gs)].flatMap(
      (match) => {
        const target = path.resolve(path.dirname(file), match[1] ?? "");
        const from = folderOf(file);
        const to = folderOf(target);
        return from === to ? [] : [{ from, to, where: path.relative(src, file) }];
      },
    ),
  );
}

describe("crm: folders import only downward", function () {
  const found = crossings();

  it("every folder has a rank", function () {
    const folders = new Set(sources(src).map(folderOf));
    expect([...folders].filter((f) => rank[f] === undefined)).to.deep.equal([]);
  });

  it("no import runs up or sideways", function () {
    const wrong = found
      .filter(({ from, to }) => (rank[from] ?? 0) <= (rank[to] ?? 0))
      .map(({ from, to, where }) => `${where}: ${from} -> ${to}`);
    expect(wrong).to.deep.equal([]);
  });

  it("the check sees imports across folders (so it could fail)", function () {
    expect(found.some(({ from, to }) => from === "roles" && to === "watcher")).to.equal(true);
  });
});
