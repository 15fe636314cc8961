// The ingress's cached read path: when the cache answers and when the API server does.
// The cache and the API reader are in-memory stand-ins here (the informer itself is
// tested against a real API server in watcher.test.ts).
import type { DeploymentRecord } from "@oaas/crd";
import { expect } from "chai";
import { cachedRecordReader, labelMatcher } from "../../src/deployments/cached-reader.ts";
import type { RecordReader } from "../../src/deployments/store.ts";
import type { RecordCache } from "../../src/watcher/record-cache.ts";

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

function cache(records: DeploymentRecord[], state: { synced: boolean; staleMs: number }): RecordCache {
  return {
    get: (_ns, name) => records.find((r) => r.metadata.name === name),
    list: () => records,
    hasSynced: () => state.synced,
    stalenessMs: () => state.staleMs,
    stop: () => Promise.resolve(),
  };
}

function api(records: DeploymentRecord[]): RecordReader & { calls: number } {
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
  };
  return reader;
}

const signal = new AbortController().signal;
const selectors = { labels: "oaas.io/deployment-id", fields: "" };

describe("ingress: cached record reader", function () {
  it("a synced, fresh cache answers get and list without the API server", async function () {
    const server = api([record("a")]);
    const reader = cachedRecordReader(
      cache([record("a"), record("b", {})], { synced: true, staleMs: 10 }),
      server,
    );
    expect((await reader.get("ns", "a", signal))?.metadata.name).to.equal("a");
    expect((await reader.list("ns", selectors, signal)).map((r) => r.metadata.name)).to.deep.equal(["a"]);
    expect(server.calls).to.equal(0);
  });

  it("a record missing from the cache is read from the API server (read-your-writes)", async function () {
    const server = api([record("new")]);
    const reader = cachedRecordReader(cache([], { synced: true, staleMs: 10 }), server);
    expect((await reader.get("ns", "new", signal))?.metadata.name).to.equal("new");
    expect(server.calls).to.equal(1);
  });

  it("a record the cache shows as being deleted is read from the API server (gone there: NOT_FOUND at once)", async function () {
    const deleting = {
      ...record("going"),
      metadata: { ...record("going").metadata, deletionTimestamp: "2026-01-01T00:00:00Z" },
    };
    const server = api([]);
    const reader = cachedRecordReader(
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
      const reader = cachedRecordReader(cache([record("old")], state), server);
      expect((await reader.list("ns", selectors, signal)).map((r) => r.metadata.name)).to.deep.equal(["a"]);
      expect(await reader.get("ns", "old", signal)).to.equal(undefined);
      expect(server.calls).to.equal(2);
    });
  }

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
