// A small metrics exporter a test controls: an HTTP server on a free loopback port whose
// /metrics serves the series the test sets, in the Prometheus text format. Gauges hold a
// value; counters grow at a rate (per second of wall clock) the test sets and changes;
// histograms grow their buckets from a request rate and a latency distribution. Switches
// stand for what goes wrong in production: the target answers HTTP 500, stops answering
// (down), drops a series, or restarts (every counter back to zero). A test scrapes it
// with startTestPrometheus + setTargets([{ targets: [exporter.target] }]).
import http from "node:http";
import type { AddressInfo } from "node:net";

export type Labels = Readonly<Record<string, string>>;

/** Latency distribution of a histogram: fraction (0..1) of requests at or below each bound, s. */
export type LatencyShape = Readonly<Record<string, number>>;

export interface SyntheticExporter {
  /** 127.0.0.1:<port>, the file-SD target. */
  readonly target: string;
  readonly port: number;
  /** Sets a gauge sample. */
  gauge(name: string, labels: Labels, value: number): void;
  /** A counter that grows by `perSecond` from now on (it keeps what it counted so far). */
  counter(name: string, labels: Labels, perSecond: number): void;
  /**
   * A histogram `<name>_bucket|_sum|_count` with `rps` observations per second, spread over
   * the buckets by `shape` (cumulative fractions by `le`; "+Inf" is always 1). `meanSeconds`
   * feeds `_sum`.
   */
  histogram(name: string, labels: Labels, rps: number, shape: LatencyShape, meanSeconds: number): void;
  /** Removes every series of `name` whose labels include `labels` (a dropped series). */
  drop(name: string, labels?: Labels): void;
  /** Every counter and histogram starts again from zero (a process restart). */
  resetCounters(): void;
  /** "ok" serves metrics; "error" answers HTTP 500; "down" closes every connection unanswered. */
  mode(mode: "ok" | "error" | "down"): void;
  /** Scrapes served so far (answered 200). */
  scrapes(): number;
  close(): Promise<void>;
}

interface Counter {
  labels: Labels;
  base: number;
  since: number;
  rate: number;
}

const key = (name: string, labels: Labels): string =>
  `${name}{${Object.keys(labels)
    .sort()
    .map((k) => `${k}="${escapeValue(labels[k] ?? "")}"`)
    .join(",")}}`;

function escapeValue(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

/** The family of a histogram's `_bucket`/`_sum`/`_count` series; a counter is its own family. */
const familyOf = (name: string): string => name.replace(/_(bucket|sum|count)$/, "");

const matches = (labels: Labels, want: Labels | undefined): boolean =>
  want === undefined || Object.entries(want).every(([k, v]) => labels[k] === v);

/** Starts the exporter on a free loopback port. */
export async function startSyntheticExporter(): Promise<SyntheticExporter> {
  const gauges = new Map<string, { name: string; labels: Labels; value: number }>();
  const counters = new Map<string, { name: string } & Counter>();
  let state: "ok" | "error" | "down" = "ok";
  let served = 0;
  const now = () => Date.now() / 1000;
  const valueOf = (c: Counter) => c.base + c.rate * (now() - c.since);
  const setCounter = (name: string, labels: Labels, rate: number) => {
    const k = key(name, labels);
    const existing = counters.get(k);
    if (existing) {
      existing.base = valueOf(existing);
      existing.since = now();
      existing.rate = rate;
    } else counters.set(k, { name, labels, base: 0, since: now(), rate });
  };

  // One `# TYPE` line per family, then its samples.
  const render = (): string => {
    const families = new Map<string, { kind: string; samples: string[] }>();
    const add = (family: string, kind: string, sample: string) => {
      const entry = families.get(family) ?? { kind, samples: [] };
      if (kind === "histogram") entry.kind = kind;
      entry.samples.push(sample);
      families.set(family, entry);
    };
    for (const g of gauges.values()) add(g.name, "gauge", `${key(g.name, g.labels)} ${g.value}`);
    for (const c of counters.values()) {
      const family = familyOf(c.name);
      add(family, family === c.name ? "counter" : "histogram", `${key(c.name, c.labels)} ${valueOf(c)}`);
    }
    const lines: string[] = [];
    for (const [family, { kind, samples }] of families) lines.push(`# TYPE ${family} ${kind}`, ...samples);
    return lines.join("\n") + "\n";
  };

  const server = http.createServer((req, res) => {
    if (state === "down") {
      req.socket.destroy();
      return;
    }
    if (state === "error") {
      res.writeHead(500, { "content-type": "text/plain" }).end("synthetic failure\n");
      return;
    }
    served++;
    res.writeHead(200, { "content-type": "text/plain; version=0.0.4" }).end(render());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    target: `127.0.0.1:${port}`,
    port,
    gauge: (name, labels, value) => {
      gauges.set(key(name, labels), { name, labels, value });
    },
    counter: (name, labels, perSecond) => setCounter(name, labels, perSecond),
    histogram: (name, labels, rps, shape, meanSeconds) => {
      const bounds = Object.entries(shape).filter(([le]) => le !== "+Inf");
      for (const [le, fraction] of bounds) setCounter(`${name}_bucket`, { ...labels, le }, rps * fraction);
      setCounter(`${name}_bucket`, { ...labels, le: "+Inf" }, rps);
      setCounter(`${name}_count`, labels, rps);
      setCounter(`${name}_sum`, labels, rps * meanSeconds);
    },
    drop: (name, labels) => {
      for (const [k, g] of gauges) if (g.name === name && matches(g.labels, labels)) gauges.delete(k);
      for (const [k, c] of counters)
        if ((familyOf(c.name) === name || c.name === name) && matches(c.labels, labels)) counters.delete(k);
    },
    resetCounters: () => {
      for (const c of counters.values()) {
        c.base = 0;
        c.since = now();
      }
    },
    mode: (next) => {
      state = next;
    },
    scrapes: () => served,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
