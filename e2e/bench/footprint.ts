// Benchmark (not a test): the memory footprint and startup time of what ships.
// For the bundle of each CRM role, of `crm all` and of the PM: resident memory and V8 heap
// when /readyz first answers 200 ("start") and after a settle period with nothing to do
// ("idle"), and the time from spawn to that first 200. Then what each heavy dependency
// costs at import: a bare node process that imports only that module. A bare node process
// (the floor) is measured in the same run with the same probe. Prints one JSON document.
//
//   scripts/node.sh -- tsx e2e/bench/footprint.ts            (or npm run bench:footprint)
//   --settle <s>        idle settle period in seconds (default 60)
//   --bundle-dir <dir>  run these bundles (crm.js, pm.js) instead of bundling the tree now
//   --roles a,b         CRM roles and/or `pm` (default ingress,watcher,reconciler,dashboard,enforcer,all,pm)
//   --no-imports        skip the per-dependency import costs
//
// Not measured yet: footprint with 1,000 and 5,000 records in the cluster (a `--records`
// flag is left for later). The analyzer role is not in the default
// set: it needs a Prometheus to ask (in `crm all` it is off without one, as here).
//
// Memory is read inside each process by a probe preloaded with --import (one IPC message
// answered with process.memoryUsage()); it adds well under 1 MiB, and the floor carries
// it too. Timings are wall-clock on a shared machine: read them with the load average
// printed beside them. Roles start one after the other (so their startups do not compete)
// and then settle together.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import {
  createTestNamespace,
  freePort,
  releaseTestCluster,
  releaseTestRedis,
  repoRoot,
  startCluster,
  stopCluster,
  testCluster,
  testRedis,
} from "@oaas/testkit";

const { values: flags } = parseArgs({
  options: {
    settle: { type: "string", default: "60" },
    "bundle-dir": { type: "string" },
    roles: { type: "string", default: "ingress,watcher,reconciler,dashboard,enforcer,all,pm" },
    "no-imports": { type: "boolean", default: false },
  },
});
const settleMs = Number(flags.settle) * 1000;
const wanted = flags.roles.split(",").filter(Boolean);

/** Third-party modules whose import cost is reported (the heavy ones the services load). */
const importedModules = [
  "@kubernetes/client-node",
  // Its config module alone (a narrow import): it pulls in every generated API too.
  "@kubernetes/client-node/dist/config.js",
  "@connectrpc/connect",
  "@connectrpc/connect-node",
  "@bufbuild/protobuf",
  "bullmq",
  "ioredis",
  "fastify",
  "@bull-board/api",
  "@opentelemetry/api",
  "@opentelemetry/sdk-trace",
  "@opentelemetry/sdk-metrics",
  "@opentelemetry/exporter-prometheus",
  "@opentelemetry/exporter-trace-otlp-proto",
  "@opentelemetry/instrumentation-http",
  "@opentelemetry/instrumentation-ioredis",
  "@opentelemetry/instrumentation-undici",
  "etcd3",
  "undici",
  "winston",
  "ajv",
  "jose",
  "yaml",
  "js-yaml",
  "cockatiel",
];

const mib = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

interface Sample {
  readonly rss_mib: number;
  readonly heap_used_mib: number;
  readonly heap_total_mib: number;
  readonly external_mib: number;
}

/** Preloaded into every measured process: answers one IPC message with its memory usage. */
const probeSource = `
if (process.send) {
  process.on("message", (m) => {
    if (m !== "footprint?") return;
    const u = process.memoryUsage();
    process.send({ rss: u.rss, heapUsed: u.heapUsed, heapTotal: u.heapTotal, external: u.external });
  });
  // Never keep a process alive (nor delay its exit) for the probe's sake.
  process.channel?.unref();
}
`;

const work = mkdtempSync(path.join(os.tmpdir(), "oaas-footprint-"));
const probe = path.join(work, "probe.mjs");
writeFileSync(probe, probeSource);
const probeArgs = ["--import", pathToFileURL(probe).href];
const children = new Set<ChildProcess>();

function launch(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [...probeArgs, ...args], {
    cwd: repoRoot,
    env,
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  children.add(child);
  child.once("exit", () => children.delete(child));
  let out = "";
  child.stdout?.on("data", (d: Buffer) => (out = (out + d.toString()).slice(-4000)));
  child.stderr?.on("data", (d: Buffer) => (out = (out + d.toString()).slice(-4000)));
  return { child, output: () => out };
}

async function sample(child: ChildProcess): Promise<Sample> {
  const answer = new Promise<Record<string, number>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no answer from the probe within 10 s")), 10_000);
    child.once("message", (m) => {
      clearTimeout(timer);
      resolve(m as Record<string, number>);
    });
  });
  child.send("footprint?");
  const u = await answer;
  return {
    rss_mib: mib(u["rss"] ?? 0),
    heap_used_mib: mib(u["heapUsed"] ?? 0),
    heap_total_mib: mib(u["heapTotal"] ?? 0),
    external_mib: mib(u["external"] ?? 0),
  };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Polls url every 50 ms until it answers 200; ms since `since`. Fails when the child exits or after 120 s. */
async function msUntilReady(
  url: string,
  since: number,
  child: ChildProcess,
  output: () => string,
): Promise<number> {
  const deadline = since + 120_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(
        `exited (${child.exitCode ?? child.signalCode}) before ${url} answered 200:\n${output()}`,
      );
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(2000) })).status === 200)
        return Math.round(performance.now() - since);
    } catch {
      // not listening yet
    }
    if (performance.now() > deadline) throw new Error(`${url} not 200 within 120 s:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The lines of an error worth keeping in the JSON: the first few, without the stack. */
function firstLines(text: string): string {
  return text
    .split("\n")
    .filter((l) => !/^\s+at /.test(l))
    .slice(0, 6)
    .join(" | ");
}

interface Running {
  readonly name: string;
  readonly child: ChildProcess;
  readonly readyMs: number;
  readonly start: Sample;
  readonly startedAt: number;
}

function bundleDir(): { dir: string; owned: boolean } {
  if (flags["bundle-dir"]) return { dir: path.resolve(flags["bundle-dir"]), owned: false };
  const dir = path.join(repoRoot, ".oaas", `footprint-bundle-${process.pid}`);
  const built = spawnSync(process.execPath, ["--import", "tsx", "scripts/bundle.ts", "--outdir", dir], {
    cwd: repoRoot,
    encoding: "utf8",
  });
  if (built.status !== 0) throw new Error(`bundle failed: ${built.stderr}`);
  return { dir, owned: true };
}

/** Environment for every measured process: PATH and HOME only, plus what it is given. */
function baseEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of ["PATH", "HOME", "TMPDIR"])
    if (process.env[name] !== undefined) env[name] = process.env[name];
  return { ...env, ...extra };
}

async function measureImports(): Promise<Record<string, Sample & { rss_over_floor_mib: number }>> {
  const one = async (spec: string | undefined): Promise<Sample> => {
    const code = `${spec ? `await import(${JSON.stringify(spec)});` : ""} process.send?.("loaded"); setInterval(() => {}, 1 << 30);`;
    const { child, output } = launch(["--input-type=module", "-e", code], baseEnv({}));
    try {
      await new Promise<void>((resolve, reject) => {
        child.once("message", () => resolve());
        child.once("exit", (c) => reject(new Error(`import of ${spec} exited ${c}: ${output()}`)));
      });
      await new Promise((resolve) => setTimeout(resolve, 1000)); // let start-up garbage settle
      return await sample(child);
    } finally {
      await stop(child);
    }
  };
  const floor = await one(undefined);
  const out: Record<string, Sample & { rss_over_floor_mib: number }> = {
    "(bare node)": { ...floor, rss_over_floor_mib: 0 },
  };
  for (const spec of importedModules) {
    const s = await one(spec);
    out[spec] = { ...s, rss_over_floor_mib: Math.round((s.rss_mib - floor.rss_mib) * 10) / 10 };
  }
  return out;
}

async function main(): Promise<void> {
  const bundle = bundleDir();
  // A private cluster unless OAAS_KUBECONFIG names one: a shared one may be stopped by its owner mid-run.
  const own = process.env["OAAS_KUBECONFIG"]
    ? undefined
    : await startCluster({ log: (m) => console.error(`[cluster] ${m}`) });
  if (own) process.env["OAAS_KUBECONFIG"] = own.kubeconfig;
  const cluster = await testCluster();
  const redis = await testRedis();
  const ns = await createTestNamespace("footprint");
  const token = randomBytes(16).toString("hex");
  const tokens = path.join(work, "tokens.csv");
  writeFileSync(tokens, `${token},bench,admin\n`, { mode: 0o600 });
  const dashboardAuth = path.join(work, "dashboard-auth");
  writeFileSync(dashboardAuth, `token:${token}\n`, { mode: 0o600 });
  const loadBefore = os.loadavg();
  const running: Running[] = [];
  const failed: Record<string, string> = {};
  try {
    const crds = spawnSync(process.execPath, [path.join(bundle.dir, "crm.js"), "crds"], {
      cwd: repoRoot,
      env: baseEnv({ KUBECONFIG: cluster.kubeconfig }),
      encoding: "utf8",
    });
    if (crds.status !== 0) throw new Error(`crm crds failed: ${crds.stderr}`);

    // The floor: a bare node process with the same probe, started first and settled with the rest.
    {
      const since = performance.now();
      const { child } = launch(["-e", "process.send?.('up'); setInterval(() => {}, 1 << 30)"], baseEnv({}));
      await new Promise((resolve) => child.once("message", resolve));
      const readyMs = Math.round(performance.now() - since);
      await new Promise((resolve) => setTimeout(resolve, 300));
      running.push({
        name: "(bare node)",
        child,
        readyMs,
        start: await sample(child),
        startedAt: performance.now(),
      });
    }

    for (const name of wanted) {
      const port = await freePort();
      let args: string[];
      let env: NodeJS.ProcessEnv;
      let url: string;
      if (name === "pm") {
        args = [path.join(bundle.dir, "pm.js")];
        env = baseEnv({
          SERVER_HOST: "127.0.0.1",
          SERVER_PORT: String(port),
          STORAGE_TYPE: "memory",
          LOG_LEVEL: "info",
          OPRC_PM_AUTH_TOKENS_FILE: tokens,
        });
        url = `http://127.0.0.1:${port}/ready`;
      } else {
        // The dashboard role serves its probes on the dashboard port, every other role on the HTTP port.
        const dashboardPort = name === "dashboard" ? port : await freePort();
        args = [path.join(bundle.dir, "crm.js"), name];
        env = baseEnv({
          KUBECONFIG: cluster.kubeconfig,
          OPRC_CRM_PROFILE: "dev",
          OPRC_CRM_LOG: "info",
          OPRC_CRM_HTTP_PORT: String(port),
          OPRC_CRM_DASHBOARD_PORT: String(dashboardPort),
          OPRC_CRM_DASHBOARD_AUTH_FILE: dashboardAuth,
          OPRC_CRM_AUTH_TOKENS_FILE: tokens,
          OPRC_CRM_K8S_NAMESPACE: ns.name,
          OPRC_CRM_REDIS_URL: `redis://${redis.host}:${redis.port}`,
          OPRC_CRM_QUEUE_PREFIX: redis.prefix,
          OPRC_CRM_LEASE_NAME: `watcher-${redis.prefix}-${name}`,
        });
        url = `http://127.0.0.1:${port}/readyz`;
      }
      const since = performance.now();
      const { child, output } = launch(args, env);
      try {
        const readyMs = await msUntilReady(url, since, child, output);
        running.push({ name, child, readyMs, start: await sample(child), startedAt: performance.now() });
        console.error(`footprint: ${name} ready in ${readyMs} ms`);
      } catch (error) {
        // One process that cannot start (a broken bundle) is reported, the others still measured.
        await stop(child);
        failed[name] = firstLines(error instanceof Error ? error.message : String(error));
        console.error(`footprint: ${name} did not start: ${failed[name]}`);
      }
    }

    // Idle: each process measured once it has been ready for the settle period.
    const roles: Record<string, { ready_ms: number; start: Sample; idle: Sample }> = {};
    for (const r of running) {
      const wait = r.startedAt + settleMs - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      if (r.child.exitCode !== null || r.child.signalCode !== null)
        throw new Error(`${r.name} exited while idle`);
      roles[r.name] = { ready_ms: r.readyMs, start: r.start, idle: await sample(r.child) };
    }
    const loadAfter = os.loadavg();
    await Promise.all(running.map((r) => stop(r.child)));
    const imports = flags["no-imports"] ? undefined : await measureImports();
    console.log(
      JSON.stringify(
        {
          benchmark: "footprint",
          node: process.version,
          cpus: os.cpus().length,
          load_average_1m: { before: loadBefore[0], after: loadAfter[0] },
          bundle: path.relative(repoRoot, bundle.dir) || bundle.dir,
          settle_s: settleMs / 1000,
          floor: roles["(bare node)"],
          roles: Object.fromEntries(Object.entries(roles).filter(([k]) => k !== "(bare node)")),
          did_not_start: failed,
          imports,
          records: "not measured: footprint with 1,000 and 5,000 records is left for later",
        },
        null,
        2,
      ),
    );
  } finally {
    await Promise.all([...children].map((c) => stop(c)));
    // Each clean-up step runs even when an earlier one failed.
    for (const step of [
      () => ns.cleanup(),
      () => redis.cleanup(),
      () => releaseTestRedis(),
      () => releaseTestCluster(),
      () => (own ? stopCluster(own.dir) : undefined),
    ])
      await Promise.resolve()
        .then(step)
        .catch((error: unknown) => console.error("footprint: clean-up step failed:", error));
    rmSync(work, { recursive: true, force: true });
    if (bundle.owned) rmSync(bundle.dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    for (const c of children) c.kill("SIGKILL");
    process.exit(1);
  },
);
