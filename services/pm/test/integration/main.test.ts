// The `pm` program as a process: a bad or unknown setting exits 1 naming it; a good
// one serves until SIGTERM and then exits 0.
import { spawn } from "node:child_process";
import path from "node:path";
import { freePort, repoRoot, waitFor } from "@oaas/testkit";
import { expect } from "chai";

function pm(env: Record<string, string>) {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) =>
        !/^(OPRC_PM_|CRM_|ETCD_|DEPLOY_|SERVER_|STORAGE_|METRICS_|TRACING_|PACKAGE_|OBSERVABILITY_)/.test(k),
    ),
  );
  const child = spawn(process.execPath, ["--import", "tsx", path.join(repoRoot, "services/pm/src/main.ts")], {
    cwd: repoRoot,
    env: { ...clean, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  return { child, exited, output: () => output };
}

describe("pm program", function () {
  this.timeout(90_000);

  it("exits 1 naming an unknown and an invalid variable", async function () {
    const run = pm({ CRM_DEFAULT_URLL: "http://x", SERVER_PORT: "http" });
    expect(await run.exited).to.equal(1);
    expect(run.output()).to.contain('CRM_DEFAULT_URLL="http://x": unknown variable');
    expect(run.output()).to.contain("SERVER_PORT");
  });

  it("refuses to start with no authentication configured, naming the settings to change", async function () {
    const run = pm({ SERVER_PORT: "0" });
    expect(await run.exited).to.equal(1);
    expect(run.output()).to.contain("OPRC_PM_AUTH_TOKENS_FILE");
    expect(run.output()).to.contain("OPRC_PM_AUTH_DISABLED=true");
  });

  it("serves on SERVER_PORT, logs JSON, and stops on SIGTERM with exit 0 (authentication disabled: warned)", async function () {
    const port = await freePort();
    const run = pm({ SERVER_PORT: String(port), SERVER_HOST: "127.0.0.1", OPRC_PM_AUTH_DISABLED: "true" });
    try {
      await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/health`)).status === 200, {
        description: "pm to serve /health",
        timeoutMs: 60_000,
      });
      expect((await fetch(`http://127.0.0.1:${port}/ready`)).status).to.equal(200);
      run.child.kill("SIGTERM");
      expect(await run.exited).to.equal(0);
      const lines = run
        .output()
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as { message: string; level: string });
      expect(lines.map((l) => l.message)).to.include.members(["pm listening", "stopping", "stopped"]);
      expect(lines.find((l) => l.message.startsWith("authentication is disabled"))?.level).to.equal("warn");
    } finally {
      if (run.child.exitCode === null) run.child.kill("SIGKILL");
    }
  });
});
