import type { DeploymentRecordSpec, FunctionSpec } from "@oaas/crd";
import { expect } from "chai";
import { maxUnitBytes, validateDeployment } from "../../src/deployments/validate.ts";

type Change = (spec: DeploymentRecordSpec & { functions: FunctionSpec[] }) => void;

function spec(change: Change = () => undefined): DeploymentRecordSpec {
  const s = {
    deployment_id: "shop",
    package_name: "pkg",
    class_key: "cls",
    target_env: "dev",
    functions: [
      { function_key: "fn", provision_config: { container_image: "img:1", port: 8080 } },
    ] as FunctionSpec[],
  };
  change(s);
  return s;
}
const pc = (s: { functions: FunctionSpec[] }) => (s.functions[0] as FunctionSpec).provision_config ?? {};

describe("validateDeployment (wire-level rules; Kubernetes rules: admission.test.ts)", function () {
  it("accepts a valid unit, also with every optional field at its edge", function () {
    expect(validateDeployment(spec())).to.deep.equal([]);
    const edge = spec((s) => {
      Object.assign(pc(s), {
        port: 65535,
        min_scale: 3,
        max_scale: 3,
        cpu_request: "0.5",
        memory_limit: "1Gi",
      });
      (s.functions[0] as FunctionSpec).nfr_requirements = { availability: 1, cpu_utilization_target: 2.5 };
      (s.functions[0] as FunctionSpec).config = { PATH_X: "a=b" };
      s.deployment_id = "Ünïcode-id_with.dots";
    });
    expect(validateDeployment(edge)).to.deep.equal([]);
  });

  const rows: { name: string; change?: Change; given?: undefined; field: string }[] = [
    { name: "missing unit", given: undefined, field: "deployment_unit" },
    { name: "empty id", change: (s) => (s.deployment_id = ""), field: "deployment_unit.id" },
    { name: "id with a space", change: (s) => (s.deployment_id = "a b"), field: "deployment_unit.id" },
    { name: "id with NUL", change: (s) => (s.deployment_id = "a\u0000"), field: "deployment_unit.id" },
    { name: "id with C1 control", change: (s) => (s.deployment_id = "a\u0085"), field: "deployment_unit.id" },
    {
      name: "id of 254 chars",
      change: (s) => (s.deployment_id = "a".repeat(254)),
      field: "deployment_unit.id",
    },
    { name: "no functions", change: (s) => (s.functions = []), field: "deployment_unit.functions" },
    {
      name: "function without provision_config",
      change: (s) => delete (s.functions[0] as FunctionSpec).provision_config,
      field: "deployment_unit.functions[0].provision_config.container_image",
    },
    {
      name: "empty image",
      change: (s) => (pc(s).container_image = ""),
      field: "deployment_unit.functions[0].provision_config.container_image",
    },
    {
      name: "image with whitespace",
      change: (s) => (pc(s).container_image = "img 1"),
      field: "deployment_unit.functions[0].provision_config.container_image",
    },
    {
      name: "image with an uppercase repository path (kubelet: InvalidImageName)",
      change: (s) => (pc(s).container_image = "ghcr.io/Example/Cart-Add:1.0"),
      field: "deployment_unit.functions[0].provision_config.container_image",
    },
    {
      name: "image with a tag starting with a dot",
      change: (s) => (pc(s).container_image = "img:.1"),
      field: "deployment_unit.functions[0].provision_config.container_image",
    },
    {
      name: "empty function key",
      change: (s) => ((s.functions[0] as FunctionSpec).function_key = ""),
      field: "deployment_unit.functions[0].function_key",
    },
    {
      name: "duplicate function key",
      change: (s) => s.functions.push({ function_key: "fn", provision_config: { container_image: "x" } }),
      field: "deployment_unit.functions[1].function_key",
    },
    {
      name: "availability NaN",
      change: (s) => ((s.functions[0] as FunctionSpec).nfr_requirements = { availability: NaN }),
      field: "deployment_unit.functions[0].nfr_requirements.availability",
    },
    {
      name: "negative nanos",
      change: (s) => (s.created_at = { seconds: "1", nanos: -1 }),
      field: "deployment_unit.created_at.nanos",
    },
    { name: "lone surrogate", change: (s) => (s.class_key = "x\ud800"), field: "deployment_unit.class_key" },
    {
      name: "too large",
      change: (s) => ((s.functions[0] as FunctionSpec).description = "d".repeat(maxUnitBytes)),
      field: "deployment_unit",
    },
  ];
  for (const row of rows) {
    it(`rejects ${row.name}, naming ${row.field}`, function () {
      const errors = validateDeployment("change" in row ? spec(row.change) : row.given);
      expect(errors.map((e) => e.field)).to.include(row.field);
    });
  }

  it("reports every problem at once", function () {
    const errors = validateDeployment(
      spec((s) => {
        s.deployment_id = "";
        pc(s).container_image = "";
        s.created_at = { seconds: "1", nanos: -1 };
      }),
    );
    expect(errors).to.have.length(3);
  });
});
