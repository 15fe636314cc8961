// Large records on a real cluster: a CRM ingress process holding records larger than
// one ListClassRuntimes page (units with ~400 KiB of function config; the CRM refuses a
// page over 4 MiB with RESOURCE_EXHAUSTED and the oaas.crm.v1.PageTooLarge detail naming
// how many fit, over gRPC and Connect alike). The PM pages through
// them (class-runtimes is 200 with every record, however often it is asked), and its
// breaker stays closed through 100 RESOURCE_EXHAUSTED and 100 INVALID_ARGUMENT answers of
// that real ingress, then opens once the ingress is gone (ECONNREFUSED: the cluster).
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, type Transport } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport } from "@connectrpc/connect-node";
import {
  DeploymentService,
  DeploymentUnitSchema,
  FunctionDeploymentSpecSchema,
  PageTooLargeSchema,
  ProvisionConfigSchema,
  type DeploymentUnit,
} from "@oaas/proto";
import {
  createTestNamespace,
  installCrdWithCrm,
  startCrm,
  testCluster,
  waitCrmChildReady,
  type CrmChild,
  type TestNamespace,
} from "@oaas/testkit";
import { failedClustersHeader, nextPagePath, type RuntimeList } from "@oaas/pm-api";
import { expect } from "chai";
import { CrmError } from "../../src/crm/errors.ts";
import { hintedLimit } from "../../src/crm/list-pages.ts";
import { startTestPm, type TestPm } from "../support/pm.ts";

/** Records of ~400 KiB each: 14 of them (5.6 MiB) do not fit one 4 MiB page. */
const records = 14;
const configBytes = 400 * 1024;

function largeUnit(i: number): DeploymentUnit {
  return create(DeploymentUnitSchema, {
    id: `big-${String(i).padStart(2, "0")}`,
    packageName: "big",
    classKey: "blob",
    targetEnv: "dev",
    functions: [
      create(FunctionDeploymentSpecSchema, {
        functionKey: "fn",
        provisionConfig: create(ProvisionConfigSchema, { containerImage: "ghcr.io/oaas/fn:1", port: 8080 }),
        config: { BLOB: String.fromCharCode(97 + (i % 26)).repeat(configBytes) },
      }),
    ],
  });
}

describe("pm: class-runtimes over records larger than a CRM page", function () {
  this.timeout(300_000);
  let ns: TestNamespace | undefined;
  let ingress: CrmChild | undefined;
  let pm: TestPm | undefined;

  before(async function () {
    const { kubeconfig } = await testCluster();
    await installCrdWithCrm(kubeconfig);
    ns = await createTestNamespace("pm-big");
    // The ingress alone: Deploy stores the records, nothing reconciles them (not needed to list).
    ingress = await startCrm(["ingress"], {
      KUBECONFIG: kubeconfig,
      OPRC_CRM_K8S_NAMESPACE: ns.name,
      OPRC_CRM_LOG: "info",
    });
    await waitCrmChildReady(ingress);
    const client = createClient(DeploymentService, createGrpcTransport({ baseUrl: ingress.url }));
    for (let i = 0; i < records; i++)
      await client.deploy({ deploymentUnit: largeUnit(i) }, { timeoutMs: 30_000 });
    pm = await startTestPm({
      OPRC_PM_CRM_CLUSTERS: "a",
      OPRC_PM_CRM_A_URL: ingress.url,
      OPRC_PM_RETRY_BASE_MS: "20",
      CRM_HEALTH_CHECK_INTERVAL: "0",
    });
  });
  after(async function () {
    await pm?.close();
    await ingress?.stop();
    await ns?.cleanup();
  });

  it("GET /api/v1/class-runtimes is 200 with every record, six times over; the breaker stays closed", async function () {
    const api = pm as TestPm;
    for (let round = 0; round < 6; round++) {
      const res = await api.request("GET", "/api/v1/class-runtimes?package_name=big");
      expect(res.status, res.text.slice(0, 500)).to.equal(200);
      expect(res.headers.get(failedClustersHeader)).to.equal(null);
      const list = res.json as RuntimeList;
      expect(list.map((i) => i.id)).to.deep.equal(Array.from({ length: records }, (_, i) => largeUnit(i).id));
      const config = (list[0]?.functions?.[0] as { config?: Record<string, string> } | undefined)?.config;
      expect(config?.["BLOB"]?.length, "records come back whole").to.equal(configBytes);
    }
    const page = await api.request("GET", "/api/v1/class-runtimes?package_name=big&offset=12&limit=5");
    expect((page.json as RuntimeList).map((i) => i.id)).to.deep.equal(["big-12", "big-13"]);
    expect(page.headers.get("link"), "the last page").to.equal(null);
    // Bounded pages (@oaas/pm-api paging.ts): the Link header walks the whole list, filters kept.
    const sizes: number[] = [];
    const ids: string[] = [];
    let next: string | undefined = "/api/v1/class-runtimes?package_name=big&limit=5";
    while (next !== undefined && sizes.length < 10) {
      const answer = await api.request("GET", next);
      const items = answer.json as RuntimeList;
      sizes.push(items.length);
      ids.push(...items.map((i) => i.id));
      next = nextPagePath(answer.headers.get("link"));
    }
    expect(sizes).to.deep.equal([5, 5, 4]);
    expect(ids).to.deep.equal(Array.from({ length: records }, (_, i) => largeUnit(i).id));
    expect(api.crm.breakerState("a")).to.equal("closed");
  });

  it("a page too large: RESOURCE_EXHAUSTED with the PageTooLarge detail naming how many fit, over gRPC and Connect", async function () {
    const url = (ingress as CrmChild).url;
    const transports: [string, Transport][] = [
      ["grpc", createGrpcTransport({ baseUrl: url })],
      ["connect", createConnectTransport({ baseUrl: url, httpVersion: "1.1" })],
    ];
    for (const [protocol, transport] of transports) {
      const client = createClient(DeploymentService, transport);
      const error = await client
        .listClassRuntimes({ packageName: "big", limit: 100, offset: 2 }, { timeoutMs: 30_000 })
        .catch((e: unknown) => e);
      expect(error, protocol).to.be.instanceOf(ConnectError);
      expect((error as ConnectError).code, protocol).to.equal(Code.ResourceExhausted);
      const [hint] = (error as ConnectError).findDetails(PageTooLargeSchema);
      // ~400 KiB records: 9 or 10 of them fit 4 MiB less the envelope's 64 KiB.
      expect(hint?.maxLimit, protocol).to.be.within(9, 10);
      expect(hint?.offset, protocol).to.equal(2);
      expect(hint?.maxBytes, protocol).to.equal(BigInt(4 * 1024 * 1024 - 64 * 1024));
      const fitting = await client.listClassRuntimes(
        { packageName: "big", limit: hint?.maxLimit ?? 0, offset: 2 },
        { timeoutMs: 30_000 },
      );
      expect(fitting.items.length, `${protocol}: the named limit fits`).to.equal(hint?.maxLimit);
    }
    // The PM's client reads the same detail from the CrmError it makes.
    const error = await (pm as TestPm).crm
      .list("a", { packageName: "big", limit: 100 }, { correlationId: "hint-real" })
      .catch((e: unknown) => e);
    expect(hintedLimit(error as CrmError)).to.be.within(9, 10);
  });

  it("100 RESOURCE_EXHAUSTED and 100 INVALID_ARGUMENT answers of the real ingress: closed, not retried; ECONNREFUSED opens it", async function () {
    const crm = (pm as TestPm).crm;
    const ctx = { correlationId: "breaker-real" };
    const retries = crm.retryCount("a");
    for (let i = 0; i < 100; i++) {
      // A page of every record at once is over 4 MiB: the CRM asks to be paged.
      const error = await crm.list("a", { packageName: "big", limit: 100 }, ctx).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(CrmError);
      expect([(error as CrmError).kind, (error as CrmError).code]).to.deep.equal([
        "answered",
        Code.ResourceExhausted,
      ]);
    }
    const invalid = create(DeploymentUnitSchema, { id: "no-functions", packageName: "p", classKey: "c" });
    for (let i = 0; i < 100; i++) {
      const error = await crm.deploy("a", invalid, ctx).catch((e: unknown) => e);
      expect([(error as CrmError).kind, (error as CrmError).code]).to.deep.equal([
        "answered",
        Code.InvalidArgument,
      ]);
    }
    expect(crm.breakerState("a")).to.equal("closed");
    expect(crm.retryCount("a") - retries, "answers about the request are not retried").to.equal(0);

    await ingress?.stop();
    const refused = (await crm.status("a", "big-00", ctx).catch((e: unknown) => e)) as CrmError;
    expect(refused.kind, refused.message).to.equal("unreachable");
    expect(refused.message).to.match(/ECONNREFUSED/);
    // Each attempt counts (1 + CRM_DEFAULT_RETRY_ATTEMPTS 3); the fifth opens the breaker.
    await crm.status("a", "big-00", ctx).catch(() => undefined);
    expect(crm.breakerState("a")).to.equal("open");
    const res = await (pm as TestPm).request("GET", "/api/v1/class-runtimes");
    expect(res.status).to.equal(503);
    expect(res.text).to.contain("circuit breaker open");
  });
});
