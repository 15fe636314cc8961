// The oaasctl launchers (scripts/oaasctl, services/cli/bin/oaasctl) from outside the
// checkout: `node --import tsx` resolved tsx from the caller's directory, so oaasctl run
// from /tmp ended in ERR_MODULE_NOT_FOUND and a Node stack trace.
import { execFile } from "node:child_process";
import { mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";

const run = promisify(execFile);
const root = resolve(import.meta.dirname, "../../../..");

describe("oaasctl launchers from any directory", function () {
  this.timeout(60_000);
  let elsewhere = "";
  before(async function () {
    // A space in the path: the loader's path must survive it.
    elsewhere = await mkdtemp(join(tmpdir(), "oaasctl launcher "));
    await symlink(join(root, "scripts/oaasctl"), join(elsewhere, "oaasctl-scripts"));
    await symlink(join(root, "services/cli/bin/oaasctl"), join(elsewhere, "oaasctl-bin"));
  });
  after(async function () {
    await rm(elsewhere, { recursive: true, force: true });
  });

  const launchers: [string, () => string][] = [
    ["scripts/oaasctl", () => join(root, "scripts/oaasctl")],
    ["services/cli/bin/oaasctl", () => join(root, "services/cli/bin/oaasctl")],
    ["a symlink to scripts/oaasctl", () => join(elsewhere, "oaasctl-scripts")],
    ["a symlink to services/cli/bin/oaasctl", () => join(elsewhere, "oaasctl-bin")],
  ];
  for (const [name, path] of launchers)
    it(`${name} --help from a directory outside the checkout prints the usage`, async function () {
      const { stdout, stderr } = await run(path(), ["--help"], { cwd: elsewhere });
      expect(stdout).to.contain("Usage: oaasctl");
      expect(stderr).to.not.contain("ERR_MODULE_NOT_FOUND");
    });

  it("a usage error from outside the checkout is one line, not a stack trace", async function () {
    const failed = await run(join(root, "scripts/oaasctl"), ["no-such-command"], { cwd: elsewhere }).then(
      () => undefined,
      (error: unknown) => error as { code: number; stderr: string },
    );
    expect(failed?.code).to.be.a("number").and.not.equal(0);
    expect(failed?.stderr).to.not.match(/ERR_MODULE_NOT_FOUND|\n\s+at /);
  });
});
