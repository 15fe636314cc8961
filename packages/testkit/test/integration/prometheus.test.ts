// The Prometheus test harness against itself: a real Prometheus scrapes the synthetic
// exporter through file-based service discovery, counters grow at the rate set, and each
// switch (HTTP 500, down, dropped series, restart of counters, Prometheus killed and
// started again) shows in what Prometheus answers.
import {
  startSyntheticExporter,
  startTestPrometheus,
  waitFor,
  type SyntheticExporter,
  type TestPrometheus,
} from "@oaas/testkit";
import { expect } from "chai";

describe("testkit: Prometheus with a synthetic exporter (file SD)", function () {
  this.timeout(120_000);
  let prometheus: TestPrometheus;
  let exporter: SyntheticExporter;
  const labels = { namespace: "ns1", pod: "p-1", container: "c" };

  before(async () => {
    exporter = await startSyntheticExporter();
    prometheus = await startTestPrometheus({ scrapeIntervalSeconds: 1 });
    prometheus.setTargets([{ targets: [exporter.target] }]);
  });
  after(async () => {
    await prometheus.stop();
    await exporter.close();
  });

  it("scrapes a counter at the rate set and a gauge at its value", async () => {
    exporter.counter("synthetic_cpu_seconds_total", labels, 0.5);
    exporter.gauge("synthetic_memory_bytes", labels, 1234);
    await prometheus.waitForSeries('synthetic_memory_bytes{pod="p-1"} == 1234');
    const [rate] = await prometheus.waitForSeries('rate(synthetic_cpu_seconds_total{pod="p-1"}[5s]) > 0.4');
    expect(rate?.value).to.be.within(0.4, 0.6);
    expect(rate?.metric["namespace"]).to.equal("ns1");
  });

  it("answers a histogram_quantile from the latency shape", async () => {
    exporter.histogram("synthetic_latency_seconds", labels, 10, { "0.05": 0.5, "0.1": 0.98, "0.5": 1 }, 0.05);
    const [p99] = await prometheus.waitForSeries(
      "histogram_quantile(0.99, sum by (le) (rate(synthetic_latency_seconds_bucket[5s])))",
    );
    expect(p99?.value).to.be.within(0.1, 0.5);
  });

  it("a dropped series disappears; HTTP 500 and down make the target's up 0", async () => {
    exporter.drop("synthetic_memory_bytes");
    await waitFor(async () => (await prometheus.query("synthetic_memory_bytes")).length === 0, {
      description: "the dropped gauge to go stale",
      timeoutMs: 30_000,
    });
    for (const mode of ["error", "down"] as const) {
      exporter.mode(mode);
      await prometheus.waitForSeries('up{job="synthetic"} == 0');
      exporter.mode("ok");
      await prometheus.waitForSeries('up{job="synthetic"} == 1');
    }
  });

  it("a counter reset is a reset to Prometheus (resets() counts it)", async () => {
    await prometheus.waitForSeries('synthetic_cpu_seconds_total{pod="p-1"} > 2');
    exporter.resetCounters();
    await prometheus.waitForSeries('resets(synthetic_cpu_seconds_total{pod="p-1"}[1m]) > 0');
  });

  it("killed, Prometheus refuses; started again, it answers from the same data", async () => {
    await prometheus.kill();
    expect(prometheus.running()).to.equal(false);
    let refused = false;
    try {
      await prometheus.query("up");
    } catch {
      refused = true;
    }
    expect(refused, "a query to a killed Prometheus fails").to.equal(true);
    await prometheus.start();
    await prometheus.waitForSeries('up{job="synthetic"} == 1');
  });
});
