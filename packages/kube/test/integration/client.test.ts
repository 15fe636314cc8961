// The Kubernetes edge against a real API server: apply, read, list, delete, and how each
// failure is classified (404 object vs type, 409, 422, unreachable, timeout, aborted).
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import * as k8s from "@kubernetes/client-node";
import { freePort, kubeConfigPointedAt, testCluster, useTestNamespace, waitFor } from "@oaas/testkit";
import { expect } from "chai";
import {
  applyObject,
  deleteObject,
  getObject,
  isMissingType,
  KubeClient,
  KubeError,
  listObjects,
  resourcePath,
  type ResourceType,
} from "../../src/index.ts";

const configMaps: ResourceType = { group: "", version: "v1", plural: "configmaps", namespaced: true };
const unserved: ResourceType = {
  group: "nothing.example.com",
  version: "v1",
  plural: "widgets",
  namespaced: true,
};

interface ConfigMap {
  apiVersion: "v1";
  kind: "ConfigMap";
  metadata: {
    name: string;
    namespace: string;
    labels?: Record<string, string>;
    resourceVersion?: string;
    managedFields?: { manager: string }[];
  };
  data?: Record<string, string>;
}

/** Resident memory of a process in MiB from /proc (Linux), 0 once it is gone. */
function residentMb(pid: number | undefined): number {
  try {
    const status = readFileSync(`/proc/${String(pid)}/status`, "utf8");
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

async function failure(call: Promise<unknown>): Promise<KubeError> {
  try {
    await call;
  } catch (error) {
    expect(error).to.be.instanceOf(KubeError);
    return error as KubeError;
  }
  expect.fail("expected a KubeError");
}

/**
 * A plain-HTTP server that takes requests and never answers: what it has seen is what a
 * client has in flight (a client's time bound then destroys each request's connection).
 * A stand-in for an API server that cannot be frozen on demand.
 */
async function silentHttpServer(): Promise<{
  seen: string[];
  kubeConfig: k8s.KubeConfig;
  close: () => void;
}> {
  const held = new Set<http.ServerResponse>();
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    seen.push(req.url ?? "");
    held.add(res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  // client-node accepts http:// only without TLS verification.
  const kubeConfig = new k8s.KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: "plain", server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: [{ name: "anyone", token: "t" }],
    contexts: [{ name: "plain", cluster: "plain", user: "anyone" }],
    currentContext: "plain",
  });
  return {
    seen,
    kubeConfig,
    close: () => {
      for (const res of held) res.destroy();
      server.close();
    },
  };
}

describe("@oaas/kube against a real API server", function () {
  this.timeout(60_000);
  const ns = useTestNamespace("kube-edge");
  let client: KubeClient;
  let kc: k8s.KubeConfig;

  before(async function () {
    kc = (await testCluster()).kc;
    client = await KubeClient.create(kc);
  });
  after(async function () {
    await client.close();
  });

  const cm = (name: string, data: Record<string, string>): ConfigMap => ({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name, namespace: ns.name, labels: { app: "edge-test" } },
    data,
  });

  it("server-side applies with a field manager, reads, lists by label, deletes", async function () {
    const applied = await applyObject(client, configMaps, cm("one", { a: "1" }), {
      fieldManager: "edge-test",
    });
    expect(applied.data).to.deep.equal({ a: "1" });
    expect(applied.metadata.managedFields?.map((m) => m.manager)).to.include("edge-test");
    const again = await applyObject(client, configMaps, cm("one", { a: "1" }), { fieldManager: "edge-test" });
    expect(again.metadata.resourceVersion).to.equal(applied.metadata.resourceVersion);
    expect((await getObject<ConfigMap>(client, configMaps, ns.name, "one"))?.data).to.deep.equal({ a: "1" });
    const listed = await listObjects<ConfigMap>(client, configMaps, ns.name, {
      labelSelector: "app=edge-test",
    });
    expect(listed.map((c) => c.metadata.name)).to.deep.equal(["one"]);
    expect(await deleteObject(client, configMaps, ns.name, "one")).to.be.true;
    expect(await deleteObject(client, configMaps, ns.name, "one")).to.be.false;
    expect(await getObject(client, configMaps, ns.name, "one")).to.equal(undefined);
  });

  it("classifies 409 (stale resourceVersion), 422 (invalid) and 404 of an unserved type", async function () {
    await applyObject(client, configMaps, cm("two", { a: "1" }), { fieldManager: "edge-test" });
    const stale = { ...cm("two", { a: "2" }), metadata: { ...cm("two", {}).metadata, resourceVersion: "1" } };
    expect(
      (await failure(applyObject(client, configMaps, stale, { fieldManager: "edge-test" }))).kind,
    ).to.equal("conflict");
    const invalid = await failure(
      applyObject(client, configMaps, cm("Not_Valid", {}), { fieldManager: "edge-test" }),
    );
    expect(invalid.kind).to.equal("invalid");
    expect(invalid.statusCode).to.equal(422);
    const missing = await failure(getObject(client, unserved, ns.name, "x"));
    expect(missing.kind).to.equal("notFound");
    expect(isMissingType(missing.status)).to.be.true;
    const noNamespace = await failure(
      applyObject(
        client,
        configMaps,
        { ...cm("x", {}), metadata: { name: "x", namespace: "no-such-ns-here" } },
        { fieldManager: "t" },
      ),
    );
    expect(noNamespace.status?.details?.kind).to.equal("namespaces");
  });

  it("accept: the answer in another form (a server-side Table; /metrics as text)", async function () {
    await applyObject(client, configMaps, cm("table", { a: "1" }), { fieldManager: "edge-test" });
    const table = await client.request<{ kind?: string; rows?: unknown[] }>({
      method: "GET",
      path: resourcePath(configMaps, ns.name, "table"),
      accept: "application/json;as=Table;v=v1;g=meta.k8s.io",
    });
    expect(table.kind).to.equal("Table");
    expect(table.rows).to.have.length(1);
    const metrics = await client.request<unknown>({ method: "GET", path: "/metrics", accept: "text/plain" });
    expect(metrics)
      .to.be.a("string")
      .and.match(/^apiserver_request_total\{/m);
  });

  it("unreachable: a closed port answers at once", async function () {
    const closed = await KubeClient.create(kubeConfigPointedAt(kc, `https://127.0.0.1:${await freePort()}`));
    try {
      const e = await failure(getObject(closed, configMaps, ns.name, "x"));
      expect(e.kind).to.equal("unreachable");
    } finally {
      await closed.close();
    }
  });

  it("timeout and aborted: a server that accepts and never answers", async function () {
    const sockets = new Set<net.Socket>();
    const blackhole = net.createServer((s) => sockets.add(s));
    await new Promise<void>((resolve) => blackhole.listen(0, "127.0.0.1", resolve));
    const port = (blackhole.address() as net.AddressInfo).port;
    const silent = await KubeClient.create(kubeConfigPointedAt(kc, `https://127.0.0.1:${port}`), {
      defaultTimeoutMs: 300,
    });
    try {
      const started = performance.now();
      expect((await failure(getObject(silent, configMaps, ns.name, "x"))).kind).to.equal("timeout");
      expect(performance.now() - started).to.be.within(250, 1000);
      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error("deadline")), 100);
      expect(
        (await failure(getObject(silent, configMaps, ns.name, "x", { signal: controller.signal }))).kind,
      ).to.equal("aborted");
      expect(
        (await failure(getObject(silent, configMaps, ns.name, "x", { signal: AbortSignal.abort() }))).kind,
      ).to.equal("aborted");
    } finally {
      await silent.close();
      for (const s of sockets) s.destroy();
      blackhole.close();
    }
  });

  it("maxInFlight: at most N requests at the server, the rest wait in arrival order; waiting ends with the caller's signal", async function () {
    const server = await silentHttpServer();
    const waits: number[] = [];
    const bounded = await KubeClient.create(server.kubeConfig, {
      defaultTimeoutMs: 400,
      maxInFlight: 2,
      onWait: (_method, seconds) => waits.push(seconds),
    });
    try {
      const started = performance.now();
      const settled: number[] = [];
      const calls = [0, 1, 2, 3].map((i) =>
        failure(getObject(bounded, configMaps, ns.name, `x${i}`)).then((e) => {
          settled[i] = performance.now() - started;
          return e.kind;
        }),
      );
      const controller = new AbortController();
      const waiting = failure(getObject(bounded, configMaps, ns.name, "y", { signal: controller.signal }));
      await waitFor(() => server.seen.length === 2, {
        description: "2 requests at the server",
        timeoutMs: 5000,
        intervalMs: 5,
      });
      controller.abort(new Error("deadline"));
      const abortedAt = performance.now();
      expect((await waiting).kind).to.equal("aborted");
      // Answered at once, not when its turn would have come.
      expect(performance.now() - abortedAt).to.be.below(150);
      expect(await Promise.all(calls)).to.deep.equal(["timeout", "timeout", "timeout", "timeout"]);
      // Each request's own bound starts when it is sent: the two that waited took two bounds.
      expect(settled[0]).to.be.within(350, 800);
      expect(settled[1]).to.be.within(350, 800);
      expect(settled[2]).to.be.within(750, 1600);
      expect(settled[3]).to.be.within(750, 1600);
      expect(server.seen).to.have.length(4); // the aborted one was never sent
      expect(waits).to.have.length(2);
      for (const w of waits) expect(w).to.be.within(0.3, 1);
    } finally {
      await bounded.close();
      server.close();
    }
  });

  it("maxInFlight: an exempt call (a Lease renewal) is sent at once while every slot is taken", async function () {
    const server = await silentHttpServer();
    const bounded = await KubeClient.create(server.kubeConfig, { defaultTimeoutMs: 2000, maxInFlight: 1 });
    try {
      const bulk = failure(getObject(bounded, configMaps, ns.name, "bulk"));
      const queued = failure(getObject(bounded, configMaps, ns.name, "queued"));
      const renew = failure(getObject(bounded, configMaps, ns.name, "renew", { exempt: true }));
      await waitFor(() => server.seen.length === 2, {
        description: "2 requests at the server",
        timeoutMs: 1500,
        intervalMs: 5,
      });
      expect(server.seen.map((u) => u.split("/").pop()).sort()).to.deep.equal(["bulk", "renew"]);
      await Promise.all([bulk, queued, renew]);
    } finally {
      await bounded.close();
      server.close();
    }
  });

  it("maxInFlight: 60 parallel reads through 3 slots all answered by the real API server", async function () {
    const bounded = await KubeClient.create(kc, { maxInFlight: 3 });
    try {
      await applyObject(bounded, configMaps, cm("bulk", { a: "1" }), { fieldManager: "edge-test" });
      const got = await Promise.all(
        Array.from({ length: 60 }, () => getObject<ConfigMap>(bounded, configMaps, ns.name, "bulk")),
      );
      expect(got.map((o) => o?.data?.a)).to.deep.equal(Array.from({ length: 60 }, () => "1"));
    } finally {
      await bounded.close();
    }
  });

  it("a storm of applies aborted by their callers while the body is sent: every round settles and the client still answers", async function () {
    // Over one HTTP/2 connection (undici's default toward an API server offering h2),
    // such a storm froze the process in its second round: an aborted request kept
    // sending empty DATA frames, 100% CPU and gigabytes of memory until SIGABRT. The
    // storm runs in a child process so a freeze fails this test at the deadline instead
    // of hanging the runner.
    this.timeout(150_000);
    const { kubeconfig } = await testCluster();
    const fixture = path.join(import.meta.dirname, "fixtures", "abort-storm.ts");
    const child = spawn(process.execPath, ["--import", "tsx", fixture, kubeconfig, ns.name, "8"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    // The frozen process grew by gigabytes a second: watch its memory, not only the clock.
    let rssMb = 0;
    try {
      await waitFor(
        () => {
          rssMb = residentMb(child.pid);
          return child.exitCode !== null || rssMb > 1024;
        },
        { description: "the storm's process to finish", timeoutMs: 110_000 },
      );
    } catch (error) {
      expect.fail(`${String(error)}; it printed: ${out}`);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
    expect(rssMb, `resident memory of the storm's process; it printed: ${out}`).to.be.below(1024);
    expect(await exited, out).to.equal(0);
    const lines = out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { round?: number; rssMb?: number; done?: boolean });
    expect(
      lines.filter((l) => l.round !== undefined),
      out,
    ).to.have.length(8);
    expect(lines.at(-1), out).to.deep.equal({ done: true });
    for (const l of lines) if (l.rssMb !== undefined) expect(l.rssMb, out).to.be.below(1024);
  });

  it("maxInFlight rejects a bound that is not a whole number >= 0", async function () {
    for (const maxInFlight of [-1, 1.5, Number.NaN])
      await KubeClient.create(kc, { maxInFlight }).then(
        () => expect.fail(`accepted ${maxInFlight}`),
        (error: unknown) => expect(String(error)).to.match(/maxInFlight must be/),
      );
  });
});
