// DeploymentsService policy with an in-memory RecordStore (a fake inside a pure unit;
// the real API server is exercised by the integration suites). Faults are injected by
// call count, e.g. "the first apply loses a race".
import {
  deploymentIdLabel,
  labelValue,
  recordName,
  type DeploymentRecord,
  type DeploymentRecordSpec,
} from "@oaas/crd";
import { expect } from "chai";
import { DeploymentError } from "../../src/deployments/errors.ts";
import { DeploymentsService, type AcceptedDeploy, type RequestScope } from "../../src/deployments/service.ts";
import type { Applied, RecordStore } from "../../src/deployments/store.ts";

/** The API server's behaviour the service relies on: SSA upsert, the CRD's immutable deployment_id. */
class MemoryStore implements RecordStore {
  readonly records = new Map<string, DeploymentRecord>();
  applies = 0;
  private version = 1;

  get(_ns: string, name: string) {
    return Promise.resolve(structuredClone(this.records.get(name)));
  }
  apply(record: DeploymentRecord): Promise<Applied> {
    this.applies++;
    const current = this.records.get(record.metadata.name);
    if (current && current.spec.deployment_id !== record.spec.deployment_id) {
      // What store.ts makes of the CRD's CEL rule refusing the apply.
      return Promise.reject(new DeploymentError("alreadyExists", "spec.deployment_id is immutable"));
    }
    const stored: DeploymentRecord = {
      ...structuredClone(record),
      metadata: {
        ...structuredClone(record.metadata),
        resourceVersion: String(++this.version),
        generation: (current?.metadata.generation ?? 0) + 1,
        uid: "u1",
        ...(current?.metadata.deletionTimestamp
          ? { deletionTimestamp: current.metadata.deletionTimestamp }
          : {}),
      },
    };
    this.records.set(record.metadata.name, stored);
    return Promise.resolve({ record: stored, created: current === undefined });
  }
  list() {
    return Promise.resolve([...this.records.values()]);
  }
  delete(_ns: string, name: string) {
    const r = this.records.get(name);
    if (!r) return Promise.resolve(false);
    r.metadata.deletionTimestamp = "2026-01-01T00:00:00Z";
    return Promise.resolve(true);
  }
}

const scope: RequestScope = { namespace: "ns", correlationId: "c", signal: new AbortController().signal };
const unit = (
  id: string,
  change: (s: DeploymentRecordSpec) => void = () => undefined,
): DeploymentRecordSpec => {
  const s: DeploymentRecordSpec = {
    deployment_id: id,
    functions: [{ function_key: "f", provision_config: { container_image: "i" } }],
  };
  change(s);
  return s;
};
function must<T>(value: T | undefined): T {
  if (value === undefined) throw new Error("missing");
  return value;
}
async function codeOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return "OK";
  } catch (error) {
    return error instanceof DeploymentError ? error.code : `unexpected ${String(error)}`;
  }
}

describe("DeploymentsService", function () {
  let store: MemoryStore;
  let service: DeploymentsService;
  beforeEach(function () {
    store = new MemoryStore();
    service = new DeploymentsService(store, { odgm: false, knative: false });
  });

  it("created, then updated: one apply per Deploy and no read", async function () {
    let reads = 0;
    const get = store.get.bind(store);
    store.get = (ns, name) => {
      reads++;
      return get(ns, name);
    };
    expect((await service.deploy({ unit: unit("a") }, scope)).result).to.equal("created");
    expect((await service.deploy({ unit: unit("a") }, scope)).result).to.equal("updated");
    expect(
      (await service.deploy({ unit: unit("a", (s) => (s.target_env = "prod")) }, scope)).result,
    ).to.equal("updated");
    expect(store.applies).to.equal(3);
    expect(reads).to.equal(0);
  });

  it("tells onAccepted of every stored Deploy (with generation and correlation id), and of nothing refused", async function () {
    const accepted: AcceptedDeploy[] = [];
    const told = new DeploymentsService(store, { odgm: false, knative: false }, undefined, {
      accepted: (event) => {
        accepted.push(event);
        return Promise.resolve();
      },
    });
    await told.deploy({ unit: unit("a") }, scope);
    await told.deploy({ unit: unit("a", (s) => (s.target_env = "prod")) }, { ...scope, correlationId: "c2" });
    expect(await codeOf(told.deploy({ unit: unit("") }, scope))).to.equal("invalidArgument");
    await store.delete("ns", recordName("a"));
    expect(await codeOf(told.deploy({ unit: unit("a") }, scope))).to.equal("failedPrecondition");
    expect(accepted).to.deep.equal([
      {
        namespace: "ns",
        name: recordName("a"),
        deploymentId: "a",
        generation: 1,
        result: "created",
        correlationId: "c",
      },
      {
        namespace: "ns",
        name: recordName("a"),
        deploymentId: "a",
        generation: 2,
        result: "updated",
        correlationId: "c2",
      },
    ]);
  });

  const refusals: { name: string; given: () => Promise<unknown>; want: string }[] = [
    { name: "invalid unit", given: () => service.deploy({ unit: unit("") }, scope), want: "invalidArgument" },
    {
      name: "missing unit",
      given: () => service.deploy({ unit: undefined }, scope),
      want: "invalidArgument",
    },
    {
      name: "ODGM while off",
      given: () => service.deploy({ unit: unit("o", (s) => (s.odgm_config = {})) }, scope),
      want: "failedPrecondition",
    },
    {
      name: "unknown template",
      given: () => service.deploy({ unit: unit("t"), template: "cloudy" }, scope),
      want: "failedPrecondition",
    },
    {
      name: "knative while off",
      given: () => service.deploy({ unit: unit("k"), template: "knative" }, scope),
      want: "failedPrecondition",
    },
    { name: "status of unknown id", given: () => service.find("nope", scope), want: "notFound" },
    { name: "delete of unknown id", given: () => service.delete("nope", scope), want: "notFound" },
    {
      name: "list with unknown status",
      given: () => service.list({ status: "blue" }, scope),
      want: "invalidArgument",
    },
  ];
  for (const row of refusals) {
    it(`refuses ${row.name} (${row.want}) without writing`, async function () {
      expect(await codeOf(row.given())).to.equal(row.want);
      expect(store.applies).to.equal(0);
    });
  }

  // A 70,000-character id once ended in FRAME_SIZE_ERROR, its NOT_FOUND
  // message echoing the whole id into grpc-message. Every RPC that takes an id refuses
  // one above the DNS subdomain limit, naming the field and quoting nothing unbounded.
  for (const [name, call] of [
    ["deploy", (id: string) => service.deploy({ unit: unit(id) }, scope)],
    ["find", (id: string) => service.find(id, scope)],
    ["delete", (id: string) => service.delete(id, scope)],
  ] as const) {
    it(`${name}: ids of 254 and 70,000 characters are invalidArgument naming the field, message bounded`, async function () {
      for (const id of ["i".repeat(254), "i".repeat(70_000)]) {
        const error = await call(id).then(
          () => expect.fail("must be refused"),
          (e: unknown) => e as DeploymentError,
        );
        expect(error.code).to.equal("invalidArgument");
        const field = name === "deploy" ? "deployment_unit.id" : "deployment_id";
        expect(error.fieldErrors.map((f) => f.field)).to.deep.equal([field]);
        expect(error.message).to.contain(`${id.length} characters; at most 253`);
        expect(error.message.length).to.be.below(200);
      }
      expect(store.applies).to.equal(0);
    });
  }

  it("an id of exactly 253 characters is accepted", async function () {
    const id = "i".repeat(253);
    expect((await service.deploy({ unit: unit(id) }, scope)).deploymentId).to.equal(id);
    expect((await service.find(id, scope)).spec.deployment_id).to.equal(id);
  });

  it("ALREADY_EXISTS for a record of another id under the derived name; reads do not see it", async function () {
    store.records.set(recordName("x"), {
      apiVersion: "oaas.io/v1alpha1",
      kind: "DeploymentRecord",
      metadata: { name: recordName("x"), labels: { [deploymentIdLabel]: labelValue("y") } },
      spec: { deployment_id: "y" },
    });
    expect(await codeOf(service.deploy({ unit: unit("x") }, scope))).to.equal("alreadyExists");
    expect(await codeOf(service.find("x", scope))).to.equal("notFound");
    expect(store.records.get(recordName("x"))?.spec.deployment_id).to.equal("y");
  });

  it("derives addons and the canonical template", async function () {
    const odgm = new DeploymentsService(store, { odgm: true, knative: true });
    await odgm.deploy(
      { unit: unit("d", (s) => (s.odgm_config = { collections: ["c"] })), template: " KN " },
      scope,
    );
    const spec = store.records.get(recordName("d"))?.spec;
    expect(spec?.addons).to.deep.equal(["odgm"]);
    expect(spec?.selected_template).to.equal("knative");
  });

  it("delete marks for deletion; twice is fine; deploy while deleting is refused", async function () {
    await service.deploy({ unit: unit("del") }, scope);
    expect(await service.delete("del", scope)).to.equal("requested");
    expect(await service.delete("del", scope)).to.equal("alreadyDeleting");
    expect(await codeOf(service.deploy({ unit: unit("del") }, scope))).to.equal("failedPrecondition");
  });

  describe("served namespaces (the watcher's, @oaas/config servedNamespaces)", function () {
    const served = (ns: string): RequestScope => ({ ...scope, namespace: ns });
    let only: DeploymentsService;
    beforeEach(function () {
      only = new DeploymentsService(store, { odgm: false, knative: false, servedNamespaces: ["ns", "ns2"] });
    });

    it("a Deploy elsewhere is FAILED_PRECONDITION naming the served ones, with nothing applied", async function () {
      for (const ns of ["kube-system", "other"]) {
        const error = await only.deploy({ unit: unit("a") }, served(ns)).catch((e: unknown) => e);
        expect(error).to.be.instanceOf(DeploymentError);
        expect((error as DeploymentError).code).to.equal("failedPrecondition");
        expect((error as DeploymentError).message).to.contain(`namespace ${ns} is not served by this CRM`);
        expect((error as DeploymentError).message).to.contain(
          "watches ns, ns2 (OPRC_CRM_ALLOWED_NAMESPACES)",
        );
      }
      expect(store.applies).to.equal(0);
      // Input errors still come first: they do not depend on where.
      expect(await codeOf(only.deploy({ unit: unit("") }, served("other")))).to.equal("invalidArgument");
      expect(await codeOf(only.deploy({ unit: unit("a") }, served("ns2")))).to.equal("OK");
    });

    it("status and delete of a record in an unserved namespace say no worker serves it; served ones answer", async function () {
      await service.deploy({ unit: unit("old") }, served("legacy")); // stored before the rule
      const status = await only.status("old", served("legacy")).catch((e: unknown) => e as DeploymentError);
      expect(status).to.be.instanceOf(DeploymentError);
      expect((status as DeploymentError).message).to.contain("record legacy/old has no status");
      const del = await only.delete("old", served("legacy")).catch((e: unknown) => e as DeploymentError);
      expect((del as DeploymentError).code).to.equal("failedPrecondition");
      expect((del as DeploymentError).message).to.match(
        /cannot be deleted: no worker of this CRM serves namespace legacy .*oaas\.io\/cleanup/,
      );
      expect(must(store.records.get(recordName("old"))).metadata.deletionTimestamp).to.equal(undefined);
      await store.delete("legacy", recordName("old"));
      const stuck = await only.delete("old", served("legacy")).catch((e: unknown) => e as DeploymentError);
      expect((stuck as DeploymentError).message).to.contain("record legacy/old is stuck in deletion");
      store.records.clear();
      await only.deploy({ unit: unit("new") }, served("ns"));
      expect((await only.status("new", served("ns"))).spec.deployment_id).to.equal("new");
      expect(await only.delete("new", served("ns"))).to.equal("requested");
    });
  });
});
