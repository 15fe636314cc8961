// The in-flight bound per principal on a real ingress: with the API server's
// answers held back (a TCP relay in front of the real kube-apiserver that stops passing its
// bytes on), one principal's calls stay in flight; past the bound its next call is
// RESOURCE_EXHAUSTED at once, while another principal is still let through; once the
// answers flow again every held call is served.
import net from "node:net";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { DeploymentService } from "@oaas/proto";
import { kubeConfigPointedAt, testCluster, useTestNamespace, waitFor } from "@oaas/testkit";
import { expect } from "chai";
import { authEnv, standardTokens, tokens, tokensFile } from "../support/auth.ts";
import { unit } from "../support/fixtures.ts";
import { installCrd, startTestIngress, type TestIngress } from "../support/ingress.ts";
import { releaseAll, waitForRecordsServed } from "../support/records.ts";

/** A relay to `target` whose answers can be held back (requests still reach the server). */
async function holdingRelay(target: URL) {
  let holding = false;
  const held: (() => void)[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect({ host: target.hostname, port: Number(target.port) });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => client.destroy());
    }
    client.pipe(upstream);
    upstream.on("data", (chunk: Buffer) => {
      if (holding) held.push(() => client.write(chunk));
      else client.write(chunk);
    });
    upstream.on("close", () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    hold: () => (holding = true),
    release: () => {
      holding = false;
      for (const write of held.splice(0)) write();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "ok";
  } catch (error) {
    return Code[ConnectError.from(error).code];
  }
}

describe("crm ingress: in-flight bound per principal", function () {
  this.timeout(90_000);
  const ns = useTestNamespace("crm-auth-inflight");
  let namespace = "";
  let relay: Awaited<ReturnType<typeof holdingRelay>>;
  let file: ReturnType<typeof tokensFile>;
  let ing: TestIngress;

  before(async function () {
    namespace = ns.name;
    const { kc } = await testCluster();
    await installCrd(kc);
    relay = await holdingRelay(new URL(kc.getCurrentCluster()?.server ?? ""));
    file = tokensFile(standardTokens());
    ing = await startTestIngress({
      namespace,
      kubeConfig: kubeConfigPointedAt(kc, relay.url),
      recordCache: false,
      env: { ...authEnv(file.path), OPRC_CRM_INGRESS_MAX_IN_FLIGHT_PER_PRINCIPAL: "2" },
    });
    await waitForRecordsServed(ing.kube, namespace);
  });
  after(async function () {
    relay.release();
    await releaseAll(ing.kube, namespace);
    await ing.close();
    await relay.close();
    file.remove();
  });

  it("the third call of one principal is RESOURCE_EXHAUSTED at once; another principal and the held calls are served", async function () {
    const client = createClient(DeploymentService, createGrpcTransport({ baseUrl: ing.url }));
    const as = (token: string) => ({ headers: { authorization: `Bearer ${token}` }, timeoutMs: 30_000 });
    await client.deploy({ deploymentUnit: unit("inflight") }, as(tokens.pm));
    relay.hold();
    const pmCalls = [1, 2].map(() =>
      codeOf(client.getDeploymentStatus({ deploymentId: "inflight" }, as(tokens.pm))),
    );
    const ciCall = codeOf(client.getDeploymentStatus({ deploymentId: "inflight" }, as(tokens.deployer)));
    // Once both of pm-prod's calls are in flight, its next one is refused without waiting
    // for anything (a try made before that times out, held like the others, and frees its slot).
    await waitFor(
      async () =>
        (await codeOf(
          client.getDeploymentStatus({ deploymentId: "inflight" }, { ...as(tokens.pm), timeoutMs: 1_000 }),
        )) === "ResourceExhausted",
      { description: "pm-prod's third call refused at once", timeoutMs: 15_000 },
    );
    const line = ing.logs.find((l) => l["code"] === "ResourceExhausted");
    expect(String(line?.["error"])).to.contain("pm-prod via deployer has 2 calls in flight");
    relay.release();
    expect(await Promise.all(pmCalls)).to.deep.equal(["ok", "ok"]);
    // ci was never held back by pm-prod's bound: its call waited for the API server only.
    expect(await ciCall).to.equal("ok");
    expect(await codeOf(client.getDeploymentStatus({ deploymentId: "inflight" }, as(tokens.pm)))).to.equal(
      "ok",
    );
  });
});
