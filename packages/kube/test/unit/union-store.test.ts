// unionStore: the one read view the watcher and the record caches give over one informer
// store per served namespace.
import { expect } from "chai";
import { MapStore, objectKey, unionStore, type KubeObject } from "../../src/index.ts";

const object = (namespace: string, name: string): KubeObject => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { namespace, name },
});

function storeOf(...objects: KubeObject[]): MapStore<KubeObject> {
  const store = new MapStore<KubeObject>();
  for (const o of objects) store.items.set(objectKey(o), o);
  return store;
}

describe("unionStore (one view over one store per namespace)", function () {
  const a = storeOf(object("a", "x"), object("a", "y"));
  const b = storeOf(object("b", "x"));

  it("finds an object in whichever store holds it, and nothing elsewhere", function () {
    const union = unionStore(() => [a, b]);
    expect(union.get("a", "x")?.metadata?.namespace).to.equal("a");
    expect(union.get("b", "x")?.metadata?.namespace).to.equal("b");
    expect(union.get("b", "y")).to.equal(undefined);
    expect(union.get("c", "x")).to.equal(undefined);
  });

  it("lists every store, or one namespace, and sums the sizes", function () {
    const union = unionStore(() => [a, b]);
    expect(union.list().map(objectKey)).to.have.members(["a/x", "a/y", "b/x"]);
    expect(union.list("b").map(objectKey)).to.deep.equal(["b/x"]);
    expect(union.size).to.equal(3);
  });

  it("sees a store added after it was built", function () {
    const stores = [a];
    const union = unionStore(() => stores);
    expect(union.size).to.equal(2);
    stores.push(b);
    expect(union.get("b", "x")).to.not.equal(undefined);
  });
});
