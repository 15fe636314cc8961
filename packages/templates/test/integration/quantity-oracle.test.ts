// The renderer's quantity rules checked against the real API server.
// For each odd input, render a Deployment with it as cpu_request (and, separately, as
// memory_limit) and server-side apply it with dryRun=All: the API server must accept
// exactly what render accepts. The table mixes inputs from public bug reports with
// grammar edges. The dangerous direction (render accepts, the server refuses) must never
// occur; the stricter one only where @oaas/kube-rules quantity.ts documents it.
import type { DeploymentRecord } from "@oaas/crd";
import type { KubeClient } from "@oaas/kube";
import { testCluster, useTestNamespace } from "@oaas/testkit";
import { expect } from "chai";
import { compareQuantities, parseQuantity, type Quantity } from "@oaas/kube-rules";
import { defaultRenderContext, render } from "../../src/index.ts";
import { applyAndReadBack } from "./support.ts";

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
  "9223372036854775807n",
  "9223372036854775807.5",
  "8Ei",
  "7.99Ei",
  "99999999999999999999Ei",
  "0.1n",
  "1.5n",
  "0.000000001",
  "0.0000000001",
  "1e-10",
  "10e-10",
  "123456789012345678",
];

/** The quantity as the API server stored it in the dry-run answer (cpu request or memory limit). */
function storedText(
  body: Record<string, unknown>,
  field: "cpu_request" | "memory_limit",
): string | undefined {
  const containers = (
    body as {
      spec?: {
        template?: { spec?: { containers?: { resources?: Record<string, Record<string, string>> }[] } };
      };
    }
  ).spec?.template?.spec?.containers;
  const resources = containers?.[0]?.resources;
  return field === "cpu_request" ? resources?.["requests"]?.["cpu"] : resources?.["limits"]?.["memory"];
}

function storedQuantity(
  body: Record<string, unknown>,
  field: "cpu_request" | "memory_limit",
): Quantity | undefined {
  const text = storedText(body, field);
  return text === undefined ? undefined : parseQuantity(text);
}

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
        const outcome = await applyAndReadBack(kube, deployment);
        const serverAccepts = outcome.status >= 200 && outcome.status < 300;
        // What the server would store: the same value, or one it clamped or rounded.
        const stored = serverAccepts ? storedQuantity(outcome.body, field) : undefined;
        const given = parseQuantity(value.trim());
        const serverKeeps =
          serverAccepts &&
          stored !== undefined &&
          given !== undefined &&
          compareQuantities(stored, given) === 0;
        if (rendered.ok && !serverKeeps) {
          disagreements.push(
            `${JSON.stringify(value)}: render accepts, API server ${serverAccepts ? `stores ${JSON.stringify(storedText(outcome.body, field))}` : `refuses (${String(outcome.body["message"]).slice(0, 120)})`}`,
          );
        }
        // A value render cannot parse is compared as the server kept it (blanks trimmed).
        if (!rendered.ok && serverAccepts && (serverKeeps || given === undefined)) {
          disagreements.push(`${JSON.stringify(value)}: render refuses, API server accepts`);
        }
      }
      // Render is stricter on purpose (quantity.ts): blanks the server trims, a missing
      // number, and every value above 2^63-1 (the server keeps these spellings as written but
      // saturates others). Values the server stores changed (finer than 1m, some above
      // 2^63-1) are refused by render and are no disagreement: they are what the rule is for.
      expect(disagreements).to.deep.equal(
        [
          "9223372036854775808",
          "e3",
          "1e19",
          "1e999",
          "1 ",
          " 1",
          "1Mi ",
          "12345678901234567890.123",
          "9223372036854775807.5",
        ].map((v) => `${JSON.stringify(v)}: render refuses, API server accepts`),
      );
    });
  }
});
