import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { freePort, repoRoot, waitFor } from "@oaas/testkit";
import { expect } from "chai";

// The image's entry points: scripts/bundle.ts bundles the services with esbuild, and the
// bundle runs under plain node (no tsx), resolving third-party packages from node_modules.
describe("bundle: dist/crm.js and dist/pm.js", function () {
  this.timeout(120_000);
  let outdir: string;

  before(() => {
    // Inside the repository (.oaas is git-ignored) so node_modules resolves as it does from dist/.
    mkdirSync(path.join(repoRoot, ".oaas"), { recursive: true });
    outdir = mkdtempSync(path.join(repoRoot, ".oaas", "bundle-test-"));
    const built = spawnSync(process.execPath, ["--import", "tsx", "scripts/bundle.ts", "--outdir", outdir], {
      cwd: repoRoot,
      encoding: "utf8",
    });
    expect(built.status, built.stderr).to.equal(0);
  });

  after(() => {
    rmSync(outdir, { recursive: true, force: true });
  });

  it("holds our code in the entry and its chunks (the program is a chunk loaded after tracing starts)", () => {
    expect(statSync(path.join(outdir, "crm.js")).size).to.be.greaterThan(100);
    const chunks = readdirSync(path.join(outdir, "chunks")).filter((f) => f.endsWith(".js"));
    const size = chunks.reduce((sum, f) => sum + statSync(path.join(outdir, "chunks", f)).size, 0);
    expect(size).to.be.greaterThan(10_000);
    // ioredis is imported by a chunk, never by the entry: else it would load before the tracing hook.
    expect(readFileSync(path.join(outdir, "crm.js"), "utf8")).not.to.match(/from\s*["']ioredis["']/);
  });

  it("no run-time import of @kubernetes/client-node in the CRM or the PM (it costs ~80 MiB resident; types only)", () => {
    // Third-party packages stay external, so every run-time import of one is an import
    // statement in the output; type-only imports are erased.
    const files = [
      ...readdirSync(outdir).filter((f) => f.endsWith(".js")),
      ...readdirSync(path.join(outdir, "chunks"))
        .filter((f) => f.endsWith(".js"))
        .map((f) => path.join("chunks", f)),
    ];
    expect(files).to.include.members(["crm.js", "pm.js"]);
    const importing = files.filter((f) =>
      /(?:from\s*|import\s*\(\s*|require\s*\(\s*|import\s+)["']@kubernetes\/client-node/.test(
        readFileSync(path.join(outdir, f), "utf8"),
      ),
    );
    expect(importing).to.deep.equal([]);
  });

  it("starts under plain node: no role prints the usage and exits 2", () => {
    const run = spawnSync(process.execPath, [path.join(outdir, "crm.js")], { encoding: "utf8", env: {} });
    expect(run.stderr).to.match(/^usage: crm <[a-z|]*ingress[a-z|]*>/m);
    expect(run.stderr).to.include("crds");
    expect(run.status).to.equal(2);
  });

  it("dist/pm.js starts under plain node and answers /ready (its ajv 8 is a nested copy, bundled: the root holds ajv 6)", async () => {
    const dir = mkdtempSync(path.join(outdir, "pm-"));
    const tokens = path.join(dir, "tokens.csv");
    writeFileSync(tokens, "0123456789abcdef0123456789abcdef,admin,admin\n", { mode: 0o600 });
    const port = await freePort();
    const pm = spawn(process.execPath, [path.join(outdir, "pm.js")], {
      env: {
        PATH: process.env["PATH"] ?? "",
        SERVER_HOST: "127.0.0.1",
        SERVER_PORT: String(port),
        STORAGE_TYPE: "memory",
        OPRC_PM_AUTH_TOKENS_FILE: tokens,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    pm.stdout.on("data", (d: Buffer) => (output += d.toString()));
    pm.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const exited = new Promise((resolve) => pm.once("exit", resolve));
    try {
      await waitFor(
        async () => {
          if (pm.exitCode !== null) throw new Error(`pm exited ${pm.exitCode}: ${output}`);
          return (await fetch(`http://127.0.0.1:${port}/ready`).catch(() => undefined))?.status === 200;
        },
        { description: "dist/pm.js to answer /ready 200", timeoutMs: 60_000, intervalMs: 200 },
      );
    } finally {
      pm.kill("SIGTERM");
      await exited;
    }
  });

  it("refuses a bad configuration with exit 1 (the role path loads @oaas/config from the bundle)", () => {
    const run = spawnSync(process.execPath, [path.join(outdir, "crm.js"), "ingress"], {
      encoding: "utf8",
      env: { OPRC_CRM_SECURITY_MLTS: "true" },
    });
    expect(run.stderr).to.match(/invalid configuration[\s\S]*OPRC_CRM_SECURITY_MLTS/);
    expect(run.status).to.equal(1);
  });
});
