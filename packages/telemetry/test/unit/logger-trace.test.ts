// Log lines carry trace_id and span_id of the active span, and nothing when there is none.
import { Writable } from "node:stream";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { context, trace } from "@opentelemetry/api";
import { expect } from "chai";
import { createLogger } from "../../src/index.ts";

describe("telemetry: trace ids in log lines", function () {
  before(function () {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  });
  after(function () {
    context.disable();
  });

  it("adds trace_id/span_id inside a span and leaves them out elsewhere", function () {
    const lines: Record<string, unknown>[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split("\n"))
          if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const logger = createLogger({ service: "svc", stream });
    const spanContext = {
      traceId: "0af7651916cd43dd8448eb211c80319c",
      spanId: "b7ad6b7169203331",
      traceFlags: 1,
    };
    context.with(trace.setSpanContext(context.active(), spanContext), () => logger.info("inside"));
    logger.info("outside");
    expect(lines[0]).to.include({
      message: "inside",
      trace_id: spanContext.traceId,
      span_id: spanContext.spanId,
    });
    expect(lines[1]).to.not.have.property("trace_id");
  });
});
