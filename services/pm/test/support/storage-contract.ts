// The storage contract: one suite, run against every backend (memory, etcd, etcd over TLS).
import type { OClassDeployment, OPackage } from "@oaas/models";
import { expect } from "chai";
import {
  StorageConflictError,
  StorageNotFoundError,
  type ClusterMapping,
  type Storage,
} from "../../src/storage/index.ts";

export function pkgFixture(name: string, tags: string[] = [], disabled = false): OPackage {
  return {
    name,
    disabled,
    metadata: { tags },
    classes: [],
    functions: [],
    dependencies: [],
    deployments: [],
  };
}

export function deploymentFixture(key: string, over: Partial<OClassDeployment> = {}): OClassDeployment {
  return {
    key,
    package_name: "p",
    class_key: "c",
    target_env: "dev",
    target_clusters: ["a", "b"],
    nfr_requirements: {},
    functions: [],
    condition: "PENDING",
    ...over,
  };
}

export function mapping(cluster: string, unitId: string): ClusterMapping {
  return { cluster, unit_id: unitId, state: "DEPLOYED", updated_at: "2026-01-01T00:00:00Z" };
}

/** Registers the contract tests; `open` gives a fresh, empty storage for each test. */
export function storageContract(open: () => Promise<Storage>): void {
  let storage: Storage;
  beforeEach(async function () {
    storage = await open();
  });
  afterEach(async function () {
    await storage.close();
  });

  it("creates, reads, updates and deletes a package", async function () {
    await storage.createPackage(pkgFixture("shop", ["a"]));
    expect((await storage.getPackage("shop"))?.metadata.tags).to.deep.equal(["a"]);
    const updated = await storage.updatePackage("shop", (p) => ({ ...p, version: "2" }));
    expect(updated.version).to.equal("2");
    expect((await storage.getPackage("shop"))?.version).to.equal("2");
    expect(await storage.deletePackage("shop")).to.equal(true);
    expect(await storage.getPackage("shop")).to.equal(undefined);
    expect(await storage.deletePackage("shop")).to.equal(false);
  });

  it("a second create of the same package is a conflict; updating a missing one is not found", async function () {
    await storage.createPackage(pkgFixture("shop"));
    let error: unknown;
    try {
      await storage.createPackage(pkgFixture("shop"));
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(StorageConflictError);
    error = undefined;
    try {
      await storage.updatePackage("ghost", (p) => p);
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(StorageNotFoundError);
  });

  it("lists packages in name order with filters and paging; odd names stay in their folder", async function () {
    for (const [name, tags, disabled] of [
      ["b-shop", ["retail"], false],
      ["a-shop", ["retail", "demo"], false],
      ["c/tool", ["ops"], true],
      ["shopping", [], false],
    ] as const) {
      await storage.createPackage(pkgFixture(name, [...tags], disabled));
    }
    const names = async (f: Parameters<Storage["listPackages"]>[0]) =>
      (await storage.listPackages(f)).map((p) => p.name);
    expect(await names({})).to.deep.equal(["a-shop", "b-shop", "c/tool", "shopping"]);
    expect(await names({ name_pattern: "shop" })).to.deep.equal(["a-shop", "b-shop", "shopping"]);
    expect(await names({ name_pattern: "*-shop" })).to.deep.equal(["a-shop", "b-shop"]);
    expect(await names({ disabled: true })).to.deep.equal(["c/tool"]);
    expect(await names({ tags: ["retail", "demo"] })).to.deep.equal(["a-shop"]);
    expect(await names({ limit: 2, offset: 1 })).to.deep.equal(["b-shop", "c/tool"]);
    expect(await storage.getPackage("c/tool")).to.not.equal(undefined);
  });

  it("stores a deployment with its mappings in one write and lists it by cluster", async function () {
    await storage.createDeployment(deploymentFixture("d1"), [mapping("b", "d1-b"), mapping("a", "d1-a")]);
    await storage.createDeployment(
      deploymentFixture("d2", { class_key: "other", target_env: "prod", target_clusters: ["c"] }),
      [mapping("c", "d2-c")],
    );
    expect((await storage.getMappings("d1")).map((m) => m.cluster)).to.deep.equal(["a", "b"]);
    const keys = async (f: Parameters<Storage["listDeployments"]>[0]) =>
      (await storage.listDeployments(f)).map((d) => d.key);
    expect(await keys({})).to.deep.equal(["d1", "d2"]);
    expect(await keys({ target_cluster: "c" })).to.deep.equal(["d2"]);
    expect(await keys({ class_key: "c" })).to.deep.equal(["d1"]);
    expect(await keys({ target_env: "prod" })).to.deep.equal(["d2"]);
    expect(await keys({ package_name: "p", limit: 1, offset: 1 })).to.deep.equal(["d2"]);
    expect(await keys({ condition: "RUNNING" })).to.deep.equal([]);
    let error: unknown;
    try {
      await storage.createDeployment(deploymentFixture("d1"), []);
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(StorageConflictError);
    expect(await storage.getMappings("d1")).to.have.length(2);
  });

  it("updates a deployment and replaces its mappings together; delete removes both", async function () {
    await storage.createDeployment(deploymentFixture("d1"), [mapping("a", "d1-a"), mapping("b", "d1-b")]);
    await storage.updateDeployment("d1", (d, mappings) => ({
      deployment: { ...d, condition: "DEPLOYING" },
      mappings: mappings.filter((m) => m.cluster === "b"),
    }));
    expect((await storage.getDeployment("d1"))?.condition).to.equal("DEPLOYING");
    expect((await storage.getMappings("d1")).map((m) => m.cluster)).to.deep.equal(["b"]);
    await storage.updateDeployment("d1", (d) => ({ deployment: { ...d, condition: "RUNNING" } }));
    expect(await storage.getMappings("d1")).to.have.length(1);
    expect((await storage.listDeployments({ condition: "RUNNING" })).map((d) => d.key)).to.deep.equal(["d1"]);
    expect(await storage.deleteDeployment("d1")).to.equal(true);
    expect(await storage.getDeployment("d1")).to.equal(undefined);
    expect(await storage.getMappings("d1")).to.deep.equal([]);
    expect(await storage.deleteDeployment("d1")).to.equal(false);
  });

  it("concurrent updates of one package lose nothing (compare-and-swap)", async function () {
    await storage.createPackage(pkgFixture("shop"));
    const writers = 25;
    await Promise.all(
      Array.from({ length: writers }, (_, i) =>
        storage.updatePackage("shop", (p) => ({
          ...p,
          metadata: { ...p.metadata, tags: [...p.metadata.tags, `t${i}`] },
        })),
      ),
    );
    const tags = (await storage.getPackage("shop"))?.metadata.tags ?? [];
    expect(tags).to.have.length(writers);
    expect(new Set(tags).size).to.equal(writers);
  });

  it("concurrent deployment updates lose nothing either", async function () {
    await storage.createDeployment(deploymentFixture("d1", { target_clusters: [] }), []);
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        storage.updateDeployment("d1", (d, m) => ({
          deployment: { ...d, target_clusters: [...d.target_clusters, `c${i}`] },
          mappings: [...m, mapping(`c${i}`, `u${i}`)],
        })),
      ),
    );
    expect((await storage.getDeployment("d1"))?.target_clusters).to.have.length(10);
    expect(await storage.getMappings("d1")).to.have.length(10);
  });

  it("answers ping", async function () {
    await storage.ping();
  });
}
