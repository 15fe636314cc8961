import { expect } from "chai";
import { createMetrics } from "../../src/index.ts";

describe("telemetry: Prometheus metrics on our own listener", function () {
  it("renders counters and histograms in the text format", async function () {
    const metrics = createMetrics({ serviceName: "t" });
    try {
      metrics.meter.createCounter("jobs_done", { description: "Jobs." }).add(2, { result: "ok" });
      metrics.meter.createHistogram("job_seconds", { unit: "s" }).record(0.2);
      const text = await metrics.render();
      expect(text).to.contain("# TYPE jobs_done_total counter");
      expect(text).to.match(/jobs_done_total\{result="ok",[^}]*\} 2/);
      expect(text).to.contain("job_seconds_bucket");
      expect(text).to.contain('target_info{service_name="t"');
    } finally {
      await metrics.shutdown();
    }
  });
});
