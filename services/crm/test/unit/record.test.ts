import {
  correlationIdAnnotation,
  deploymentIdLabel,
  finalizer,
  onBehalfOfAnnotation,
  recordName,
  requestedByAnnotation,
  traceparentAnnotation,
  type DeploymentRecord,
} from "@oaas/crd";
import { expect } from "chai";
import { contains, desiredRecord, isUpToDate, specHash } from "../../src/deployments/record.ts";
import { specHashAnnotation } from "../../src/deployments/labels.ts";

const spec = {
  deployment_id: "Shop Cart",
  package_name: "p",
  class_key: "c",
  target_env: "dev",
  functions: [{ function_key: "f" }],
};
const desired = desiredRecord(spec, { namespace: "ns", correlationId: "c1" });

/** The record as read back: desired plus what the API server and others add. */
function stored(change: (r: DeploymentRecord) => void = () => undefined): DeploymentRecord {
  const r = structuredClone(desired);
  r.metadata.resourceVersion = "7";
  r.metadata.labels = { ...r.metadata.labels, "someone/else": "x" };
  r.metadata.annotations = { ...r.metadata.annotations, [correlationIdAnnotation]: "older-request" };
  r.spec = { ...r.spec, nfr: { enforcement: { mode: "observe" } } };
  change(r);
  return r;
}

describe("desiredRecord and isUpToDate", function () {
  it("names, labels, annotates and finalizes the record", function () {
    expect(desired.metadata.name).to.equal(recordName("Shop Cart"));
    expect(desired.metadata.namespace).to.equal("ns");
    expect(desired.metadata.labels?.[deploymentIdLabel]).to.match(/^Shop-Cart-[a-z2-7]{8}$/);
    expect(desired.metadata.annotations).to.deep.equal({
      [correlationIdAnnotation]: "c1",
      [specHashAnnotation]: specHash(spec),
    });
    expect(desired.metadata.finalizers).to.deep.equal([finalizer]);
    expect(desired.spec).to.equal(spec);
  });

  it("carries the RPC's traceparent when tracing gave one, and a new one is still up to date", function () {
    const traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    const traced = desiredRecord(spec, { namespace: "ns", correlationId: "c1", traceparent });
    expect(traced.metadata.annotations?.[traceparentAnnotation]).to.equal(traceparent);
    expect(desired.metadata.annotations).to.not.have.property(traceparentAnnotation);
    expect(isUpToDate(stored(), traced)).to.equal(true);
  });

  it("names who asked (requested-by, on-behalf-of), and another asker is still up to date", function () {
    const asked = desiredRecord(spec, {
      namespace: "ns",
      correlationId: "c1",
      requestedBy: "pm-prod via deployer",
      onBehalfOf: "alice",
    });
    expect(asked.metadata.annotations).to.include({
      [requestedByAnnotation]: "pm-prod via deployer",
      [onBehalfOfAnnotation]: "alice",
    });
    expect(desired.metadata.annotations).to.not.have.property(requestedByAnnotation);
    expect(isUpToDate(stored(), asked)).to.equal(true);
  });

  it("the spec hash ignores key order", function () {
    expect(specHash({ class_key: "c", package_name: "p" })).to.equal(
      specHash({ package_name: "p", class_key: "c" }),
    );
    expect(specHash({ class_key: "c" })).to.not.equal(specHash({ class_key: "d" }));
  });

  const rows: { name: string; existing: DeploymentRecord; want: boolean }[] = [
    {
      name: "same spec, other correlation id, extra labels and fields of others",
      existing: stored(),
      want: true,
    },
    {
      name: "spec changed by hand",
      existing: stored((r) => (r.spec.target_env = "prod")),
      want: false,
    },
    {
      name: "a function dropped by hand",
      existing: stored((r) => (r.spec.functions = [])),
      want: false,
    },
    {
      name: "last applied spec differs (hash)",
      existing: stored((r) => (r.metadata.annotations = { [specHashAnnotation]: "old" })),
      want: false,
    },
    {
      name: "finalizer removed",
      existing: stored((r) => (r.metadata.finalizers = [])),
      want: false,
    },
    {
      name: "label removed",
      existing: stored((r) => delete r.metadata.labels?.[deploymentIdLabel]),
      want: false,
    },
  ];
  for (const row of rows) {
    it(`isUpToDate: ${row.name} -> ${row.want}`, function () {
      expect(isUpToDate(row.existing, desired)).to.equal(row.want);
    });
  }

  it("contains: objects by key, arrays by position and length", function () {
    expect(contains({ a: 1, b: [{ x: 1, y: 2 }] }, { b: [{ x: 1 }] })).to.be.true;
    expect(contains({ b: [1, 2] }, { b: [1] })).to.be.false;
    expect(contains({ a: "1" }, { a: 1 })).to.be.false;
    expect(contains(undefined, {})).to.be.false;
  });
});
