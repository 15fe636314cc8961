// The chaos soak: `npm run chaos -- --seed N --duration 4h [--out DIR]`. One system for
// the whole run; scenarios back to back, each a fault drawn at random from the seed (one
// in four a quiet window with no fault), judged by the oracles after its heal. Writes
// the ledger and one figures JSON per scenario to the output directory, prints one line
// per scenario, and at the end the memory slope of every process (MiB per hour) and the
// scenarios that failed with their failure reports. Exits 1 when any scenario failed.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { frontDoors } from "./clients.ts";
import { faults } from "./faults.ts";
import { parseDuration, slopePerHour } from "./figures.ts";
import { Ledger } from "./ledger.ts";
import { ReconcileCounter } from "./reconcile-counter.ts";
import { failureReport, runScenario, type ScenarioResult } from "./runner.ts";
import { outputDir, quickSize, summaryLine, writeFigures, writeProcessOutputs } from "./suite.ts";
import { roleNames, startChaosSystem, type ChaosSystem } from "./system.ts";

/** Resident memory of a process in MiB (/proc/<pid>/status VmRSS); undefined when it is gone. */
function rssMiB(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}

function sampleMemory(
  system: ChaosSystem,
  at: number,
  samples: Map<string, { t: number; y: number }[]>,
): void {
  const pids: [string, number | undefined][] = [
    ...roleNames.map((r): [string, number | undefined] => [`crm-${r}`, system.role(r).child.pid]),
    ["pm", system.pm.pid()],
  ];
  for (const [name, pid] of pids) {
    const y = rssMiB(pid);
    if (y !== undefined) samples.set(name, [...(samples.get(name) ?? []), { t: at, y }]);
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      seed: { type: "string" },
      duration: { type: "string", default: "4h" },
      out: { type: "string" },
    },
  });
  const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`--seed must be a non-negative integer`);
  const durationMs = parseDuration(values.duration);
  if (values.out !== undefined) process.env["OAAS_CHAOS_OUT"] = values.out;
  const dir = outputDir(seed);
  console.log(`chaos soak: seed ${seed}, duration ${values.duration}, output ${dir}`);
  const rng = xoroshiro128plus(seed);
  const all = faults();
  const ledger = new Ledger(path.join(dir, "ledger.jsonl"));
  const system = await startChaosSystem({ log: (m) => console.log(`  ${m}`) });
  const doors = frontDoors(system.pm, system.role("ingress").url);
  const counter = new ReconcileCounter(system);
  counter.start();
  const runStart = Date.now();
  const memory = new Map<string, { t: number; y: number }[]>();
  const failed: ScenarioResult[] = [];
  let baselinePerRecord: number | undefined;
  let index = 0;
  try {
    while (Date.now() - runStart < durationMs) {
      // One in four draws past the faults: a quiet window.
      const draw = uniformInt(rng, 0, Math.floor((all.length * 4) / 3));
      const fault = index === 0 ? undefined : all[draw];
      const result = await runScenario(system, doors, ledger, counter, runStart, {
        name: fault?.name ?? "quiet",
        seed: seed + index,
        ...quickSize,
        ...(fault ? { fault } : {}),
        ...(baselinePerRecord === undefined ? {} : { baselinePerRecord }),
      });
      if (fault === undefined && baselinePerRecord === undefined)
        baselinePerRecord = result.figures.reconciles.per_record;
      writeFigures(dir, index++, result);
      writeProcessOutputs(dir, system);
      sampleMemory(system, Date.now() - runStart, memory);
      console.log(summaryLine(result));
      if (!result.ok) {
        failed.push(result);
        console.log(failureReport(result, ledger, `npm run chaos -- --seed ${seed} (scenario ${index - 1})`));
      }
    }
  } finally {
    counter.stop();
    doors.close();
    writeProcessOutputs(dir, system);
    await system.close();
  }
  const slopes = Object.fromEntries([...memory].map(([name, points]) => [name, slopePerHour(points)]));
  writeFileSync(
    path.join(dir, "summary.json"),
    `${JSON.stringify({ seed, scenarios: index, failed: failed.map((f) => f.name), rss_mib_per_hour: slopes }, null, 2)}\n`,
  );
  console.log(`memory slope (MiB/hour): ${JSON.stringify(slopes)}`);
  console.log(
    `${index - failed.length} scenarios passed, ${failed.length} failed (seed ${seed}, output ${dir})`,
  );
  return failed.length === 0 ? 0 : 1;
}

process.exitCode = await main();
