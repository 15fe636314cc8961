// The generated CRD on a real kube-apiserver: installs idempotently, accepts both spec
// forms, round-trips every field, rejects what the schema forbids with a 422 naming the
// field, keeps status on its subresource, and serves the short name and printer columns.
import type * as k8s from "@kubernetes/client-node";
import { customResourceDefinitions, getObject, type KubeClient } from "@oaas/kube";
import { testCluster, useTestNamespace } from "@oaas/testkit";
import { expect } from "chai";
import {
  apiVersion,
  crdName,
  deploymentRecordCrd,
  kind,
  type Condition,
  type DeploymentRecord,
} from "../../src/index.ts";
import {
  fullSpec,
  fullStatus,
  inNamespace,
  record,
  seedSpec,
  withSpecField,
  withStatus,
} from "../fixtures.ts";
import { applyCrd, expectFailure, installCrd, rawGet, recordsApi } from "./support.ts";

type ServedCrd = ReturnType<typeof deploymentRecordCrd> & { metadata: { generation?: number } };

describe("crd: DeploymentRecord on the real API server", function () {
  this.timeout(120_000);
  const ns = useTestNamespace("crd");
  let kube: KubeClient;
  let records: ReturnType<typeof recordsApi>;
  const full = (name: string) => record(name, fullSpec, inNamespace(ns.name));
  /** The served CRD as JSON: the generated manifest's shape, plus what the server adds. */
  const servedCrd = async (): Promise<ServedCrd> => {
    const crd = await getObject<ServedCrd>(kube, customResourceDefinitions, undefined, crdName);
    if (!crd) throw new Error(`CRD ${crdName} is not installed`);
    return crd;
  };

  before(async () => {
    ({ kube } = await testCluster());
    await installCrd(kube, full("schema-probe"), ns.name);
    records = recordsApi(kube, ns.name);
  });

  it("installs idempotently: applying the same manifest again changes nothing", async () => {
    const before = await servedCrd();
    const after = await applyCrd(kube);
    expect(after.metadata.generation).to.equal(before.metadata.generation);
  });

  it("serves the schema exactly as generated (enums and list types survive the install)", async () => {
    // As sent on the wire (client-node's typed models would rename enum and x-kubernetes-*).
    const served = await servedCrd();
    expect(served.spec.versions[0]?.schema).to.deep.equal(deploymentRecordCrd().spec.versions[0]?.schema);
  });

  it("serves the short name, category and printer columns", async () => {
    const crd = await servedCrd();
    expect(crd.spec.names.shortNames).to.deep.equal(["dr"]);
    expect(crd.spec.names.categories).to.deep.equal(["oaas"]);
    const v1alpha1 = crd.spec.versions.find((v) => v.name === "v1alpha1");
    expect(v1alpha1?.subresources.status).to.deep.equal({});
    expect(v1alpha1?.additionalPrinterColumns.map((c) => c.name)).to.include.members([
      "Class",
      "Template",
      "Phase",
      "Available",
      "Reason",
      "Age",
    ]);
    const discovery = (await rawGet(kube, "/apis/oaas.io/v1alpha1")) as { resources: k8s.V1APIResource[] };
    const served = discovery.resources.find((r) => r.name === "deploymentrecords");
    expect(served?.shortNames).to.deep.equal(["dr"]);
    expect(served?.categories).to.deep.equal(["oaas"]);
  });

  for (const withNfr of [false, true]) {
    it(`accepts the hand-written hello-class sample ${withNfr ? "with" : "without"} the nfr block`, async () => {
      const sample = record(
        `hello-class${withNfr ? "-nfr" : ""}`,
        seedSpec({ withNfr }),
        inNamespace(ns.name),
      );
      await records.create(sample);
      expect((await records.get(sample.metadata.name)).spec).to.deep.equal(sample.spec);
    });
  }

  it("round-trips a fully populated Deploy-form record field for field", async () => {
    const written = full("round-trip");
    await records.create(written); // fieldValidation Strict: an undeclared field fails loudly
    const read = await records.get("round-trip");
    expect(read.spec).to.deep.equal(written.spec);
    expect(read.spec.created_at?.seconds).to.equal("9223372036854775807");
    expect(read.spec.odgm_config?.invocations?.fn_routes?.["place"]?.active_group).to.deep.equal([
      "0",
      "18446744073709551615",
    ]);
  });

  const invalid: { name: string; path: (string | number)[]; value: unknown; field: string }[] = [
    {
      name: 'enforcement mode "sometimes"',
      path: ["nfr", "enforcement", "mode"],
      value: "sometimes",
      field: "spec.nfr.enforcement.mode",
    },
    { name: "port 70000", path: ["function", "port"], value: 70000, field: "spec.function.port" },
    {
      name: "provision_config port 0",
      path: ["functions", 0, "provision_config", "port"],
      value: 0,
      field: "spec.functions[0].provision_config.port",
    },
    {
      name: "dimension gpu",
      path: ["nfr", "enforcement", "dimensions"],
      value: ["gpu"],
      field: "spec.nfr.enforcement.dimensions[0]",
    },
    {
      name: "availability 2",
      path: ["nfr", "requirements", "availability"],
      value: 2,
      field: "spec.nfr.requirements.availability",
    },
    {
      name: "negative max_scale",
      path: ["functions", 0, "provision_config", "max_scale"],
      value: -1,
      field: "max_scale",
    },
    {
      name: "int64 seconds as text",
      path: ["created_at", "seconds"],
      value: "soon",
      field: "spec.created_at.seconds",
    },
  ];
  for (const row of invalid) {
    it(`rejects ${row.name} with a 422 naming ${row.field}`, async () => {
      const bad = record(
        `invalid-${invalid.indexOf(row)}`,
        fullSpec,
        inNamespace(ns.name),
        withSpecField(row.path, row.value),
      );
      const failure = await expectFailure(records.create(bad));
      expect(failure.code).to.equal(422);
      expect(failure.message).to.include(row.field);
    });
  }

  it("keeps status on its subresource: main-resource writes of status are ignored, spec writes keep it", async () => {
    const created = await records.create(
      record("status", seedSpec(), inNamespace(ns.name), withStatus(fullStatus)),
    );
    expect(created.status, "status on create is ignored").to.equal(undefined);

    const withStatusWritten = await records.replaceStatus({ ...created, status: fullStatus });
    expect((await records.get("status")).status).to.deep.equal(fullStatus);

    const edited = record(
      "status",
      seedSpec({ withNfr: true }),
      inNamespace(ns.name),
      withStatus({ phase: "Failed" }),
    );
    edited.metadata.resourceVersion = withStatusWritten.metadata.resourceVersion ?? "";
    const afterSpecWrite = await records.replace(edited);
    expect(afterSpecWrite.spec).to.deep.equal(seedSpec({ withNfr: true }));
    expect(afterSpecWrite.status, "spec write leaves status alone").to.deep.equal(fullStatus);
    expect(afterSpecWrite.metadata.generation).to.equal((created.metadata.generation ?? 0) + 1);

    const statusOnly = {
      ...afterSpecWrite,
      spec: seedSpec(),
      status: { ...fullStatus, phase: "Degraded" as const },
    };
    const afterStatusWrite = await records.replaceStatus(statusOnly);
    expect(afterStatusWrite.spec, "status write leaves spec alone").to.deep.equal(
      seedSpec({ withNfr: true }),
    );
    expect(afterStatusWrite.status?.phase).to.equal("Degraded");
    expect(afterStatusWrite.metadata.generation).to.equal(afterSpecWrite.metadata.generation);
  });

  it("lets each field manager own its own condition (conditions are a map keyed by type)", async () => {
    await records.create(record("owners", seedSpec(), inNamespace(ns.name)));
    const [available, , , nfr] = fullStatus.conditions;
    if (!available || !nfr) throw new Error("fixture has no Available or NfrObserved condition");
    const fragment = (c: Condition): Omit<DeploymentRecord, "spec"> => ({
      apiVersion,
      kind,
      metadata: { name: "owners" },
      status: { conditions: [c] },
    });
    await records.applyStatus(fragment(available), "oaas-crm-reconcile");
    const after = await records.applyStatus(fragment(nfr), "oaas-crm-analyze");
    expect(after.status?.conditions).to.deep.equal([available, nfr]);
  });

  it("rejects an invalid condition written through /status with a 422 naming it", async () => {
    const created = await records.create(record("bad-status", seedSpec(), inNamespace(ns.name)));
    const condition = {
      type: "Available",
      status: "Maybe",
      reason: "X",
      message: "",
      lastTransitionTime: "2026-01-01T00:00:00Z",
    };
    const body = { ...created, status: { conditions: [condition] } } as unknown as DeploymentRecord;
    const failure = await expectFailure(records.replaceStatus(body));
    expect(failure.code).to.equal(422);
    expect(failure.message).to.include("status.conditions[0].status");
  });

  it("fills the printer columns (server-side Table, what kubectl get dr shows)", async () => {
    const created = await records.create(full("columns"));
    await records.replaceStatus({ ...created, status: fullStatus });
    const table = (await rawGet(
      kube,
      `/apis/oaas.io/v1alpha1/namespaces/${ns.name}/deploymentrecords/columns`,
      "application/json;as=Table;v=v1;g=meta.k8s.io",
    )) as { columnDefinitions: { name: string }[]; rows: { cells: unknown[] }[] };
    const cells = Object.fromEntries(
      table.columnDefinitions.map((c, i) => [c.name, table.rows[0]?.cells[i]]),
    );
    expect(cells).to.include({
      Name: "columns",
      Class: "Order",
      Template: "edge",
      Phase: "Available",
      Available: "True",
      Reason: "MinimumReplicasAvailable",
      Package: "shop",
      Env: "edge-eu",
    });
  });
});
