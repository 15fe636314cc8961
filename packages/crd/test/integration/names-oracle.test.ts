// A test that can fail: the names module's outputs checked by the real API
// server, not by the module's own regexes. Random ids and function keys (odd Unicode,
// separators, lengths) go through recordName, functionChildName, odgmChildName,
// monitorName and labelValue; each output is used where the CRM uses it (a Service name
// needs a DNS-1035 label, a label value the label syntax) in a dryRun=All create.
import type { KubeClient } from "@oaas/kube";
import { testCluster, useTestNamespace } from "@oaas/testkit";
import { expect } from "chai";
import fc from "fast-check";
import { functionChildName, labelValue, monitorName, odgmChildName, recordName } from "../../src/index.ts";

const text = fc.oneof(
  fc.string({ maxLength: 70 }),
  fc.string({ unit: fc.constantFrom("a", "Z", "0", "-", "_", ".", " ", "\u212a", "ß", "/"), maxLength: 300 }),
  fc.constantFrom("", "-", "0abc", "Shop_Cart-2024", "a".repeat(253), "odgm", "metrics"),
);

describe("crd names: outputs accepted by the real API server", function () {
  this.timeout(180_000);
  const ns = useTestNamespace("names");
  let kube: KubeClient;
  before(async () => {
    ({ kube } = await testCluster());
  });

  async function dryRunCreate(path: string, body: object): Promise<{ status: number; message: string }> {
    const res = await kube.exchange({ method: "POST", path, query: { dryRun: "All" }, body });
    const message = res.statusCode >= 300 ? JSON.stringify(res.body).slice(0, 300) : "";
    return { status: res.statusCode, message };
  }

  it("200 random ids and keys: every Service name and label value is accepted", async function () {
    const samples = fc.sample(fc.tuple(text, text), { numRuns: 200, seed: 20261130 });
    const refused: string[] = [];
    for (const [id, key] of samples) {
      const record = recordName(id);
      const services = [functionChildName(record, key), odgmChildName(record), monitorName(record)];
      for (const name of services) {
        const r = await dryRunCreate(`/api/v1/namespaces/${ns.name}/services`, {
          apiVersion: "v1",
          kind: "Service",
          metadata: {
            name,
            labels: { "oaas.io/owner": labelValue(record), "oaas.io/deployment-id": labelValue(id) },
          },
          spec: { ports: [{ port: 80 }] },
        });
        if (r.status !== 201) refused.push(`${JSON.stringify([id, key])} -> ${name}: ${r.message}`);
      }
    }
    expect(refused).to.deep.equal([]);
  });
});
