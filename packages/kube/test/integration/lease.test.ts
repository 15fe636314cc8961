// Leader election on a real API server's Lease: one of two candidates leads; a released
// lease is taken over within one retry period; a crashed leader (no release) within
// leaseDuration + retryPeriod; a leader whose lease was taken stops leading at once.
// Short timings (lease 3 s, renew deadline 2 s, retry 0.5 s) keep the suite fast; the
// algorithm is the same as with the defaults.
import { testCluster, useTestNamespace, waitFor } from "@oaas/testkit";
import { expect } from "chai";
import { getObject, KubeClient, LeaderElector, leases, resourcePath, type Lease } from "../../src/index.ts";

const timings = { leaseDurationMs: 3000, renewDeadlineMs: 2000, retryPeriodMs: 500 };

interface Candidate {
  readonly elector: LeaderElector;
  readonly identity: string;
  started: number;
  stopped: number;
  signal?: AbortSignal;
}

describe("LeaderElector against a real API server", function () {
  this.timeout(60_000);
  const ns = useTestNamespace("lease");
  let kube: KubeClient;
  let leaseName: string;
  const running: Candidate[] = [];

  before(async function () {
    kube = await KubeClient.create((await testCluster()).kc);
  });
  after(async function () {
    await kube.close();
  });
  beforeEach(function () {
    leaseName = `lease-${Math.random().toString(36).slice(2, 8)}`;
  });
  afterEach(async function () {
    await Promise.all(running.splice(0).map((c) => c.elector.stop({ release: false })));
  });

  function candidate(identity: string): Candidate {
    const c: Candidate = {
      identity,
      started: 0,
      stopped: 0,
      elector: new LeaderElector({
        kube,
        namespace: ns.name,
        name: leaseName,
        identity,
        ...timings,
        onStartedLeading: (signal) => {
          c.started++;
          c.signal = signal;
        },
        onStoppedLeading: () => c.stopped++,
      }),
    };
    running.push(c);
    c.elector.start();
    return c;
  }

  const lease = () => getObject<Lease>(kube, leases, ns.name, leaseName);

  async function oneLeader(candidates: Candidate[]): Promise<{ leader: Candidate; standby: Candidate }> {
    const leader = await waitFor(() => candidates.find((c) => c.elector.isLeader()), {
      description: "a leader",
      timeoutMs: 10_000,
      intervalMs: 50,
    });
    const standby = candidates.find((c) => c !== leader);
    if (!standby) throw new Error("no standby");
    return { leader, standby };
  }

  it("elects exactly one of two candidates and records it on the Lease", async function () {
    const { leader, standby } = await oneLeader([candidate("a"), candidate("b")]);
    // The standby has tried (and failed) several times once the lease was renewed twice.
    const first = (await lease())?.spec?.renewTime;
    await waitFor(async () => (await lease())?.spec?.renewTime !== first, {
      description: "a renew",
      intervalMs: 100,
    });
    expect(leader.elector.isLeader()).to.be.true;
    expect(standby.elector.isLeader()).to.be.false;
    expect(standby.started).to.equal(0);
    const spec = (await lease())?.spec;
    expect(spec?.holderIdentity).to.equal(leader.identity);
    expect(spec?.leaseDurationSeconds).to.equal(3);
    // The standby learns the holder at its next attempt (one retry period).
    await waitFor(() => standby.elector.currentHolder() === leader.identity, {
      description: "the standby to see the holder",
      timeoutMs: 10_000,
      intervalMs: 100,
    });
  });

  it("release(): the standby leads within one retry period, not the lease duration", async function () {
    const { leader, standby } = await oneLeader([candidate("a"), candidate("b")]);
    const t0 = Date.now();
    await leader.elector.release();
    expect(leader.elector.isLeader()).to.be.false;
    expect(leader.stopped).to.equal(1);
    expect(leader.signal?.aborted).to.be.true;
    await waitFor(() => standby.elector.isLeader(), {
      description: "the standby to lead",
      timeoutMs: 10_000,
      intervalMs: 20,
    });
    const elapsed = Date.now() - t0;
    // Jittered retry period (<= 1.2 x 500 ms) plus a GET and a PUT on a busy machine;
    // the point: well below the 3 s lease duration a crash would cost.
    expect(elapsed).to.be.below(timings.retryPeriodMs * 1.2 + 1500);
    expect((await lease())?.spec?.leaseTransitions).to.equal(1);
  });

  it("a leader that stops renewing (crash) is replaced within leaseDuration + retryPeriod", async function () {
    const { leader, standby } = await oneLeader([candidate("a"), candidate("b")]);
    const t0 = Date.now();
    await leader.elector.stop({ release: false });
    await waitFor(() => standby.elector.isLeader(), {
      description: "the standby to lead",
      timeoutMs: 15_000,
      intervalMs: 20,
    });
    const elapsed = Date.now() - t0;
    // Bound: lease duration after the standby last saw a renew, + one jittered retry, + round trips.
    expect(elapsed).to.be.below(timings.leaseDurationMs + timings.retryPeriodMs * 1.2 + 1000);
    // ...and not before the lease could have expired (the last renew was about one retry period before t0).
    expect(elapsed).to.be.at.least(timings.leaseDurationMs - timings.retryPeriodMs - 500);
  });

  it("a leader paused past its renew deadline no longer holds a fresh lease when it wakes, before its loop runs", async function () {
    const { leader } = await oneLeader([candidate("a"), candidate("b")]);
    expect(leader.elector.holdsFreshLease()).to.equal(true);
    // The whole thread stops (as a SIGSTOP or a frozen VM would stop it): no timer, no renew.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, timings.renewDeadlineMs + 200);
    // Awake, synchronously, before the renew loop had a chance to notice: still "leading",
    // its signal not fired, but the lease is stale and work must not act on it.
    expect(leader.elector.isLeader()).to.equal(true);
    expect(leader.signal?.aborted).to.equal(false);
    expect(leader.elector.holdsFreshLease()).to.equal(false);
  });

  it("a leader whose lease was taken over stops leading at once and its signal fires", async function () {
    const { leader, standby } = await oneLeader([candidate("a"), candidate("b")]);
    const current = await lease();
    if (!current) throw new Error("no lease");
    await kube.request({
      method: "PUT",
      path: resourcePath(leases, ns.name, leaseName),
      body: {
        ...current,
        spec: {
          ...current.spec,
          holderIdentity: "intruder",
          leaseDurationSeconds: 60,
          renewTime: new Date().toISOString().replace("Z", "000Z"),
        },
      },
    });
    const t0 = Date.now();
    await waitFor(() => !leader.elector.isLeader(), {
      description: "the old leader to step down",
      timeoutMs: 5000,
      intervalMs: 20,
    });
    expect(Date.now() - t0).to.be.below(timings.renewDeadlineMs);
    expect(leader.stopped).to.equal(1);
    expect(leader.signal?.aborted).to.be.true;
    expect(standby.elector.isLeader()).to.be.false;
    expect(leader.elector.currentHolder()).to.equal("intruder");
  });
});
