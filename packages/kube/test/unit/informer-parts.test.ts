// Pure parts of the informer and the lease elector: the watch line splitter, backoff
// bounds, and the lease decisions (free / expired / ours, transitions, MicroTime format).
import { expect } from "chai";
import {
  backoffDelayMs,
  heldSpec,
  mayAcquire,
  microTime,
  releasedSpec,
  watchEvents,
  type Lease,
} from "../../src/index.ts";

async function* chunks(...parts: string[]): AsyncGenerator<Uint8Array> {
  const encoder = new TextEncoder();
  for (const part of parts) {
    await Promise.resolve();
    yield encoder.encode(part);
  }
}

async function collect(body: AsyncIterable<Uint8Array>) {
  const out = [];
  for await (const event of watchEvents(body)) out.push(event);
  return out;
}

const lease = (spec: Lease["spec"]): Lease => ({
  apiVersion: "coordination.k8s.io/v1",
  kind: "Lease",
  metadata: { name: "l", namespace: "n", resourceVersion: "1" },
  spec,
});

describe("watchEvents", function () {
  it("splits events across chunk boundaries, also inside a multi-byte character", async function () {
    const line1 = JSON.stringify({ type: "ADDED", object: { metadata: { name: "café" } } });
    const line2 = JSON.stringify({ type: "BOOKMARK", object: { metadata: { resourceVersion: "7" } } });
    const text = `${line1}\n${line2}\n`;
    const bytes = new TextEncoder().encode(text);
    const cut = new TextEncoder().encode(line1.slice(0, line1.indexOf("é"))).length + 1; // inside "é"
    async function* split(): AsyncGenerator<Uint8Array> {
      await Promise.resolve();
      yield bytes.slice(0, cut);
      yield bytes.slice(cut, cut + 5);
      yield bytes.slice(cut + 5);
    }
    const events = await collect(split());
    expect(events.map((e) => e.type)).to.deep.equal(["ADDED", "BOOKMARK"]);
    expect((events[0]?.object as { metadata: { name: string } }).metadata.name).to.equal("café");
  });

  it("yields a last line without a newline and skips blank lines", async function () {
    const events = await collect(
      chunks('{"type":"DELETED","object":{}}\n\n', '{"type":"ERROR","object":{"code":410}}'),
    );
    expect(events.map((e) => e.type)).to.deep.equal(["DELETED", "ERROR"]);
  });

  it("throws on a line that is not an event", async function () {
    let failed = false;
    try {
      await collect(chunks('{"no":"type"}\n'));
    } catch {
      failed = true;
    }
    expect(failed).to.be.true;
  });
});

describe("backoffDelayMs (cockatiel's half jitter)", function () {
  const rows = [
    { attempt: 1, ceiling: 500 },
    { attempt: 3, ceiling: 2000 },
    { attempt: 40, ceiling: 30_000 },
  ];
  for (const row of rows) {
    it(`attempt ${row.attempt}: within [${row.ceiling / 2}, ${row.ceiling}] ms, jittered`, function () {
      const delays = Array.from({ length: 200 }, () => backoffDelayMs(row.attempt));
      for (const d of delays) expect(d).to.be.within(row.ceiling / 2, row.ceiling);
      expect(new Set(delays).size).to.be.greaterThan(20);
    });
  }
});

describe("lease decisions", function () {
  const now = 1_000_000;
  const rows: { name: string; spec: Lease["spec"]; observedAtMs: number; want: boolean }[] = [
    { name: "no holder (released)", spec: { holderIdentity: null }, observedAtMs: now, want: true },
    { name: "empty holder", spec: { holderIdentity: "" }, observedAtMs: now, want: true },
    {
      name: "held by me",
      spec: { holderIdentity: "me", leaseDurationSeconds: 15 },
      observedAtMs: now,
      want: true,
    },
    {
      name: "held by another, fresh",
      spec: { holderIdentity: "other", leaseDurationSeconds: 15 },
      observedAtMs: now - 14_999,
      want: false,
    },
    {
      name: "held by another, expired on our clock",
      spec: { holderIdentity: "other", leaseDurationSeconds: 15 },
      observedAtMs: now - 15_000,
      want: true,
    },
  ];
  for (const row of rows) {
    it(`mayAcquire: ${row.name} -> ${row.want}`, function () {
      expect(mayAcquire(lease(row.spec), "me", row.observedAtMs, now)).to.equal(row.want);
    });
  }

  it("counts a transition only when the holder changes, and keeps acquireTime on renew", function () {
    const t0 = new Date("2026-01-01T00:00:00.123Z");
    const t1 = new Date("2026-01-01T00:00:02.000Z");
    const first = heldSpec({ holderIdentity: "other", leaseTransitions: 4 }, "me", 15_000, t0);
    expect(first.leaseTransitions).to.equal(5);
    expect(first.acquireTime).to.equal("2026-01-01T00:00:00.123000Z");
    const renewed = heldSpec(first, "me", 15_000, t1);
    expect(renewed.leaseTransitions).to.equal(5);
    expect(renewed.acquireTime).to.equal(first.acquireTime);
    expect(renewed.renewTime).to.equal("2026-01-01T00:00:02.000000Z");
    expect(heldSpec(undefined, "me", 15_000, t0).leaseTransitions).to.equal(0);
    expect(heldSpec(releasedSpec(renewed, t1), "b", 15_000, t1).leaseTransitions).to.equal(6);
  });

  it("release clears the holder and shortens the lease to 1 s", function () {
    const spec = releasedSpec({ holderIdentity: "me", leaseTransitions: 2 }, new Date(0));
    expect(spec.holderIdentity).to.equal(null);
    expect(spec.leaseDurationSeconds).to.equal(1);
    expect(spec.leaseTransitions).to.equal(2);
    expect(microTime(new Date(0))).to.equal("1970-01-01T00:00:00.000000Z");
  });
});
