// Every field of the DeploymentRecord CRD says what it is: `kubectl explain
// deploymentrecord.spec` once showed mostly <no description>. Walks the generated
// schema (what crdgen writes and the API server serves), not the source.
import { expect } from "chai";
import { deploymentRecordCrd, type JsonSchemaProps } from "../../src/index.ts";

/**
 * Where a description is forbidden: the API server refuses a CRD whose root `metadata`
 * schema says anything but its type (422 "must not specify anything other than name and
 * generateName"); kubectl explain describes ObjectMeta from the API server's own schema.
 */
const forbidden = new Set(["metadata"]);

/** The paths (kubectl explain's dotted form) of properties without a description. */
function undescribed(schema: JsonSchemaProps, path: string): string[] {
  const missing: string[] = [];
  for (const [key, property] of Object.entries(schema.properties ?? {})) {
    const at = path ? `${path}.${key}` : key;
    if (forbidden.has(at)) continue;
    if (!property.description?.trim()) missing.push(at);
    missing.push(...undescribed(property, at));
  }
  // Array items and map values are explained under the field that holds them.
  if (schema.items) missing.push(...undescribed(schema.items, path));
  if (schema.additionalProperties) missing.push(...undescribed(schema.additionalProperties, path));
  return missing;
}

describe("crd: every field has a description", function () {
  const version = deploymentRecordCrd().spec.versions[0];
  const root = version?.schema.openAPIV3Schema ?? {};

  it("no property of the generated schema lacks one", function () {
    expect(undescribed(root, "")).to.deep.equal([]);
  });

  it("the root metadata has none: the API server refuses one there", function () {
    expect(root.properties?.["metadata"]).to.deep.equal({ type: "object" });
  });

  it("the walk reaches nested, array-item and map-value properties (so it could fail)", function () {
    const paths: string[] = [];
    const visit = (schema: JsonSchemaProps, path: string) => {
      for (const [key, property] of Object.entries(schema.properties ?? {})) {
        paths.push(path ? `${path}.${key}` : key);
        visit(property, path ? `${path}.${key}` : key);
      }
      if (schema.items) visit(schema.items, path);
      if (schema.additionalProperties) visit(schema.additionalProperties, path);
    };
    visit(root, "");
    for (const deep of [
      "spec.functions.provision_config.container_image",
      "spec.odgm_config.invocations.fn_routes.url",
      "status.conditions.reason",
      "status.template_selection.runner_up.score",
    ])
      expect(paths).to.include(deep);
    const stripped = structuredClone(root);
    delete stripped.properties?.["spec"]?.properties?.["class_key"]?.description;
    expect(undescribed(stripped, "")).to.deep.equal(["spec.class_key"]);
  });
});
