// The ingress's cached read path: when the cache answers and when the API server does.
// The cache and the API reader are in-memory stand-ins here (the informer itself is
// tested against a real API server in watcher.test.ts).
import type { DeploymentRecord } from "@oaas/crd";
import { expect } from "chai";
import { cachedRecordStore, labelMatcher } from "../../src/deployments/cached-reader.ts";
import type { RecordStore } from "../../src/deployments/store.ts";
import type { RecordCache } from "../../src/deployments/record-cache.ts";

function record(
  name: string,
  labels: Record<string, string> = { "oaas.io/deployment-id": name },
): DeploymentRecord {
  return {
    apiVersion: "oaas.io/v1alpha1",
    kind: "DeploymentRecord",
    metadata: { name, namespace: "ns", labels },
    spec: {},
  };
}

/** record(name) as the API server holds it: with a uid, generation and resourceVersion. */
function storedRecord(
  name: string,
  uid: string,
  generation: number,
  resourceVersion: string,
): DeploymentRecord {
  const r = record(name);
  return { ...r, metadata: { ...r.metadata, uid, generation, resourceVersion } };
}

function cache(records: DeploymentRecord[], state: { synced: boolean; staleMs: number }): RecordCache {
  return {
    get: (_ns, name) => records.find((r) => r.metadata.name === name),
    list: () => records,
    hasSynced: () => state.synced,
    stalenessMs: () => state.staleMs,
    stop: () => Promise.resolve(),
  };
}

/** The API server as an in-memory store; writes bump resourceVersion like the real one. */
function api(records: DeploymentRecord[]): RecordStore & { calls: number } {
  let version = 100;
  const reader = {
    calls: 0,
    get: (_ns: string, name: string) => {
      reader.calls++;
      return Promise.resolve(records.find((r) => r.metadata.name === name));
    },
    list: () => {
      reader.calls++;
      return Promise.resolve(records);
    },
    apply: (r: DeploymentRecord) => {
      const stored = { ...r, metadata: { ...r.metadata, resourceVersion: String(++version) } };
      records.splice(
        0,
        records.length,
        ...records.filter((x) => x.metadata.name !== r.metadata.name),
        stored,
      );
      return Promise.resolve({ record: stored, created: false });
    },
    delete: (_ns: string, name: string) => {
      const before = records.length;
      records.splice(0, records.length, ...records.filter((x) => x.metadata.name !== name));
      return Promise.resolve(records.length < before);
    },
  };
  return reader;
}

const signal = new AbortController().signal;
const selectors = { labels: "oaas.io/deployment-id", fields: "" };

describe("ingress: cached record reader", function () {
  it("a synced, fresh cache answers get and list without the API server", async function () {
    const server = api([record("a")]);
    const reader = cachedRecordStore(
      cache([record("a"), record("b", {})], { synced: true, staleMs: 10 }),
      server,
    );
    expect((await reader.get("ns", "a", signal))?.metadata.name).to.equal("a");
    expect((await reader.list("ns", selectors, signal)).map((r) => r.metadata.name)).to.deep.equal(["a"]);
    expect(server.calls).to.equal(0);
  });

  it("a record missing from the cache is read from the API server (read-your-writes)", async function () {
    const server = api([record("new")]);
    const reader = cachedRecordStore(cache([], { synced: true, staleMs: 10 }), server);
    expect((await reader.get("ns", "new", signal))?.metadata.name).to.equal("new");
    expect(server.calls).to.equal(1);
  });

  it("a record the cache shows as being deleted is read from the API server (gone there: NOT_FOUND at once)", async function () {
    const deleting = {
      ...record("going"),
      metadata: { ...record("going").metadata, deletionTimestamp: "2026-01-01T00:00:00Z" },
    };
    const server = api([]);
    const reader = cachedRecordStore(
      cache([deleting, record("stays")], { synced: true, staleMs: 10 }),
      server,
    );
    expect(await reader.get("ns", "going", signal)).to.equal(undefined);
    expect(server.calls).to.equal(1);
    expect((await reader.get("ns", "stays", signal))?.metadata.name).to.equal("stays");
    expect(server.calls).to.equal(1);
  });

  for (const state of [
    { synced: false, staleMs: 0 },
    { synced: true, staleMs: 120_001 },
  ]) {
    it(`a cache that is ${state.synced ? "stale" : "not synced"} is not used`, async function () {
      const server = api([record("a")]);
      const reader = cachedRecordStore(cache([record("old")], state), server);
      expect((await reader.list("ns", selectors, signal)).map((r) => r.metadata.name)).to.deep.equal(["a"]);
      expect(await reader.get("ns", "old", signal)).to.equal(undefined);
      expect(server.calls).to.equal(2);
    });
  }

  it("read-your-writes: after an apply, reads bypass the cache until it shows the written version", async function () {
    const cached: DeploymentRecord[] = [
      { ...record("a"), metadata: { ...record("a").metadata, resourceVersion: "1" } },
    ];
    const server = api([record("a")]);
    const store = cachedRecordStore(cache(cached, { synced: true, staleMs: 10 }), server);
    const { record: written } = await store.apply(record("a"), signal);
    expect((await store.get("ns", "a", signal))?.metadata.resourceVersion).to.equal(
      written.metadata.resourceVersion,
    );
    expect((await store.list("ns", selectors, signal)).map((r) => r.metadata.resourceVersion)).to.deep.equal([
      written.metadata.resourceVersion,
    ]);
    expect(server.calls).to.equal(2);
    cached[0] = written; // the watch delivered the write
    expect((await store.get("ns", "a", signal))?.metadata.resourceVersion).to.equal(
      written.metadata.resourceVersion,
    );
    await store.list("ns", selectors, signal);
    expect(server.calls).to.equal(2);
  });

  it("read-your-writes: a watch that delivers late never answers the previous generation, for as long as the staleness bound", async function () {
    let clock = 0;
    const old = storedRecord("a", "u1", 1, "1");
    const cached: DeploymentRecord[] = [old];
    const server = api([old]);
    server.apply = (r: DeploymentRecord) => {
      const stored = { ...r, metadata: { ...r.metadata, uid: "u1", generation: 2, resourceVersion: "5" } };
      return Promise.resolve({ record: stored, created: false });
    };
    const store = cachedRecordStore(cache(cached, { synced: true, staleMs: 10 }), server, {
      now: () => clock,
    });
    await store.apply(record("a"), signal);
    clock = 60_000; // the watch is alive but a minute behind
    await store.get("ns", "a", signal);
    await store.list("ns", selectors, signal);
    expect(server.calls).to.equal(2);
    // The watch catches up with a later write of the same object (the reconciler's status):
    // another resourceVersion, the written generation. Caught up: the cache answers again.
    cached[0] = { ...old, metadata: { ...old.metadata, generation: 2, resourceVersion: "6" } };
    expect((await store.get("ns", "a", signal))?.metadata.resourceVersion).to.equal("6");
    await store.list("ns", selectors, signal);
    expect(server.calls).to.equal(2);
  });

  it("read-your-writes: a list is answered by the cache once it shows every write of the namespace", async function () {
    const old = storedRecord("a", "u1", 1, "1");
    const cached: DeploymentRecord[] = [old];
    const server = api([old]);
    const store = cachedRecordStore(cache(cached, { synced: true, staleMs: 10 }), server);
    const { record: written } = await store.apply(record("a"), signal);
    await store.list("ns", selectors, signal);
    expect(server.calls).to.equal(1);
    cached[0] = written;
    await store.list("ns", selectors, signal);
    await store.list("ns", selectors, signal);
    expect(server.calls).to.equal(1);
  });

  it("read-your-writes: a recreated record (another uid) with a high generation is not the write", async function () {
    const other = storedRecord("a", "u-old", 9, "1");
    const server = api([]);
    server.apply = (r: DeploymentRecord) =>
      Promise.resolve({
        record: { ...r, metadata: { ...r.metadata, uid: "u-new", generation: 1, resourceVersion: "7" } },
        created: true,
      });
    const store = cachedRecordStore(cache([other], { synced: true, staleMs: 10 }), server);
    await store.apply(record("a"), signal);
    await store.get("ns", "a", signal);
    expect(server.calls).to.equal(1);
  });

  it("read-your-writes: after a delete, the cached copy is not served (NOT_FOUND at once), for the window only", async function () {
    let clock = 0;
    const server = api([record("a")]);
    const store = cachedRecordStore(cache([record("a")], { synced: true, staleMs: 10 }), server, {
      writeWindowMs: 10_000,
      now: () => clock,
    });
    expect(await store.delete("ns", "a", undefined, signal)).to.equal(true);
    expect(await store.get("ns", "a", signal)).to.equal(undefined);
    expect(await store.list("ns", selectors, signal)).to.deep.equal([]);
    expect(server.calls).to.equal(2);
    clock = 10_001; // a watch that never delivered: the cache is trusted again after the window
    expect((await store.get("ns", "a", signal))?.metadata.name).to.equal("a");
    expect(server.calls).to.equal(2);
  });

  it("label selectors: existence, equality, several terms; others are not matched in memory", function () {
    const r = record("a", { "oaas.io/deployment-id": "a", tier: "web" });
    expect(labelMatcher("oaas.io/deployment-id")?.(r)).to.equal(true);
    expect(labelMatcher("tier=web,oaas.io/deployment-id")?.(r)).to.equal(true);
    expect(labelMatcher("tier==db")?.(r)).to.equal(false);
    expect(labelMatcher("missing")?.(r)).to.equal(false);
    expect(labelMatcher("tier in (web)")).to.equal(undefined);
    expect(labelMatcher("!tier")).to.equal(undefined);
  });
});
