// A burst of 1000 wrong tokens against a PM process gets only 401 and 429 (the failed-auth
// throttle per source address), the PM stays up, and the right token, sent from the same
// address during the burst, is still served, within its normal latency: a guesser cannot
// lock the real token out. The median latency before and during the burst is printed.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { startPmProcess, waitFor, type PmProcess } from "@oaas/testkit";
import { expect } from "chai";
import { send } from "../support/auth-client.ts";
import { bearer, testTokens, testTokensFile } from "../support/pm.ts";

/** 1000 guesses from 10 concurrent connections; prints `started`, then the statuses as JSON. */
const attackScript = `
const url = process.argv[1] + "/api/v1/packages";
const statuses = [];
let sent = 0;
console.log("started");
await Promise.all(Array.from({ length: 10 }, async () => {
  while (sent < 1000) {
    const n = ++sent;
    const res = await fetch(url, { headers: { authorization: "Bearer guess-" + n + "-0123456789abcdef0123" } });
    await res.arrayBuffer();
    statuses.push(res.status);
  }
}));
console.log(JSON.stringify(statuses));
`;

const median = (values: readonly number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

describe("pm auth: brute force", function () {
  this.timeout(120_000);
  let pm: PmProcess;
  let dir = "";
  before(async function () {
    dir = await mkdtemp(join(tmpdir(), "oaas-pm-brute-"));
    await writeFile(join(dir, "tokens.csv"), testTokensFile, { mode: 0o600 });
    pm = await startPmProcess({ OPRC_PM_AUTH_TOKENS_FILE: join(dir, "tokens.csv"), LOG_LEVEL: "info" });
  });
  after(async function () {
    await pm.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /** Latencies (ms) of `n` reads with the viewer token, one after another. */
  async function goodReads(n: number, statuses: number[]): Promise<number[]> {
    const took: number[] = [];
    for (let i = 0; i < n; i++) {
      const start = performance.now();
      const answer = await send(pm.url, {
        method: "GET",
        path: "/api/v1/packages",
        authorization: bearer(testTokens.viewer),
      });
      took.push(performance.now() - start);
      statuses.push(answer.status);
    }
    return took;
  }

  it("1000 wrong tokens: only 401/429, the process alive, the right token served as fast as before", async function () {
    const goodStatuses: number[] = [];
    const before = median(await goodReads(40, goodStatuses));
    // The guesser runs in its own process, so its work does not slow this one's measurements.
    const attacker = spawn(process.execPath, ["--input-type=module", "-e", attackScript, pm.url], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    attacker.stdout.on("data", (d: Buffer) => (out += d.toString()));
    const finished = new Promise((resolve) => attacker.once("exit", resolve));
    await waitFor(() => out.includes("started"), {
      description: "the guesser to start",
      timeoutMs: 10_000,
      intervalMs: 5,
    });
    // Reads for as long as the burst lasts (at least 10 of them, all during it).
    const duringReads: number[] = [];
    while (attacker.exitCode === null && attacker.signalCode === null)
      duringReads.push(...(await goodReads(1, goodStatuses)));
    await finished;
    expect(duringReads.length).to.be.greaterThan(10);
    const during = median(duringReads);
    const attack = JSON.parse(out.slice(out.indexOf("["))) as number[];
    expect(attack).to.have.length(1000);
    expect([...new Set(attack)].sort()).to.deep.equal([401, 429]);
    expect(attack.filter((s) => s === 429).length).to.be.greaterThan(900);
    expect(new Set(goodStatuses)).to.deep.equal(new Set([200]));
    expect((await send(pm.url, { method: "GET", path: "/health" })).status).to.equal(200);
    console.log(
      `      p50 of the right token: ${before.toFixed(1)} ms before, ${during.toFixed(1)} ms during the burst (${duringReads.length} reads)`,
    );
    // "Normal latency" on a shared 2-core runner: the PM also serves the ten guessing
    // connections, so a read may wait behind them; a token locked out or penalised would
    // wait the throttle's seconds. Bound: 5x the quiet median plus 100 ms.
    expect(during).to.be.lessThan(before * 5 + 100);
  });
});
