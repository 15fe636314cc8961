// Auto-instrumentation really loaded in ESM (an ESM import bypasses require() hooks;
// https://github.com/open-telemetry/opentelemetry-js/blob/main/doc/esm-support.md): a child process
// imports node:http, undici and ioredis with static ESM imports after startTracing(),
// as the services' main.ts does, and the SDK's in-memory exporter must hold http
// client and server spans, an undici span and an ioredis span, all in the parent's
// trace. A control run that imports ioredis before tracing starts shows the Redis span
// missing, so this test can tell the two apart.
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { testRedis, type TestRedis } from "@oaas/testkit";
import { expect } from "chai";

const run = promisify(execFile);
const child = path.join(import.meta.dirname, "fixtures", "instrumented-child.ts");

interface SpanRow {
  name: string;
  kind: number;
  scope: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  attributes: Record<string, unknown>;
}

async function spansOf(mode: string, redis: TestRedis): Promise<SpanRow[]> {
  const { stdout } = await run(process.execPath, ["--import", "tsx", child, mode], {
    env: { ...process.env, REDIS_HOST: redis.host, REDIS_PORT: String(redis.port) },
    timeout: 30_000,
  });
  const last = stdout.trim().split("\n").at(-1) ?? "[]";
  return JSON.parse(last) as SpanRow[];
}

describe("telemetry: auto-instrumentation in ESM", function () {
  let redis: TestRedis;
  before(async function () {
    redis = await testRedis();
  });
  after(async function () {
    await redis.cleanup();
  });

  it("http client and server, undici and ioredis spans appear under the parent span", async function () {
    const spans = await spansOf("tracing-first", redis);
    const probe = spans.find((s) => s.name === "probe");
    expect(probe, JSON.stringify(spans)).to.exist;
    const scopes = (scope: string) => spans.filter((s) => s.scope === scope);
    const httpSpans = scopes("@opentelemetry/instrumentation-http");
    // SpanKind: 1 server, 2 client. The undici request reaches the same node:http server.
    expect(
      httpSpans.filter((s) => s.kind === 2),
      "http client span",
    ).to.have.length(1);
    expect(
      httpSpans.filter((s) => s.kind === 1),
      "http server spans",
    ).to.have.length(2);
    expect(scopes("@opentelemetry/instrumentation-undici"), "undici span").to.have.length(1);
    const redisSpans = scopes("@opentelemetry/instrumentation-ioredis");
    expect(redisSpans.map((s) => s.name)).to.include("ping");
    for (const span of spans) expect(span.traceId, span.name).to.equal(probe?.traceId);
    const ping = redisSpans.find((s) => s.name === "ping");
    expect(ping?.parentSpanId).to.equal(probe?.spanId);
  });

  it("control: ioredis imported before tracing starts gives no Redis span (why main.ts imports late)", async function () {
    const spans = await spansOf("imports-first", redis);
    expect(spans.find((s) => s.name === "probe")).to.exist;
    expect(spans.filter((s) => s.scope === "@opentelemetry/instrumentation-ioredis")).to.have.length(0);
  });
});
