// The newcomer's path on this machine: scripts/start-local.sh (npm start) ends with the
// sample class Available and `oaasctl status` showing it; scripts/stop-local.sh (npm run
// stop) leaves none of the processes it started. Both modes: `crm all`, and --roles
// (ingress, watcher, reconciler, analyzer, dashboard as five processes); both with the
// local Prometheus and its synthetic exporter, and the sample's recommendations. To run beside other work
// the script gets its own run directory, ports, namespace and queue prefix, and the
// shared test cluster (OAAS_KUBECONFIG: not started, never stopped by the script).
// Processes are counted by their environment: every one the script started inherits
// OAAS_LOCAL_DIR=<this suite's directory>, and nothing else on the machine has it.
// Time: `crm all` with a second start about 100 s, --roles about 70 s on the 2-core test
// machine when it is quiet, over 4 minutes when it is busy. `npm test` runs the `crm all`
// mode (the README's path); OAAS_E2E_START_SCRIPT=all adds --roles, =0 skips the suite.
import { spawn } from "node:child_process";
import fs from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import {
  createTestNamespace,
  freePort,
  repoRoot,
  testCluster,
  testRedis,
  waitFor,
  type TestNamespace,
  type TestRedis,
} from "@oaas/testkit";
import { parseUsersFile } from "@oaas/auth";
import { deploymentRecordType } from "@oaas/crd";
import { deleteObject } from "@oaas/kube";
import { expect } from "chai";
import { list } from "./support/kube.ts";
import { listeningAddresses } from "./support/listeners.ts";
import { oaasctlOk } from "./support/oaasctl.ts";

/** Pids of the processes whose environment holds OAAS_LOCAL_DIR=dir. */
function startedUnder(dir: string): number[] {
  const mark = `OAAS_LOCAL_DIR=${dir}\0`;
  return fs.readdirSync("/proc").flatMap((entry) => {
    if (!/^\d+$/.test(entry)) return [];
    try {
      return fs.readFileSync(`/proc/${entry}/environ`, "latin1").includes(mark) ? [Number(entry)] : [];
    } catch {
      return []; // gone meanwhile, or not ours to read
    }
  });
}

/**
 * startedUnder without tsx's esbuild helpers (`esbuild --service`): a node process that
 * compiles a file missing from tsx's cache keeps one as its child, which ends with it.
 */
function workersUnder(dir: string): number[] {
  return startedUnder(dir).filter((pid) => !/esbuild\S* --service/.test(commands([pid])[0] ?? ""));
}

/** Command lines of the given pids (for messages). */
function commands(pids: readonly number[]): string[] {
  return pids.map((pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
    } catch {
      return `${pid} (gone)`;
    }
  });
}

/**
 * SIGKILLs the pid a pid file of the run directory names, only that pid, as a user's
 * `kill -9 $(cat crm-reconciler.pid)` does; then waits until no process started under
 * `dir` has `command` in its command line (a wrapper's orphaned child would keep it).
 */
async function killRecorded(dir: string, pidFile: string, command: string): Promise<void> {
  process.kill(Number(fs.readFileSync(path.join(dir, `${pidFile}.pid`), "utf8").trim()), "SIGKILL");
  await waitFor(() => !commands(startedUnder(dir)).some((c) => c.includes(command)), {
    description: `${pidFile} gone after SIGKILL`,
    timeoutMs: 10_000,
  });
}

function runScript(
  script: string,
  args: readonly string[],
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  const child = spawn("bash", [path.join(repoRoot, script), ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  return new Promise((resolve) => child.once("close", (code) => resolve({ code, output })));
}

describe("e2e: npm start and npm run stop (scripts/start-local.sh, stop-local.sh)", function () {
  // Each start also waits for the analyzer's first recommendations (about two intervals of 15 s).
  this.timeout(600_000);
  let dir = "";
  let namespace: TestNamespace | undefined;
  let redis: TestRedis | undefined;
  let env: Record<string, string> = {};

  before(async function () {
    if (process.env["OAAS_E2E_START_SCRIPT"] === "0") this.skip();
    const { kubeconfig } = await testCluster();
    dir = await mkdtemp(path.join(os.tmpdir(), "oaas-start-"));
    namespace = await createTestNamespace("e2e-start");
    redis = await testRedis();
    const ports = new Set<number>();
    while (ports.size < 9) ports.add(await freePort());
    const [crm, dashboard, pm, watcher, reconciler, etcd, etcdPeer, analyzer, prometheus] = [...ports].map(
      String,
    );
    env = {
      OAAS_LOCAL_DIR: dir,
      OAAS_KUBECONFIG: kubeconfig,
      OPRC_CRM_HTTP_PORT: crm ?? "",
      OPRC_CRM_DASHBOARD_PORT: dashboard ?? "",
      OAAS_PM_PORT: pm ?? "",
      OAAS_CRM_WATCHER_PORT: watcher ?? "",
      OAAS_CRM_RECONCILER_PORT: reconciler ?? "",
      OAAS_CRM_ANALYZER_PORT: analyzer ?? "",
      OAAS_PROMETHEUS_PORT: prometheus ?? "",
      OAAS_PM_ETCD_PORT: etcd ?? "",
      OAAS_PM_ETCD_PEER_PORT: etcdPeer ?? "",
      OPRC_CRM_K8S_NAMESPACE: namespace.name,
      OPRC_CRM_QUEUE_PREFIX: redis.prefix,
      // The summary prints the Redis the CRM uses, not a fixed 127.0.0.1:6379.
      OPRC_CRM_REDIS_URL: redis.url,
      OPRC_CRM_LEASE_NAME: `watcher-${redis.prefix}`,
    };
  });
  /** Runs npm start again (after a crash): it must succeed and say each of `lines`. */
  async function startAgain(args: readonly string[], lines: readonly string[]): Promise<void> {
    const again = await runScript("scripts/start-local.sh", args, env);
    expect(again.code, again.output).to.equal(0);
    for (const line of lines) expect(again.output).to.contain(line);
  }
  afterEach(async function () {
    // A failed test may leave the system up: stop it by its pid files, as a user would.
    if (startedUnder(dir).length > 0) await runScript("scripts/stop-local.sh", [], env);
  });
  after(async function () {
    await namespace?.cleanup();
    await redis?.cleanup();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  for (const mode of [
    { name: "crm all", args: [] as string[], crmProcesses: ["crm"], again: true },
    {
      name: "--roles",
      args: ["--roles"],
      crmProcesses: ["crm-ingress", "crm-watcher", "crm-reconciler", "crm-analyzer", "crm-dashboard"],
    },
  ]) {
    it(`${mode.name}: the sample Available, oaasctl status shows it, stop leaves no process`, async function () {
      const wanted = process.env["OAAS_E2E_START_SCRIPT"] ?? "1";
      if (wanted === "0" || (mode.args.length > 0 && wanted !== "all")) this.skip();
      expect(startedUnder(dir), "none before").to.deep.equal([]);
      const start = await runScript("scripts/start-local.sh", mode.args, env);
      expect(start.code, start.output).to.equal(0);
      expect(start.output).to.contain("Local system is up");
      expect(start.output).to.contain(`Redis:      ${redis?.url ?? ""} (OPRC_CRM_REDIS_URL)`);
      expect(start.output).to.not.contain("starting redis-server");
      expect(start.output).to.match(/Available=True/);
      // Tokens: made once, owner-only, named in the summary; the PM refuses a request without one.
      for (const file of [
        "pm-tokens.csv",
        "crm-tokens.csv",
        "pm-crm-token",
        "oaasctl.json",
        "metrics.header",
      ]) {
        expect(fs.statSync(path.join(dir, file)).mode & 0o777, file).to.equal(0o600);
        expect(start.output).to.contain(path.join(dir, file));
      }
      const pmBase = `http://127.0.0.1:${env["OAAS_PM_PORT"] ?? ""}`;
      expect((await fetch(`${pmBase}/api/v1/deployments`)).status).to.equal(401);
      // Local only: the PM, the CRM and the dashboard bind the loopback interface (tokens and
      // the dashboard's password travel in plain HTTP).
      const localPorts = ["OAAS_PM_PORT", "OPRC_CRM_HTTP_PORT", "OPRC_CRM_DASHBOARD_PORT"].concat(
        mode.args.length > 0
          ? ["OAAS_CRM_WATCHER_PORT", "OAAS_CRM_RECONCILER_PORT", "OAAS_CRM_ANALYZER_PORT"]
          : [],
      );
      for (const name of localPorts)
        expect(listeningAddresses(Number(env[name])), name).to.deep.equal(["127.0.0.1"]);
      // One scrape token (role metrics) for the PM's and the CRM's /metrics, refused elsewhere.
      const scrape = fs.readFileSync(path.join(dir, "metrics.header"), "utf8").trim().split(": ")[1] ?? "";
      const crmBase = `http://127.0.0.1:${env["OPRC_CRM_HTTP_PORT"] ?? ""}`;
      for (const url of [`${pmBase}/metrics`, `${crmBase}/metrics`])
        expect((await fetch(url, { headers: { authorization: scrape } })).status, url).to.equal(200);
      expect(
        (await fetch(`${pmBase}/api/v1/deployments`, { headers: { authorization: scrape } })).status,
      ).to.equal(403);
      // The dashboard's one local user may use Bull Board's actions (role admin, not read-only).
      const dashboardUsers = parseUsersFile(
        fs.readFileSync(path.join(dir, "dashboard-auth"), "utf8"),
        "viewer",
      );
      expect([...dashboardUsers.users].map(([user, entry]) => `${user}:${entry.role}`)).to.deep.equal([
        "admin:admin",
      ]);
      const [[dashUser, dashEntry] = ["", { password: "" }]] = [...dashboardUsers.users];
      const basic = `Basic ${Buffer.from(`${dashUser}:${dashEntry.password}`).toString("base64")}`;
      const queues = await fetch(`http://127.0.0.1:${env["OPRC_CRM_DASHBOARD_PORT"] ?? ""}/api/queues`, {
        headers: { authorization: basic },
      });
      expect(queues.status).to.equal(200);
      const board = (await queues.json()) as { queues: { name: string; readOnlyMode?: boolean }[] };
      expect(board.queues.length).to.be.above(0);
      for (const queue of board.queues) expect(queue.readOnlyMode, queue.name).to.equal(false);
      const pidFiles = fs
        .readdirSync(dir)
        .filter((f) => f.endsWith(".pid"))
        .map((f) => f.slice(0, -4))
        .sort();
      expect(pidFiles).to.deep.equal(
        [...mode.crmProcesses, "pm", "pm-etcd", "prometheus", "metrics-exporter"].sort(),
      );
      // The analyzer's recommendations for the sample, from the local Prometheus' series.
      expect(start.output).to.match(/NfrObserved=True/);
      expect(start.output).to.match(/\S+ (replicas|cpu|memory): \d+ \(confidence/);
      const running = workersUnder(dir);
      // Each pid file names the process that does the work (node itself, no tsx wrapper
      // whose child a kill -9 of the recorded pid would orphan): one process apiece.
      expect(
        commands(running).sort(),
        `one process per pid file: ${commands(running).join(" | ")}`,
      ).to.have.length(pidFiles.length);
      for (const name of pidFiles) {
        const pid = Number(fs.readFileSync(path.join(dir, `${name}.pid`), "utf8").trim());
        const want: Record<string, RegExp> = {
          "pm-etcd": /etcd/,
          prometheus: /^prometheus --config\.file=/,
          "metrics-exporter": /^\S*node --import tsx \S*metrics-exporter\.ts/,
        };
        expect(commands([pid])[0], name).to.match(want[name] ?? /^\S*node --import tsx \S*main\.ts/);
      }

      if (mode.again) {
        // A second start reuses what runs: no new process.
        const again = await runScript("scripts/start-local.sh", mode.args, env);
        expect(again.code, again.output).to.equal(0);
        expect(again.output).to.contain("CRM already running");
        expect(again.output).to.contain("PM already running");
        expect(again.output).to.contain("sample class already deployed");
        expect(workersUnder(dir).sort()).to.deep.equal(running.sort());

        // The PM stores in the local etcd: killed and started again, it still has the
        // sample package and deployment, so the start deploys nothing anew.
        await killRecorded(dir, "pm", "services/pm/src/main.ts");
        await startAgain(mode.args, [
          "starting the Package Manager",
          "PM's etcd already running",
          "sample package already stored",
          "sample class already deployed",
        ]);

        // The cluster lost the record while the PM kept it (npm run stop deletes the local
        // cluster, not the PM's store): the next start sends the stored deployment again
        // instead of waiting for a record that will never come.
        const ns = namespace?.name ?? "";
        const { kube } = await testCluster();
        for (const record of await list("records", ns))
          await deleteObject(kube, deploymentRecordType, ns, record.metadata.name);
        await waitFor(async () => (await list("records", ns)).length === 0, {
          description: "the sample's record gone from the cluster",
          timeoutMs: 60_000,
          intervalMs: 500,
        });
        await startAgain(mode.args, ["not on this cluster", "Available=True"]);
      }
      if (mode.args.includes("--roles")) {
        // A second start restarts the role that died and reuses the others.
        await killRecorded(dir, "crm-reconciler", "main.ts reconciler");
        await startAgain(mode.args, [
          "starting the CRM reconciler",
          "CRM ingress already running",
          "CRM watcher already running",
        ]);
        // A plain start next to running roles refuses instead of starting crm all beside them.
        const mixed = await runScript("scripts/start-local.sh", [], env);
        expect(mixed.code, mixed.output).to.not.equal(0);
        expect(mixed.output).to.contain("npm run stop first");
      }

      // oaasctl as a newcomer runs it: its token from the config file npm start wrote.
      const pmUrl = { url: `http://127.0.0.1:${env["OAAS_PM_PORT"] ?? ""}`, env: { OAAS_LOCAL_DIR: dir } };
      const status = await oaasctlOk(pmUrl, ["status", "hello-greeter"]);
      expect(status.stdout).to.match(/Available/);
      const json = JSON.parse((await oaasctlOk(pmUrl, ["status", "hello-greeter", "-o", "json"])).stdout) as {
        status: string;
      };
      expect(json.status).to.equal("RUNNING");

      // Remove the sample so the next start deploys it anew (and its children go away).
      await oaasctlOk(pmUrl, ["deployment", "delete", "hello-greeter"]);
      await waitFor(async () => (await list("records", namespace?.name ?? "")).length === 0, {
        description: "the sample's record gone",
        timeoutMs: 60_000,
        intervalMs: 500,
      });
      const stop = await runScript("scripts/stop-local.sh", [], env);
      expect(stop.code, stop.output).to.equal(0);
      for (const name of pidFiles) expect(stop.output).to.contain(`stopped ${name} (pid`);
      const left = startedUnder(dir);
      expect(commands(left), "processes left after npm run stop").to.deep.equal([]);
      expect(fs.readdirSync(dir).filter((f) => f.endsWith(".pid"))).to.deep.equal([]);
    });
  }
});
