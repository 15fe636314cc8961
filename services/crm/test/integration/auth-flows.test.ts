// Authentication over time on a real ingress: who asked reaches the audit log, the
// record and its history; a burst of 1000 wrong tokens is refused (401, then 429) while the
// right token keeps its latency and the process lives; the tokens file rotates without a
// restart and without failing a call in flight. Real API server, real Redis for the history.
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { defaultRecheckMs } from "@oaas/auth";
import { onBehalfOfAnnotation, requestedByAnnotation } from "@oaas/crd";
import { createHistory } from "@oaas/queue";
import {
  DeploymentService,
  HealthCheckResponse_ServingStatus,
  HealthService,
  RecordDetailService,
  reflectionV1,
} from "@oaas/proto";
import { testCluster, testRedis, useTestNamespace, type TestRedis } from "@oaas/testkit";
import { expect } from "chai";
import { authEnv, fromNewSource, standardTokens, tokens, tokensFile } from "../support/auth.ts";
import { unit } from "../support/fixtures.ts";
import { installCrd, startTestIngress, type TestIngress } from "../support/ingress.ts";
import { getRecord, releaseAll, waitForRecordsServed } from "../support/records.ts";

const as = (token: string, extra: Record<string, string> = {}) => ({
  headers: { authorization: `Bearer ${token}`, ...extra },
});

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "ok";
  } catch (error) {
    return Code[ConnectError.from(error).code].toLowerCase();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

describe("crm ingress: principals over time (audit, history, brute force, rotation)", function () {
  this.timeout(120_000);
  const ns = useTestNamespace("crm-auth-flow");
  let namespace = "";
  let ing: TestIngress;
  let redis: TestRedis;
  let file: ReturnType<typeof tokensFile>;

  before(async function () {
    namespace = ns.name;
    await installCrd((await testCluster()).kc);
    redis = await testRedis();
    file = tokensFile(standardTokens());
    ing = await startTestIngress({
      namespace,
      env: authEnv(file.path),
      history: createHistory({ connection: redis.connect(), prefix: redis.prefix }),
    });
    await waitForRecordsServed(ing.kube, namespace);
  });
  after(async function () {
    await releaseAll(ing.kube, namespace);
    await ing.close();
    await redis.cleanup();
    file.remove();
  });

  it("a scripted sequence by two principals: the audit lines and the history entries name exactly them", async function () {
    const deployments = createClient(DeploymentService, createGrpcTransport({ baseUrl: ing.url }));
    const alice = { "x-oaas-on-behalf-of": "alice", "x-correlation-id": "seq-1" };
    await deployments.deploy({ deploymentUnit: unit("aud-1") }, as(tokens.pm, alice));
    await deployments.deploy(
      { deploymentUnit: unit("aud-2") },
      as(tokens.deployer, { "x-correlation-id": "seq-2" }),
    );
    expect(
      await codeOf(
        deployments.deleteDeployment(
          { deploymentId: "aud-1" },
          as(tokens.viewer, { "x-correlation-id": "seq-3" }),
        ),
      ),
    ).to.equal("permissiondenied");
    const bob = { "x-oaas-on-behalf-of": "bob", "x-correlation-id": "seq-4" };
    await deployments.deleteDeployment({ deploymentId: "aud-1" }, as(tokens.pm, bob));

    const audit = ing.logs
      .filter((line) => line.message === "audit")
      .map((l) => [
        l["principal"],
        l["role"],
        l["action"],
        l["object"],
        l["namespace"],
        l["outcome"],
        l["correlation_id"],
      ]);
    expect(audit).to.deep.equal([
      ["pm-prod", "deployer", "Deploy", "deployment/aud-1", namespace, "succeeded", "seq-1"],
      ["ci", "deployer", "Deploy", "deployment/aud-2", namespace, "succeeded", "seq-2"],
      ["watcher", "viewer", "DeleteDeployment", "-", namespace, "denied", "seq-3"],
      ["pm-prod", "deployer", "DeleteDeployment", "deployment/aud-1", namespace, "succeeded", "seq-4"],
    ]);
    // Reads are not audited.
    await deployments.getDeploymentStatus({ deploymentId: "aud-2" }, as(tokens.viewer));
    expect(ing.logs.filter((line) => line.message === "audit")).to.have.length(4);

    const records = createClient(RecordDetailService, createGrpcTransport({ baseUrl: ing.url }));
    const history = await records.getHistory({ deploymentId: "aud-1" }, as(tokens.viewer));
    expect(history.entries.map((e) => [e.type, e.message, e.correlationId])).to.deep.equal([
      [
        "accepted",
        "Deploy created the record (generation 1), accepted by pm-prod via deployer for alice",
        "seq-1",
      ],
      [
        "delete-requested",
        "DeleteDeployment marked the record for deletion, accepted by pm-prod via deployer for bob",
        "seq-4",
      ],
    ]);
    const second = await getRecord(ing.kube, namespace, "aud-2");
    expect(second?.metadata.annotations?.[requestedByAnnotation]).to.equal("ci via deployer");
    expect(second?.metadata.annotations).to.not.have.property(onBehalfOfAnnotation);
  });

  it("1000 wrong tokens in a burst: only 401 then 429, the process alive, the right token served at its normal latency", async function () {
    const source = await fromNewSource(ing.port);
    try {
      const client = createClient(
        DeploymentService,
        createGrpcTransport({ baseUrl: `http://127.0.0.1:${source.port}` }),
      );
      const right = async () => {
        const started = performance.now();
        const code = await codeOf(client.getDeploymentStatus({ deploymentId: "aud-2" }, as(tokens.admin)));
        return { code, ms: performance.now() - started };
      };
      const before: number[] = [];
      for (let i = 0; i < 20; i++) before.push((await right()).ms);

      const codes = new Map<string, number>();
      const burstStarted = performance.now();
      const during: Promise<{ code: string; ms: number }>[] = [];
      for (let wave = 0; wave < 20; wave++) {
        const burst = Array.from({ length: 50 }, (_, i) =>
          codeOf(
            client.getDeploymentStatus({ deploymentId: "x" }, as(`guess-${wave}-${i}-0123456789abcdef`)),
          ),
        );
        during.push(right());
        for (const code of await Promise.all(burst)) codes.set(code, (codes.get(code) ?? 0) + 1);
      }
      expect([...codes.keys()].sort()).to.deep.equal(["resourceexhausted", "unauthenticated"]);
      expect([...codes.values()].reduce((a, b) => a + b)).to.equal(1000);
      // The default burst (20 failures per source per 10 s, then 10 s blocked) is answered
      // 401, the rest 429: at most 20 per started 10 s of the burst.
      const windows = Math.ceil((performance.now() - burstStarted) / 10_000);
      expect(codes.get("unauthenticated")).to.be.within(20, 20 * windows);
      expect(codes.get("resourceexhausted")).to.be.at.least(1000 - 20 * windows);
      const served = await Promise.all(during);
      expect(served.map((s) => s.code)).to.deep.equal(Array.from({ length: 20 }, () => "ok"));
      const after: number[] = [];
      for (let i = 0; i < 20; i++) after.push((await right()).ms);
      expect(median(after), `median ${median(after)} ms vs ${median(before)} ms before`).to.be.below(
        Math.max(5 * median(before), median(before) + 50),
      );
      const health = createClient(HealthService, createGrpcTransport({ baseUrl: ing.url }));
      expect((await health.check({ service: "" })).status).to.equal(
        HealthCheckResponse_ServingStatus.SERVING,
      );
      expect((await fetch(`${ing.url}/healthz`)).status).to.equal(200);
    } finally {
      await source.close();
    }
  });

  it("rotates the tokens file without a restart: the old token refused and the new one served within the bound, no call in flight failed", async function () {
    const transport = createGrpcTransport({ baseUrl: ing.url });
    // A reflection stream opened with the old viewer token stays open across the rotation.
    const requests = pushable<reflectionV1.ServerReflectionRequest>();
    const reflection = createClient(reflectionV1.ServerReflection, transport).serverReflectionInfo(
      requests.iterable,
      as(tokens.viewer),
    );
    const answers = reflection[Symbol.asyncIterator]();
    const listServices = create(reflectionV1.ServerReflectionRequestSchema, {
      messageRequest: { case: "listServices", value: "" },
    });
    requests.push(listServices);
    expect((await answers.next()).done).to.equal(false);

    // Calls by a principal present in both files keep being served throughout.
    const deployments = createClient(DeploymentService, transport);
    const state = { rotating: true };
    const steady: string[] = [];
    const loop = (async () => {
      while (state.rotating)
        steady.push(await codeOf(deployments.getDeploymentStatus({ deploymentId: "aud-2" }, as(tokens.pm))));
    })();

    const fresh = "rotated-viewer-token-0123456789abcdef";
    file.replace(standardTokens().replace(tokens.viewer, fresh));
    const rotatedAt = performance.now();
    while (
      (await codeOf(deployments.getDeploymentStatus({ deploymentId: "aud-2" }, as(tokens.viewer)))) === "ok"
    ) {
      if (performance.now() - rotatedAt > defaultRecheckMs + 3_000)
        throw new Error("the old token is still accepted");
    }
    const tookMs = performance.now() - rotatedAt;
    expect(tookMs).to.be.below(defaultRecheckMs + 3_000);
    expect(await codeOf(deployments.getDeploymentStatus({ deploymentId: "aud-2" }, as(fresh)))).to.equal(
      "ok",
    );
    state.rotating = false;
    await loop;
    expect(steady.length).to.be.above(0);
    expect(new Set(steady)).to.deep.equal(new Set(["ok"]));

    // The stream authorized before the rotation still answers.
    requests.push(listServices);
    const later = await answers.next();
    expect(later.done).to.equal(false);
    requests.end();
    expect((await answers.next()).done).to.equal(true);
    expect(ing.logs.some((l) => l.message === "tokens file reloaded")).to.equal(true);
    // The token never reaches a log line.
    expect(ing.logs.some((l) => JSON.stringify(l).includes(fresh))).to.equal(false);
  });
});

/** An async iterable the test feeds one message at a time (a client stream held open). */
function pushable<T>(): { iterable: AsyncIterable<T>; push(value: T): void; end(): void } {
  const queue: T[] = [];
  let ended = false;
  let wake: (() => void) | undefined;
  return {
    push: (value) => {
      queue.push(value);
      wake?.();
    },
    end: () => {
      ended = true;
      wake?.();
    },
    iterable: {
      async *[Symbol.asyncIterator]() {
        while (queue.length > 0 || !ended) {
          const next = queue.shift();
          if (next !== undefined) yield next;
          else await new Promise<void>((resolve) => (wake = resolve));
        }
      },
    },
  };
}
