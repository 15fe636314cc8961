// Issue 7 item 2: the renderer's quantity rules checked against the real API server.
// For each odd input, render a Deployment with it as cpu_request (and, separately, as
// memory_limit) and server-side apply it with dryRun=All: the API server must accept
// exactly what render accepts. The table mixes inputs from public bug reports with
// grammar edges. The dangerous direction (render accepts, the server refuses) must never
// occur; the stricter one only where quantity.ts documents it.
import type { DeploymentRecord } from "@oaas/crd";
import type { KubeClient } from "@oaas/kube";
import { testCluster, useTestNamespace } from "@oaas/testkit";
import { expect } from "chai";
import { defaultRenderContext, render } from "../../src/index.ts";
import { applyDryRun } from "./support.ts";

const odd = [
  "1e3",
  "0.1m",
  "1.5Gi",
  "1Ki",
  "+1",
  ".5",
  "1E",
  "9223372036854775807",
  "9223372036854775808",
  "1.",
  "-1",
  "0",
  "-0",
  "1e",
  "e3",
  "1ki",
  "1KI",
  "1.5.5",
  "0x10",
  "1e-3",
  "1E3",
  "1e+3",
  "1E-3",
  "100000000000000000000000",
  "1e18",
  "1e19",
  "1e999",
  "0.0001",
  "1m",
  "1.5m",
  "0.5m",
  "1 ",
  " 1",
  "1Mi ",
  "1mi",
  "1b",
  "1.0Ei",
  "8Ei",
  "1e-9",
  "1n",
  "1u",
  "12345678901234567890.123",
];

function record(field: "cpu_request" | "memory_limit", value: string): DeploymentRecord {
  return {
    apiVersion: "oaas.io/v1alpha1",
    kind: "DeploymentRecord",
    metadata: { name: "q", namespace: "x", uid: "00000000-0000-4000-8000-000000000001" },
    spec: {
      deployment_id: "q",
      functions: [{ function_key: "f", provision_config: { container_image: "img:1", [field]: value } }],
    },
  };
}

describe("templates: quantities as the real API server parses them", function () {
  this.timeout(120_000);
  const ns = useTestNamespace("qty");
  let kube: KubeClient;
  before(async () => {
    ({ kube } = await testCluster());
  });

  for (const field of ["cpu_request", "memory_limit"] as const) {
    it(`${field}: render never accepts what the API server refuses (stricter only where documented)`, async function () {
      const disagreements: string[] = [];
      for (const value of odd) {
        const r = record(field, value);
        r.metadata.namespace = ns.name;
        const rendered = render(r, defaultRenderContext("dev"));
        // When render refuses, apply the same Deployment shape by hand to ask the server.
        const deployment = rendered.ok
          ? rendered.objects.find((o) => o.kind === "Deployment")
          : {
              apiVersion: "apps/v1",
              kind: "Deployment",
              metadata: { name: "q-f", namespace: ns.name },
              spec: {
                selector: { matchLabels: { app: "q" } },
                template: {
                  metadata: { labels: { app: "q" } },
                  spec: {
                    containers: [
                      {
                        name: "function",
                        image: "img:1",
                        resources:
                          field === "cpu_request"
                            ? { requests: { cpu: value } }
                            : { limits: { memory: value } },
                      },
                    ],
                  },
                },
              },
            };
        if (!deployment) throw new Error("no Deployment rendered");
        const outcome = await applyDryRun(kube, deployment);
        const serverAccepts = outcome.status >= 200 && outcome.status < 300;
        if (serverAccepts !== rendered.ok) {
          disagreements.push(
            `${JSON.stringify(value)}: render ${rendered.ok ? "accepts" : "refuses"}, API server ${serverAccepts ? "accepts" : `refuses (${String(outcome.body["message"]).slice(0, 120)})`}`,
          );
        }
      }
      // Render is stricter on purpose (quantity.ts): blanks the server trims, a missing number.
      expect(disagreements).to.deep.equal(
        ["e3", "1 ", " 1", "1Mi "].map((v) => `${JSON.stringify(v)}: render refuses, API server accepts`),
      );
    });
  }
});
