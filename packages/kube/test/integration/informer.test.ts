// The supervised informer against a real API server: initial list (paged), add/update/
// delete through the watch, label selection, bookmarks keeping the liveness signal fresh,
// re-watch after the server's timeoutSeconds, and a clean stop.
import { testCluster, useTestNamespace, waitFor } from "@oaas/testkit";
import { expect } from "chai";
import {
  applyObject,
  deleteObject,
  Informer,
  KubeClient,
  type KubeObject,
  type ResourceType,
} from "../../src/index.ts";

const configMaps: ResourceType = { group: "", version: "v1", plural: "configmaps", namespaced: true };

interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
}

interface Seen {
  type: "add" | "update" | "delete";
  name: string;
  initial?: boolean;
  synthesized?: boolean;
  value?: string;
}

describe("Informer against a real API server", function () {
  this.timeout(60_000);
  const ns = useTestNamespace("informer");
  let kube: KubeClient;
  const informers: Informer<ConfigMap>[] = [];

  before(async function () {
    kube = await KubeClient.create((await testCluster()).kc);
  });
  after(async function () {
    await kube.close();
  });
  afterEach(async function () {
    await Promise.all(informers.splice(0).map((i) => i.stop()));
  });

  const put = (name: string, value: string, labels: Record<string, string> = { app: "informer-test" }) =>
    applyObject<ConfigMap>(
      kube,
      configMaps,
      {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name, namespace: ns.name, labels } as KubeObject["metadata"],
        data: { v: value },
      },
      { fieldManager: "informer-test", force: true },
    );

  function informer(seen: Seen[], options: { watchTimeoutSeconds?: number; pageSize?: number } = {}) {
    const i = new Informer<ConfigMap>({
      kube,
      type: configMaps,
      namespace: ns.name,
      labelSelector: "app=informer-test",
      ...options,
      handlers: {
        add: (o, initial) =>
          seen.push({ type: "add", name: o.metadata?.name ?? "", initial, value: o.data?.["v"] }),
        update: (_o, n) => seen.push({ type: "update", name: n.metadata?.name ?? "", value: n.data?.["v"] }),
        delete: (o, synthesized) => seen.push({ type: "delete", name: o.metadata?.name ?? "", synthesized }),
      },
    });
    informers.push(i);
    i.start();
    return i;
  }

  it("lists existing objects over several pages, then delivers add, update and delete", async function () {
    for (const name of ["pre-1", "pre-2", "pre-3"]) await put(name, "0");
    await put("unlabelled", "0", { app: "other" });
    const seen: Seen[] = [];
    const inf = informer(seen, { pageSize: 2 });
    await waitFor(() => inf.hasSynced(), { description: "sync" });
    expect(
      seen
        .filter((s) => s.type === "add" && s.initial)
        .map((s) => s.name)
        .sort(),
    ).to.deep.equal(["pre-1", "pre-2", "pre-3"]);
    expect(inf.store.get(ns.name, "unlabelled")).to.be.undefined;

    await put("live", "1");
    await waitFor(() => seen.find((s) => s.type === "add" && s.name === "live" && s.initial === false), {
      description: "add",
    });
    await put("live", "2");
    await waitFor(() => seen.find((s) => s.type === "update" && s.name === "live" && s.value === "2"), {
      description: "update",
    });
    expect(inf.store.get(ns.name, "live")?.data?.["v"]).to.equal("2");
    await deleteObject(kube, configMaps, ns.name, "live");
    await waitFor(
      () => seen.find((s) => s.type === "delete" && s.name === "live" && s.synthesized === false),
      { description: "delete" },
    );
    expect(inf.store.get(ns.name, "live")).to.be.undefined;
    expect(inf.store.list(ns.name).length).to.equal(3);
    expect(inf.stats().lists).to.equal(1);
  });

  it("re-watches from the last resourceVersion after the server ends a watch, missing nothing", async function () {
    const seen: Seen[] = [];
    const inf = informer(seen, { watchTimeoutSeconds: 2 });
    await waitFor(() => inf.hasSynced(), { description: "sync" });
    await waitFor(() => inf.stats().watches >= 3, {
      description: "two server-side watch timeouts",
      timeoutMs: 15_000,
    });
    await put("after-rewatch", "x");
    await waitFor(() => seen.find((s) => s.name === "after-rewatch"), {
      description: "an event on a re-opened watch",
    });
    expect(inf.stats().lists).to.equal(1); // resumed, never relisted
    expect(inf.stats().errors).to.equal(0);
  });

  it("counts bookmarks as signs of life", async function () {
    // The API server sends a bookmark shortly before a watch's timeoutSeconds ends, when
    // its watch cache has moved past what the watcher saw: objects this watch does not
    // select (other label) move it without producing events for us.
    const inf = informer([], { watchTimeoutSeconds: 4 });
    await waitFor(() => inf.stats().watches >= 1, { description: "an open watch" });
    let n = 0;
    await waitFor(
      async () => {
        await put(`unselected-${n++}`, "x", { app: "other" });
        return inf.stats().bookmarks >= 1;
      },
      { description: "a bookmark", timeoutMs: 30_000, intervalMs: 1000 },
    );
    expect(inf.stats().events).to.equal(0);
    expect(inf.lastActivityAgeMs()).to.be.below(4000);
  });

  it("stop() ends an open watch promptly and no handler runs afterwards", async function () {
    const seen: Seen[] = [];
    const inf = informer(seen);
    await waitFor(() => inf.stats().watches >= 1, { description: "an open watch" });
    const t0 = Date.now();
    await inf.stop();
    expect(Date.now() - t0).to.be.below(2000);
    const before = seen.length;
    await put("after-stop", "1");
    await put("after-stop-2", "1"); // a second round trip: the first event would have arrived by now
    expect(seen.length).to.equal(before);
  });
});
