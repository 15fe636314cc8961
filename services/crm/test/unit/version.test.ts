// The version is fixed when the CRM is bundled, not read from package.json at run time.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { expect } from "chai";
import { build } from "esbuild";
import pkg from "../../package.json" with { type: "json" };

const entry = new URL("../../src/version.ts", import.meta.url).pathname;

async function bundled(define: Record<string, string>): Promise<{ code: string; version: unknown }> {
  // The bundle lives far from the source tree: a run-time read of package.json would fail there.
  const dir = mkdtempSync(path.join(tmpdir(), "crm-version-"));
  try {
    const outfile = path.join(dir, "version.mjs");
    await build({
      entryPoints: [entry],
      bundle: true,
      format: "esm",
      platform: "node",
      outfile,
      define,
      logLevel: "silent",
    });
    const code = readFileSync(outfile, "utf8");
    const mod = (await import(pathToFileURL(outfile).href)) as { crmVersion: unknown };
    return { code, version: mod.crmVersion };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("crm version: injected at build time", function () {
  it("a bundle carries package.json's version without reading files", async function () {
    const { code, version } = await bundled({});
    expect(version).to.equal(pkg.version);
    expect(code).not.to.match(/readFileSync|from\s+["'][^"']*package\.json/);
  });

  it("esbuild's define OAAS_CRM_VERSION wins", async function () {
    const { version } = await bundled({ OAAS_CRM_VERSION: JSON.stringify("1.2.3-rc.1+g1234abc") });
    expect(version).to.equal("1.2.3-rc.1+g1234abc");
  });
});
