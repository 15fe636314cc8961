// 5,000 random and malformed requests against a real ingress: random bytes as gRPC and
// Connect bodies, broken gRPC framing, wrong JSON field types, huge strings, control
// characters and lone surrogates in ids, negative and overflowing numbers, oversized
// messages. Every request must get exactly the status its bytes call for (fuzz-oracle.ts
// computes it from what was sent: no category accepts "any code"); the server must stay
// up; and no record may exist afterwards except for requests that were answered OK.
// Caveat: a binary body that does not parse, or a compressed frame without an encoding,
// is INTERNAL, as in grpc-go: connect-es decodes before any interceptor runs. Our own
// handlers never produce INTERNAL here: the oracle names connect-es's message for each.
import http2 from "node:http2";
import { Code, createClient } from "@connectrpc/connect";
import { HealthService, HealthCheckResponse_ServingStatus } from "@oaas/proto";
import { testCluster, useTestNamespace } from "@oaas/testkit";
import { expect } from "chai";
import { transport } from "../support/clients.ts";
import { buildFuzzCases, deployedId, invalid, type FuzzCase } from "../support/fuzz-cases.ts";
import { installCrd, startTestIngress, type TestIngress } from "../support/ingress.ts";
import type { RawResult } from "../support/raw.ts";
import { listRecords, releaseAll, waitForRecordsServed } from "../support/records.ts";

const total = 5000;
const seed = Number(process.env["OAAS_FUZZ_SEED"] ?? 20261122);

describe("crm ingress: fuzzing with 5,000 malformed requests", function () {
  this.timeout(600_000);
  const ns = useTestNamespace("crm-fuzz");
  let ing: TestIngress;
  let session: http2.ClientHttp2Session | undefined;
  const shared = () => {
    if (!session) throw new Error("the shared HTTP/2 session is not connected yet");
    return session;
  };
  let namespace = "";

  before(async function () {
    namespace = ns.name;
    await installCrd((await testCluster()).kc);
    ing = await startTestIngress({ namespace });
    await waitForRecordsServed(ing.kube, namespace);
  });
  after(async function () {
    session?.close();
    await releaseAll(ing.kube, namespace);
    await ing.close();
  });

  it(`every request gets exactly its status, the server stays up, no record for invalid ones (seed ${seed})`, async function () {
    const cases = buildFuzzCases(seed, { url: ing.url, shared });
    expect(cases.length).to.equal(total);
    // Connected only now: building the cases blocks this process (client and server) for
    // seconds, and a connection accepted before that would meet the listener's 10 s
    // protocol-sniffing timeout (timers run before pending reads) and be reset.
    session = http2.connect(ing.url);
    // A reset session surfaces through the failing stream; without a listener Node would
    // also throw the session's 'error' (e.g. ECONNRESET) out of the test process.
    session.on("error", () => undefined);

    const okIds = new Set<string>();
    const invalidIds = new Set<string>();
    const histogram = new Map<string, number>();
    const failures: string[] = [];
    const run = async (c: FuzzCase) => {
      let result: RawResult;
      try {
        result = await c.send();
      } catch (error) {
        failures.push(`${c.kind}: no status (${String(error)})`);
        return;
      }
      const label = `${c.kind} (${c.want.rule})`;
      histogram.set(`${label} -> ${result.code}`, (histogram.get(`${label} -> ${result.code}`) ?? 0) + 1);
      if (result.code === 0) {
        const id = deployedId(c, result);
        if (id !== undefined) okIds.add(id);
      }
      if (c.id !== undefined && c.want === invalid) invalidIds.add(c.id);
      const wrong =
        result.code !== c.want.code || (c.want.message !== undefined && !c.want.message.test(result.message));
      if (wrong)
        failures.push(
          `${label}: want ${Code[c.want.code] ?? "OK"} ${String(c.want.message ?? "")}, got ${result.code} "${result.message.slice(0, 120)}"`,
        );
    };
    const parallel = cases.filter((c) => !c.serial);
    for (let i = 0; i < parallel.length; i += 32) await Promise.all(parallel.slice(i, i + 32).map(run));
    for (const c of cases.filter((c) => c.serial)) await run(c);

    console.error(`      fuzz seed ${seed}: ${[...histogram].map(([k, v]) => `${k}: ${v}`).join("; ")}`);
    expect([...new Set(failures)].slice(0, 30), `${failures.length} improper answers`).to.deep.equal([]);

    const health = createClient(HealthService, transport("grpc", ing.url));
    expect((await health.check({ service: "" })).status).to.equal(HealthCheckResponse_ServingStatus.SERVING);
    expect((await fetch(`${ing.url}/healthz`)).status).to.equal(200);
    const stored = (await listRecords(ing.kube, namespace)).map((r) => r.spec.deployment_id ?? "");
    for (const id of stored)
      expect(okIds.has(id), `record for ${id.slice(0, 60)} without an OK answer`).to.be.true;
    for (const id of invalidIds) expect(stored, "record for an invalid request").to.not.include(id);
  });
});
