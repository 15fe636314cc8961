import type { DeploymentRecord } from "@oaas/crd";
import { expect } from "chai";
import {
  escapeFieldValue,
  fieldSelector,
  filterAndPage,
  validateListFilter,
} from "../../src/deployments/list.ts";

function record(name: string, spec: DeploymentRecord["spec"], available?: boolean): DeploymentRecord {
  const conditions = available
    ? [
        {
          type: "Available" as const,
          status: "True" as const,
          reason: "Ready",
          message: "",
          lastTransitionTime: "2026-01-01T00:00:00Z",
        },
      ]
    : undefined;
  return {
    apiVersion: "oaas.io/v1alpha1",
    kind: "DeploymentRecord",
    metadata: { name },
    spec,
    ...(conditions ? { status: { conditions } } : {}),
  };
}

const records = [
  record("c", { package_name: "shop", class_key: "Cart", target_env: "dev" }, true),
  record("a", { package_name: "shop", class_key: "Order", target_env: "prod" }),
  record("b", { package_name: "blog", class_key: "Post", target_env: "dev" }, true),
];
const names = (rs: DeploymentRecord[]) => rs.map((r) => r.metadata.name);

describe("ListClassRuntimes filters", function () {
  it("field selector: exact terms, escaped like fields.EscapeValue", function () {
    expect(fieldSelector({})).to.equal("");
    expect(fieldSelector({ packageName: "a,b=c\\d", classKey: "K", targetEnv: "e" })).to.equal(
      "spec.package_name=a\\,b\\=c\\\\d,spec.class_key=K,spec.target_env=e",
    );
    expect(escapeFieldValue("plain")).to.equal("plain");
  });

  it("filters exactly, by status summary, sorted by name, then offset and limit", function () {
    expect(names(filterAndPage(records, {}))).to.deep.equal(["a", "b", "c"]);
    expect(names(filterAndPage(records, { packageName: "shop" }))).to.deep.equal(["a", "c"]);
    expect(names(filterAndPage(records, { packageName: "sho" }))).to.deep.equal([]);
    expect(names(filterAndPage(records, { targetEnv: "dev", classKey: "Post" }))).to.deep.equal(["b"]);
    expect(names(filterAndPage(records, { status: "running" }))).to.deep.equal(["b", "c"]);
    expect(names(filterAndPage(records, { status: "SUMMARY_UNKNOWN" }))).to.deep.equal(["a"]);
    expect(names(filterAndPage(records, { status: "NOT_FOUND" }))).to.deep.equal([]);
    expect(names(filterAndPage(records, { limit: 2 }))).to.deep.equal(["a", "b"]);
    expect(names(filterAndPage(records, { limit: 0, offset: 1 }))).to.deep.equal(["b", "c"]);
    expect(names(filterAndPage(records, { limit: 1, offset: 2 }))).to.deep.equal(["c"]);
  });

  it("an unknown status name is a field error; known names in any case are not", function () {
    expect(validateListFilter({ status: "green" }).map((e) => e.field)).to.deep.equal(["status"]);
    for (const status of [
      "",
      "running",
      "Degraded",
      "ERROR",
      "summary_unknown",
      "PROGRESSING",
      "NOT_FOUND",
    ]) {
      expect(validateListFilter({ status })).to.deep.equal([]);
    }
  });
});
