import { expect } from "chai";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { buf, repoRoot } from "../buf.js";

const genDir = "packages/proto/src/gen";
const baseline = "packages/proto/baseline/contract.binpb";

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

describe("proto: buf", function () {
  it("committed generated code matches a fresh buf generate", function () {
    const tmp = mkdtempSync(path.join(tmpdir(), "oaas-proto-gen-"));
    try {
      // --output re-roots buf.gen.yaml's out, so the fresh copy lands in tmp/<genDir>.
      buf("generate", "--output", tmp);
      const fresh = path.join(tmp, genDir);
      const committed = path.join(repoRoot, genDir);
      const hint = "run `npm run proto:gen` and commit the result";
      expect(listFiles(committed), `files under ${genDir} differ; ${hint}`).to.deep.equal(listFiles(fresh));
      for (const file of listFiles(fresh)) {
        const same = readFileSync(path.join(fresh, file)).equals(readFileSync(path.join(committed, file)));
        expect(same, `${genDir}/${file} is stale; ${hint}`).to.be.true;
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it("buf lint passes", function () {
    buf("lint");
  });

  it("buf breaking against the committed baseline passes", function () {
    buf("breaking", "--against", baseline);
  });
});
