// Deploy's admission: the renderer's own rules, run by the ingress before its one write.
// Each row is an input Deploy used to answer OK for while render (or the cluster) then
// refused it; each must now be refused at Deploy with the wire field path.
import type { DeploymentRecordSpec, FunctionSpec } from "@oaas/crd";
import { expect } from "chai";
import { admissionContexts, admit, wireField } from "../../src/deployments/admission.ts";
import { DeploymentError } from "../../src/deployments/errors.ts";
import { desiredRecord } from "../../src/deployments/record.ts";

type Change = (spec: DeploymentRecordSpec & { functions: FunctionSpec[] }) => void;
const fn0 = (s: { functions: FunctionSpec[] }) => s.functions[0] as FunctionSpec;
const pc = (s: { functions: FunctionSpec[] }) => (fn0(s).provision_config ??= {});

function spec(change: Change = () => undefined): DeploymentRecordSpec {
  const s = {
    deployment_id: "shop",
    functions: [{ function_key: "fn", provision_config: { container_image: "img:1" } }] as FunctionSpec[],
  };
  change(s);
  return s;
}

const plain = admissionContexts({ profile: "dev", features: { odgm: true, hpa: true, knative: false } });
const withKnative = admissionContexts({ profile: "dev", features: { odgm: true, hpa: true, knative: true } });

/** "OK", or the code and field of the refusal. */
function outcome(s: DeploymentRecordSpec, contexts = plain): string {
  try {
    admit(desiredRecord(s, { namespace: "ns", correlationId: "c" }), contexts);
    return "OK";
  } catch (error) {
    if (!(error instanceof DeploymentError)) throw error;
    return `${error.code} ${error.fieldErrors.map((f) => f.field).join(",")}`;
  }
}

const at = "deployment_unit.functions[0]";
const refused: { name: string; change: Change; want: string; knative?: boolean }[] = [
  // 1: the validators that disagreed
  {
    name: 'cpu_request "-1"',
    change: (s) => (pc(s).cpu_request = "-1"),
    want: `${at}.provision_config.cpu_request`,
  },
  {
    name: "request above its limit",
    change: (s) => Object.assign(pc(s), { memory_request: "2Gi", memory_limit: "1Gi" }),
    want: `${at}.provision_config.memory_request`,
  },
  {
    name: "cpu_utilization_target 0",
    change: (s) => (fn0(s).nfr_requirements = { cpu_utilization_target: 0 }),
    want: `${at}.nfr_requirements.cpu_utilization_target`,
  },
  {
    name: "env key 1ST_VAR",
    change: (s) => (fn0(s).config = { "1ST_VAR": "x" }),
    want: `${at}.config.1ST_VAR`,
  },
  { name: "env key MY VAR", change: (s) => (fn0(s).config = { "MY VAR": "x" }), want: `${at}.config.MY VAR` },
  { name: "env key A=B", change: (s) => (fn0(s).config = { "A=B": "x" }), want: `${at}.config.A=B` },
  { name: "port 0", change: (s) => (pc(s).port = 0), want: `${at}.provision_config.port` },
  { name: "port 65536", change: (s) => (pc(s).port = 65536), want: `${at}.provision_config.port` },
  {
    name: 'cpu "1 core"',
    change: (s) => (pc(s).cpu_request = "1 core"),
    want: `${at}.provision_config.cpu_request`,
  },
  {
    name: "min_scale > max_scale",
    change: (s) => Object.assign(pc(s), { min_scale: 2, max_scale: 1 }),
    want: `${at}.provision_config.max_scale`,
  },
  // 2: Kubernetes' own ranges (uint32 on the wire, int32 in every replica field)
  {
    name: "min_scale 2147483648",
    change: (s) => (pc(s).min_scale = 2147483648),
    want: `${at}.provision_config.min_scale`,
  },
  {
    name: "max_scale 4294967295",
    change: (s) => (pc(s).max_scale = 4294967295),
    want: `${at}.provision_config.max_scale`,
  },
  {
    name: "max_concurrency 2147483648",
    change: (s) => (pc(s).max_concurrency = 2147483648),
    want: `${at}.provision_config.max_concurrency`,
  },
  {
    name: "ODGM replica_count 2147483648",
    change: (s) => (s.odgm_config = { replica_count: 2147483648 }),
    want: "deployment_unit.odgm_config.replica_count",
  },
  // The PM's bound (1..1024, @oaas/models) is the same rule: the CRM took 0 and 2^32-1.
  {
    name: "ODGM partition_count 0",
    change: (s) => (s.odgm_config = { partition_count: 0 }),
    want: "deployment_unit.odgm_config.partition_count",
  },
  {
    name: "ODGM partition_count 4294967295",
    change: (s) => (s.odgm_config = { partition_count: 4294967295 }),
    want: "deployment_unit.odgm_config.partition_count",
  },
  {
    name: "cpu target whose HPA percent overflows int32",
    change: (s) => (fn0(s).nfr_requirements = { cpu_utilization_target: 3e7 }),
    want: `${at}.nfr_requirements.cpu_utilization_target`,
  },
  // 3: Knative's admission webhook, for the knative template only
  {
    name: "knative port 9090",
    change: (s) => ((pc(s).port = 9090), (s.selected_template = "knative")),
    want: `${at}.provision_config.port`,
    knative: true,
  },
  {
    name: "knative port 8012",
    change: (s) => ((pc(s).port = 8012), (s.selected_template = "knative")),
    want: `${at}.provision_config.port`,
    knative: true,
  },
  {
    name: "knative env K_SERVICE",
    change: (s) => ((fn0(s).config = { K_SERVICE: "x" }), (s.selected_template = "knative")),
    want: `${at}.config.K_SERVICE`,
    knative: true,
  },
  {
    name: "knative env PORT",
    change: (s) => ((fn0(s).config = { PORT: "1" }), (s.selected_template = "knative")),
    want: `${at}.config.PORT`,
    knative: true,
  },
  {
    name: "knative containerConcurrency 1001",
    change: (s) => ((pc(s).max_concurrency = 1001), (s.selected_template = "knative")),
    want: `${at}.provision_config.max_concurrency`,
    knative: true,
  },
];

describe("crm Deploy admission: the renderer's rules, refused with the wire field path", function () {
  for (const row of refused) {
    it(`refuses ${row.name} (${row.want})`, function () {
      expect(outcome(spec(row.change), row.knative ? withKnative : plain)).to.equal(
        `invalidArgument ${row.want}`,
      );
    });
  }

  it("the Deployment templates keep accepting Knative-reserved values", function () {
    const s = spec((x) => {
      pc(x).port = 9090;
      pc(x).max_concurrency = 5000;
      fn0(x).config = { PORT: "1", K_SERVICE: "a" };
    });
    expect(outcome(s, withKnative)).to.equal("OK");
    expect(outcome({ ...s, selected_template: "dev" }, withKnative)).to.equal("OK");
  });

  it("a knative unit that only scoring could send to Knative is checked too (profile full)", function () {
    const full = admissionContexts({ profile: "full", features: { odgm: false, hpa: false, knative: true } });
    const serverless = spec((x) => {
      pc(x).port = 9090;
      fn0(x).nfr_requirements = { min_throughput_rps: 10, max_latency_ms: 1000 };
    });
    expect(outcome(serverless, full)).to.equal(`invalidArgument ${at}.provision_config.port`);
  });

  it("an explicit knative template while the CRDs are missing is the reconciler's to report, not a refusal", function () {
    expect(
      outcome(
        spec((s) => (s.selected_template = "knative")),
        withKnative,
      ),
    ).to.equal("OK");
  });

  it("HPA without a CPU request or limit is admitted: render adds a default request (templates tests)", function () {
    expect(outcome(spec((s) => Object.assign(pc(s), { min_scale: 1, max_scale: 5 })))).to.equal("OK");
  });

  it("maps record paths to wire fields", function () {
    expect(wireField("spec.functions[1].config.X")).to.equal("deployment_unit.functions[1].config.X");
    expect(wireField("spec.deployment_id")).to.equal("deployment_unit.id");
    expect(wireField("spec.selected_template")).to.equal("x-template");
    expect(wireField("metadata.uid")).to.equal("metadata.uid");
  });
});
