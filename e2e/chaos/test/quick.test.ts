// The chaos suite's quick mode (npm test): a private cluster, Redis and PM etcd, the CRM
// in roles mode and the PM behind a TCP proxy; a fault-free baseline, then one scenario
// per fault, each judged by the end-state oracles (I1, I2, I3, I5; the zombie watcher's
// enqueues for I6). A fault with a known, reported issue (faults.ts knownIssue) is
// skipped unless named. A failure prints the seed, the fault timeline and the ledger slice;
// OAAS_CHAOS_SEED=<n> replays a run, OAAS_CHAOS_SCENARIOS=a,b runs only those faults,
// OAAS_CHAOS_OUT=<dir> keeps the ledger and the figures JSON there.
import path from "node:path";
import { expect } from "chai";
import { frontDoors, type FrontDoors } from "../clients.ts";
import { faults } from "../faults.ts";
import { Ledger } from "../ledger.ts";
import { ReconcileCounter } from "../reconcile-counter.ts";
import { failureReport, runScenario } from "../runner.ts";
import {
  outputDir,
  quickSize,
  seedFromEnv,
  summaryLine,
  writeFigures,
  writeProcessOutputs,
} from "../suite.ts";
import { startChaosSystem, type ChaosSystem } from "../system.ts";

const seed = seedFromEnv();
const only = (process.env["OAAS_CHAOS_SCENARIOS"] ?? "").split(",").filter(Boolean);
const all = faults();
const chosen = all.filter((f) => only.length === 0 || only.includes(f.name));
/** A scenario's seed: the run's, plus the fault's place in the full list (so a filtered replay plays the same plan). */
const seedOf = (name: string) => seed + 1 + all.findIndex((f) => f.name === name);
const replay = (name: string) =>
  `OAAS_CHAOS_SEED=${seed} OAAS_CHAOS_SCENARIOS=${name} mocha e2e/chaos/test/quick.test.ts`;

describe(`e2e chaos quick mode (seed ${seed})`, function () {
  this.timeout(180_000);
  let system: ChaosSystem | undefined;
  let doors: FrontDoors | undefined;
  let counter: ReconcileCounter | undefined;
  const dir = outputDir(seed);
  const ledger = new Ledger(path.join(dir, "ledger.jsonl"));
  const runStart = Date.now();
  let baselinePerRecord: number | undefined;
  let index = 0;

  before(async function () {
    this.timeout(600_000);
    console.error(`      chaos seed ${seed}; ledger and figures in ${dir}`);
    system = await startChaosSystem({
      ...(process.env["OAAS_TEST_RUN_DIR"] ? { parentDir: process.env["OAAS_TEST_RUN_DIR"] } : {}),
    });
    doors = frontDoors(system.pm, system.role("ingress").url);
    counter = new ReconcileCounter(system);
    counter.start();
  });
  after(async function () {
    this.timeout(120_000);
    counter?.stop();
    doors?.close();
    if (system) writeProcessOutputs(dir, system);
    await system?.close();
  });

  const scenario = async (name: string, faultIndex?: number) => {
    if (!system || !doors || !counter) throw new Error("the chaos system did not start");
    const fault = faultIndex === undefined ? undefined : chosen[faultIndex];
    const result = await runScenario(system, doors, ledger, counter, runStart, {
      name,
      seed: fault ? seedOf(fault.name) : seed,
      ...quickSize,
      ...(fault ? { fault } : {}),
      ...(baselinePerRecord === undefined ? {} : { baselinePerRecord }),
    });
    const file = writeFigures(dir, index++, result);
    const logs = writeProcessOutputs(dir, system);
    console.error(`      ${summaryLine(result)}\n      figures: ${file}; process output: ${logs}`);
    return result;
  };
  /** The failure report, with where the processes' output is and the PM's tail when it is not running. */
  const report = (result: Awaited<ReturnType<typeof scenario>>) => {
    const pmDown = system?.pm.pid() === undefined;
    return [
      failureReport(result, ledger, replay(result.name)),
      `process output (stdout and stderr of the PM and every CRM role): ${path.join(dir, "logs")}`,
      ...(pmDown && system
        ? ["the PM is NOT RUNNING; its last output:", system.pm.output().slice(-4000)]
        : []),
    ].join("\n");
  };

  it("baseline: with no fault every invariant holds", async function () {
    const result = await scenario("baseline");
    baselinePerRecord = result.figures.reconciles.per_record;
    expect(result.ok, report(result)).to.equal(true);
  });

  chosen.forEach((fault, i) => {
    it(`${fault.name}: ${fault.description}; every invariant holds again after the heal`, async function () {
      // A reported, unfixed finding: only when asked for by name (the soak runs it always).
      if (fault.knownIssue !== undefined && !only.includes(fault.name)) {
        console.error(`      skipped ${fault.name}, known issue: ${fault.knownIssue}`);
        this.skip();
      }
      const result = await scenario(fault.name, i);
      expect(result.ok, report(result)).to.equal(true);
    });
  });
});
