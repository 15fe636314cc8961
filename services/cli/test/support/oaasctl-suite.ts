// The ground of the oaasctl process suites (test/integration/oaasctl*.test.ts): the CLI
// bundle built once per suite, a fresh stand-in PM (pm-stub.ts) and temporary directory
// per test, the sample package and deployment of examples/hello, and the one-line error
// check every failure path shares.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { repoRoot } from "@oaas/testkit";
import { expect } from "chai";
import { parse as parseYaml } from "yaml";
import { startPmStub, type PmStub } from "./pm-stub.ts";
import { buildCli, removeCli, type CliRun } from "./run-cli.ts";

/** examples/hello/package.yaml. */
export const samplePackage = path.join(repoRoot, "examples/hello/package.yaml");
/** examples/hello/deployment.yaml. */
export const sampleDeployment = path.join(repoRoot, "examples/hello/deployment.yaml");

/** Puts the sample package into the stand-in PM without a CLI process (setup only). */
export async function seedSamplePackage(pm: PmStub): Promise<void> {
  pm.packages.set("hello", parseYaml(await readFile(samplePackage, "utf8")) as Record<string, unknown>);
}

/** Exactly one non-empty stderr line starting with "error: ". */
export function oneErrorLine(run: CliRun): string {
  const lines = run.stderr.split("\n").filter((l) => l.trim() !== "");
  expect(lines, run.stderr).to.have.length(1);
  expect(lines[0]).to.match(/^error: /);
  return lines[0] ?? "";
}

/** What each test of a suite gets: its own stand-in PM and temporary directory. */
export interface StubPmTest {
  readonly pm: PmStub;
  readonly tmp: string;
}

/**
 * Registers the hooks (call inside a describe): the CLI bundle before the suite and
 * removed after it; a stand-in PM and a temporary directory before each test, closed and
 * removed after it. Returns the current test's; read it in a beforeEach of the suite.
 */
export function useStubPmSuite(): () => StubPmTest {
  let pm: PmStub;
  let tmp: string;

  before(async function () {
    await buildCli();
  });
  after(async function () {
    await removeCli();
  });

  beforeEach(async function () {
    pm = await startPmStub();
    tmp = await mkdtemp(path.join(os.tmpdir(), "oaasctl-"));
  });
  afterEach(async function () {
    await pm.close();
    await rm(tmp, { recursive: true, force: true });
  });
  return () => ({ pm, tmp });
}
