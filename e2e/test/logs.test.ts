// Logs a pipeline can parse, quiet when nothing happens, with real processes: the CRM as
// `npm start -- --roles` runs it (ingress, watcher, reconciler and dashboard, four
// processes at the info level) on a private redis-server, and the PM refreshing the
// status of every stored deployment each second.
// - idle: N deployments stored and Available, the PM reading each one's status on every
//   refresh: no process logs an info line (a read is debug; the ingress used to log one
//   info line per read, ~170 a minute at 56 deployments);
// - a 15 s Redis outage (the server SIGKILLed and started again on its port): each
//   process logs at most 10 lines meanwhile (the dashboard used to print 552 raw
//   ECONNREFUSED stacks), each Redis user says "redis connection lost" and "redis
//   connection restored" once, with the failed attempts and the duration, and counts them
//   in oaas_connection_failures_total / oaas_connection_up; work flows again afterwards;
// - throughout: every line every process wrote is one JSON object.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  createTestNamespace,
  freePort,
  installCrdWithCrm,
  startCrm,
  startPmProcess,
  startPrivateRedis,
  testCluster,
  waitCrmChildReady,
  waitFor,
  type CrmChild,
  type PmProcess,
  type PrivateRedis,
  type TestNamespace,
} from "@oaas/testkit";
import { expect } from "chai";

const roleNames = ["ingress", "watcher", "reconciler", "dashboard"] as const;
type Role = (typeof roleNames)[number];
/** Every role uses Redis here: the ingress writes each Deploy's "accepted" history entry. */
const redisUsers: readonly Role[] = roleNames;
const deployments = 8;
const outageMs = 15_000;

type Line = Record<string, unknown> & { level: string; message: string };

/** Every complete line of `text` as JSON; throws naming the first line that is not one object. */
function jsonLines(text: string, who: string): Line[] {
  const complete = text.slice(0, text.lastIndexOf("\n") + 1);
  return complete
    .split("\n")
    .filter((l) => l !== "")
    .map((line) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        throw new Error(`${who} wrote a line that is not JSON: ${line.slice(0, 300)}`);
      }
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
        throw new Error(`${who} wrote a line that is not a JSON object: ${line.slice(0, 300)}`);
      return parsed as Line;
    });
}

/** A sample of a Prometheus text exposition, 0 when absent. */
function sample(text: string, name: string, labels: RegExp): number {
  for (const line of text.split("\n"))
    if (line.startsWith(`${name}{`) && labels.test(line)) return Number(line.split(" ").at(-1));
  return 0;
}

describe("e2e: JSON logs, quiet at idle and through a Redis outage (CRM roles + PM)", function () {
  this.timeout(120_000);
  let redis: PrivateRedis | undefined;
  let ns: TestNamespace | undefined;
  let pm: PmProcess | undefined;
  let authDir = "";
  const roles = new Map<Role, CrmChild>();
  let dashboardPort = 0;

  /** Each process's whole output so far (JSON lines), by name. */
  const outputs = (): Map<string, string> => {
    const all = new Map<string, string>();
    for (const [role, child] of roles) all.set(role, child.output());
    if (pm) all.set("pm", pm.output());
    return all;
  };
  /** Where each process's output stands now. */
  const mark = (): Map<string, number> => new Map([...outputs()].map(([who, text]) => [who, text.length]));
  /** The lines each process wrote since `from`. */
  const since = (from: Map<string, number>): Map<string, Line[]> =>
    new Map([...outputs()].map(([who, text]) => [who, jsonLines(text.slice(from.get(who) ?? 0), who)]));
  const pmJson = async (
    method: string,
    route: string,
    body?: unknown,
  ): Promise<{ status: number; json: unknown }> => {
    const res = await fetch(`${pm?.url}/api/v1${route}`, {
      method,
      headers: {
        authorization: `Bearer ${pm?.token ?? ""}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, json: text ? (JSON.parse(text) as unknown) : undefined };
  };
  const condition = async (key: string): Promise<string> =>
    ((await pmJson("GET", `/deployments/${key}`)).json as { condition?: string }).condition ?? "";
  const deploy = async (key: string): Promise<void> => {
    const res = await pmJson("POST", "/deployments", {
      key,
      package_name: "logs",
      class_key: "cart",
      target_env: "dev",
      target_clusters: ["default"],
    });
    expect(res.status, JSON.stringify(res.json)).to.equal(201);
  };
  const metricsOf = async (port: number): Promise<string> =>
    (await fetch(`http://127.0.0.1:${port}/metrics`)).text();

  before(async function () {
    this.timeout(150_000);
    const { kubeconfig } = await testCluster();
    [redis, ns] = await Promise.all([
      startPrivateRedis(),
      createTestNamespace("logs"),
      installCrdWithCrm(kubeconfig),
    ]);
    authDir = fs.mkdtempSync(path.join(os.tmpdir(), "oaas-logs-auth-"));
    fs.writeFileSync(path.join(authDir, "credentials"), "ops:secret\n", { mode: 0o600 });
    dashboardPort = await freePort();
    const env = {
      KUBECONFIG: kubeconfig,
      OPRC_CRM_PROFILE: "dev",
      // npm start's level (scripts/start-local.sh): info.
      OPRC_CRM_LOG: "info",
      OPRC_CRM_K8S_NAMESPACE: ns.name,
      OPRC_CRM_REDIS_URL: redis.url,
      OPRC_CRM_QUEUE_PREFIX: `logs-${ns.name}`,
      OPRC_CRM_LEASE_NAME: `watcher-${ns.name}`,
      OPRC_CRM_DASHBOARD_PORT: String(dashboardPort),
      OPRC_CRM_DASHBOARD_AUTH_FILE: path.join(authDir, "credentials"),
      OPRC_CRM_ENV_AVAILABILITY_OVERRIDE: "0.9",
    };
    for (const role of roleNames) roles.set(role, await startCrm([role], env));
    const readiness = [...roles].map(([role, child]) =>
      role === "dashboard"
        ? waitFor(
            async () => {
              if (child.child.exitCode !== null)
                throw new Error(`dashboard exited:\n${child.output().slice(-2000)}`);
              return (
                (await fetch(`http://127.0.0.1:${dashboardPort}/readyz`).catch(() => undefined))?.status ===
                200
              );
            },
            { description: "the dashboard ready", timeoutMs: 90_000, intervalMs: 250 },
          )
        : waitCrmChildReady(child, 90_000),
    );
    await Promise.all(readiness);
    pm = await startPmProcess({
      LOG_LEVEL: "info",
      STORAGE_TYPE: "memory",
      OPRC_PM_CRM_CLUSTERS: "default",
      OPRC_PM_CRM_DEFAULT_URL: roles.get("ingress")?.url ?? "",
      OPRC_PM_CRM_DEFAULT_CLUSTER: "default",
      OPRC_PM_STATUS_REFRESH_SECS: "1",
    });
  });

  after(async function () {
    this.timeout(60_000);
    await pm?.stop();
    // A role that does not drain in 10 s (a failed test may leave Redis down) is killed.
    await Promise.all(
      [...roles.values()].map(async (r) => {
        const timer = setTimeout(() => r.child.kill("SIGKILL"), 10_000);
        await r.stop();
        clearTimeout(timer);
      }),
    );
    await redis?.close();
    await ns?.cleanup();
    if (authDir) fs.rmSync(authDir, { recursive: true, force: true });
  });

  it(`idle with ${deployments} deployments and the PM refreshing each second: no process logs an info line`, async function () {
    const created = await pmJson("POST", "/packages", {
      name: "logs",
      version: "1.0.0",
      classes: [{ key: "cart", function_bindings: [{ name: "add", function_key: "cart-add" }] }],
      functions: [
        { key: "cart-add", provision_config: { container_image: "ghcr.io/oaas/echo:1", port: 8080 } },
      ],
    });
    expect(created.status, JSON.stringify(created.json)).to.equal(201);
    const keys = Array.from({ length: deployments }, (_, i) => `idle-${i}`);
    for (const key of keys) await deploy(key);
    await waitFor(async () => (await Promise.all(keys.map(condition))).every((c) => c === "RUNNING"), {
      description: `${deployments} deployments RUNNING in the PM`,
      timeoutMs: 60_000,
      intervalMs: 500,
    });
    const ingressPort = roles.get("ingress")?.port ?? 0;
    const reads = async () =>
      sample(await metricsOf(ingressPort), "grpc_server_handled_total", /grpc_method="GetDeploymentStatus"/);
    /** Lines above debug in a window of two PM refreshes (every deployment read twice). */
    const window = async (): Promise<string[]> => {
      const from = mark();
      const before = await reads();
      await waitFor(async () => (await reads()) >= before + 2 * deployments, {
        description: "two PM refreshes of every deployment",
        timeoutMs: 30_000,
        intervalMs: 250,
      });
      return [...since(from)].flatMap(([who, l]) =>
        l
          .filter((x) => x.level !== "debug")
          .map((x) => `${who}: ${x.level} ${x.message} ${JSON.stringify(x)}`),
      );
    };
    // The deploys' last state changes (a condition the PM stores, a status the reconciler
    // writes) may still land in the first window; idle is the first window without them.
    // A line per read would be in every window, so this never passes by waiting.
    const settling: string[] = [];
    let loud: string[] = [];
    for (let i = 0; i < 3; i++) {
      loud = await window();
      if (loud.length === 0) break;
      settling.push(...loud);
    }
    console.log(
      `      state changes before idle: ${settling.length}${settling.map((l) => `\n        ${l.slice(0, 200)}`).join("")}`,
    );
    expect(loud, "lines at info or above in each of three windows of two refreshes").to.deep.equal([]);
  });

  it(`a ${outageMs / 1000} s Redis outage: at most 10 lines per process, one "lost" and one "restored" per Redis user, counted in metrics; work flows again`, async function () {
    const from = mark();
    const killedAt = Date.now();
    await redis?.kill();
    const saw = (role: Role, message: string) => () =>
      jsonLines(
        roles
          .get(role)
          ?.output()
          .slice(from.get(role) ?? 0) ?? "",
        role,
      ).some((l) => l.message === message);
    await Promise.all(
      redisUsers.map((role) =>
        waitFor(saw(role, "redis connection lost"), {
          description: `${role}: redis connection lost`,
          timeoutMs: 10_000,
        }),
      ),
    );
    // The outage itself: Redis stays away this long (the scenario's length, not a wait for a state).
    await waitFor(() => Date.now() - killedAt >= outageMs, {
      description: "the outage's length",
      timeoutMs: outageMs + 1000,
    });
    await redis?.start();
    await Promise.all(
      redisUsers.map((role) =>
        waitFor(saw(role, "redis connection restored"), {
          description: `${role}: redis connection restored`,
          timeoutMs: 30_000,
        }),
      ),
    );
    const lines = since(from);
    for (const [who, l] of lines) {
      console.log(`      ${who}: ${l.length} lines during the outage`);
      expect(
        l.length,
        `${who} logged during the outage:\n${l.map((x) => JSON.stringify(x)).join("\n")}`,
      ).to.be.at.most(10);
    }
    for (const role of redisUsers) {
      const mine = lines.get(role) ?? [];
      expect(
        mine.filter((l) => l.message === "redis connection lost"),
        role,
      ).to.have.length(1);
      const restored = mine.filter((l) => l.message === "redis connection restored");
      expect(restored, role).to.have.length(1);
      expect(restored[0]?.["failed_attempts"], role).to.be.a("number").and.above(0);
      expect(restored[0]?.["down_seconds"], role).to.be.at.least((outageMs - 2000) / 1000);
      if (role === "reconciler") console.log(`      reconciler: ${JSON.stringify(restored[0])}`);
    }
    const reconcilerMetrics = await metricsOf(roles.get("reconciler")?.port ?? 0);
    expect(sample(reconcilerMetrics, "oaas_connection_failures_total", /peer="redis"/)).to.be.above(0);
    expect(sample(reconcilerMetrics, "oaas_connection_up", /peer="redis"/)).to.equal(1);
    const dashboardMetrics = await metricsOf(dashboardPort);
    expect(sample(dashboardMetrics, "oaas_connection_failures_total", /peer="redis"/)).to.be.above(0);

    // The queues work again: a new deployment is reconciled through the restarted Redis.
    await deploy("after-outage");
    await waitFor(async () => (await condition("after-outage")) === "RUNNING", {
      description: "a deployment made after the outage RUNNING",
      timeoutMs: 60_000,
      intervalMs: 500,
    });
  });

  it("every line every process wrote, from start to now, is one JSON object", function () {
    let total = 0;
    for (const [who, text] of outputs()) {
      const lines = jsonLines(text, who);
      expect(lines.length, `${who} logged something`).to.be.above(0);
      for (const line of lines)
        expect(line, `${who}: ${JSON.stringify(line)}`).to.include.keys("level", "message");
      total += lines.length;
    }
    console.log(`      ${total} lines, all JSON`);
  });
});
