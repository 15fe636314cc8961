// Leader election on a coordination.k8s.io/v1 Lease, with client-go's algorithm and
// defaults (k8s.io/client-go/tools/leaderelection):
// - candidates try to acquire every retryPeriod (with jitter); a lease is free when it has
//   no holder or its holder did not renew it for leaseDuration (judged on our own clock);
// - writes are optimistic: every update carries the resourceVersion read, so of two
//   candidates racing for a free lease exactly one wins (the other gets 409);
// - the leader renews every retryPeriod; when no renew succeeded for renewDeadline it
//   stops leading at once (onStoppedLeading, the signal given to onStartedLeading fires)
//   and becomes a candidate again. It also steps down at once when it sees another holder;
// - release() (SIGTERM) clears the holder and sets a 1 s duration, so a standby takes over
//   at its next try instead of waiting out the lease.
// Guarantee: with leaseDuration > renewDeadline (+ clock drift), an old leader stops
// acting before another can acquire. Caveat: only as good as the leader's reaction to the
// signal: work started before it must check it, and work that a paused process resumes
// must check holdsFreshLease() (the signal fires only when the loop gets to run).
import { sleep } from "../backoff.ts";
import type { KubeClient } from "../client.ts";
import { isKubeError } from "../errors.ts";
import { getObject, resourcePath } from "../resources.ts";
import type { InformerLogger } from "../informer/informer.ts";
import { heldSpec, leases, mayAcquire, releasedSpec, type Lease } from "./lease-record.ts";

export interface LeaderElectorOptions {
  readonly kube: KubeClient;
  readonly namespace: string;
  /** Lease name, e.g. "oaas-crm-watcher". */
  readonly name: string;
  /** Unique per process, e.g. "<hostname>_<pid>" (pod name in a cluster). */
  readonly identity: string;
  /** How long a lease holds without renewal before others may take it, ms. Default 15 000 (client-go). */
  readonly leaseDurationMs?: number;
  /** The leader gives up when no renew succeeded for this long, ms. Default 10 000 (client-go). Must be < leaseDurationMs. */
  readonly renewDeadlineMs?: number;
  /** Pause between acquire and renew attempts, ms. Default 2 000 (client-go). */
  readonly retryPeriodMs?: number;
  /** Became leader. `signal` fires when leadership ends: stop everything started for it. */
  readonly onStartedLeading?: (signal: AbortSignal) => void;
  /** Lost or gave up leadership (after the signal fired). */
  readonly onStoppedLeading?: () => void;
  /** The observed holder changed (undefined = nobody). */
  readonly onNewLeader?: (identity: string | undefined) => void;
  readonly logger?: InformerLogger;
}

const quiet: InformerLogger = { warn: () => undefined, info: () => undefined, debug: () => undefined };

export class LeaderElector {
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private readonly stopper = new AbortController();
  private running: Promise<void> | undefined;
  private leading = false;
  /** When the last successful acquire or renew was sent (epoch ms; holdsFreshLease). */
  private renewedAtMs = 0;
  private leadership: AbortController | undefined;
  private observed: { lease: Lease; atMs: number } | undefined;
  private holder: string | undefined;
  /** Failed attempts in a row (conflicts aside) and when the first of them failed, for the log. */
  private failing = { attempts: 0, sinceMs: 0 };
  private readonly log: InformerLogger;

  constructor(private readonly options: LeaderElectorOptions) {
    this.leaseDurationMs = options.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = options.retryPeriodMs ?? 2_000;
    if (this.renewDeadlineMs >= this.leaseDurationMs)
      throw new Error("leader election: renewDeadlineMs must be less than leaseDurationMs");
    if (this.retryPeriodMs >= this.renewDeadlineMs)
      throw new Error("leader election: retryPeriodMs must be less than renewDeadlineMs");
    this.log = options.logger ?? quiet;
  }

  /** Starts campaigning in the background. Idempotent; never rejects. */
  start(): void {
    this.running ??= this.run().catch((error: unknown) => {
      this.log.warn("leader election loop ended unexpectedly", { error: String(error) });
    });
  }

  /** True while this process holds the lease (for `leader_election_master_status`). */
  isLeader(): boolean {
    return this.leading;
  }

  /**
   * True while leading and the last successful renew was sent less than renewDeadline
   * ago on our own clock. The renew loop notices a lost lease only at its next tick and
   * after a round trip; a process paused past the deadline (SIGSTOP, a frozen VM, a long
   * GC pause) wakes with its leadership signal not yet aborted, while another candidate
   * may already hold the lease. Work done as the leader checks this right before acting
   * (the watcher's enqueues), not only the signal.
   */
  holdsFreshLease(): boolean {
    return this.leading && Date.now() - this.renewedAtMs < this.renewDeadlineMs;
  }

  /** The holder last seen on the lease, if any. */
  currentHolder(): string | undefined {
    return this.holder;
  }

  /**
   * Stops campaigning and renewing; resolves once the loop ended. With `release` (the
   * default, for SIGTERM) a held lease is handed back so a standby takes over at once;
   * without it the lease simply expires (what a crash looks like to the others).
   */
  async stop(options: { release?: boolean } = {}): Promise<void> {
    this.stopper.abort(new Error("leader election stopped"));
    await this.running;
    if (options.release ?? true) await this.releaseLease();
  }

  /** stop({ release: true }). */
  release(): Promise<void> {
    return this.stop({ release: true });
  }

  private isStopped(): boolean {
    return this.stopper.signal.aborted;
  }

  private async run(): Promise<void> {
    while (!this.isStopped()) {
      // Candidate: try every retryPeriod (jittered by up to 20%, as client-go does).
      while (!this.isStopped() && !(await this.tryAcquireOrRenew(this.retryPeriodMs))) {
        await sleep(this.retryPeriodMs * (1 + Math.random() * 0.2), this.stopper.signal);
      }
      if (this.isStopped()) return;
      this.startLeading();
      let lastRenewMs = Date.now();
      while (!this.isStopped()) {
        await sleep(this.retryPeriodMs, this.stopper.signal);
        if (this.isStopped()) break;
        const left = lastRenewMs + this.renewDeadlineMs - Date.now();
        const verdict = left > 0 ? await this.tryAcquireOrRenew(left) : false;
        if (verdict === true) {
          lastRenewMs = Date.now();
          continue;
        }
        if (verdict === "taken" || Date.now() - lastRenewMs >= this.renewDeadlineMs) {
          this.log.warn("leader election: lost the lease", {
            lease: this.options.name,
            reason: verdict === "taken" ? `held by ${this.holder ?? "?"}` : "renew deadline passed",
          });
          break;
        }
      }
      this.stopLeading();
    }
  }

  private startLeading(): void {
    this.leading = true;
    this.leadership = new AbortController();
    this.log.info("leader election: became leader", {
      lease: this.options.name,
      identity: this.options.identity,
    });
    try {
      this.options.onStartedLeading?.(this.leadership.signal);
    } catch (error) {
      this.log.warn("onStartedLeading threw", { error: String(error) });
    }
  }

  private stopLeading(): void {
    if (!this.leading) return;
    this.leading = false;
    this.leadership?.abort(new Error("leadership lost"));
    this.leadership = undefined;
    try {
      this.options.onStoppedLeading?.();
    } catch (error) {
      this.log.warn("onStoppedLeading threw", { error: String(error) });
    }
  }

  /**
   * One attempt: true when we hold the lease afterwards, "taken" when someone else
   * validly holds it, false when the attempt failed (conflict, API error) or the lease
   * is held and not expired while we are a candidate.
   */
  private async tryAcquireOrRenew(timeoutMs: number): Promise<boolean | "taken"> {
    const { kube, namespace, name, identity } = this.options;
    // Exempt from the client's in-flight bound: a renew must not queue behind reconciles.
    const call = { timeoutMs: Math.max(1, Math.ceil(timeoutMs)), signal: this.stopper.signal, exempt: true };
    try {
      const now = new Date();
      const lease = await getObject<Lease>(kube, leases, namespace, name, call);
      this.reached();
      if (!lease) {
        await kube.request({
          method: "POST",
          path: resourcePath(leases, namespace),
          body: {
            apiVersion: "coordination.k8s.io/v1",
            kind: "Lease",
            metadata: { name, namespace },
            spec: heldSpec(undefined, identity, this.leaseDurationMs, now),
          },
          ...call,
        });
        this.see(undefined, identity);
        this.renewedAtMs = now.getTime();
        return true;
      }
      this.observe(lease);
      const holder = lease.spec?.holderIdentity ?? "";
      if (!mayAcquire(lease, identity, this.observed?.atMs ?? Date.now(), Date.now())) {
        return this.leading ? "taken" : false;
      }
      const renewTime = new Date();
      const updated = await kube.request<Lease>({
        method: "PUT",
        path: resourcePath(leases, namespace, name),
        body: { ...lease, spec: heldSpec(lease.spec, identity, this.leaseDurationMs, renewTime) },
        ...call,
      });
      this.observed = { lease: updated, atMs: Date.now() };
      this.see(holder, identity);
      // Counted from the renewTime written, not the answer: the others judge from that.
      this.renewedAtMs = renewTime.getTime();
      return true;
    } catch (error) {
      if (this.isStopped()) return false;
      // An outage is one warning (the first failed attempt) and one line when the API
      // server answers again (reached()); the attempts in between, and conflicts, at debug.
      const conflict = isKubeError(error, "conflict");
      if (!conflict && ++this.failing.attempts === 1) this.failing.sinceMs = Date.now();
      this.log[!conflict && this.failing.attempts === 1 ? "warn" : "debug"](
        "leader election: attempt failed",
        {
          lease: name,
          error: error instanceof Error ? error.message : String(error),
        },
      );
      return false;
    }
  }

  /** The API server answered: ends a run of failed attempts with one info line. */
  private reached(): void {
    if (this.failing.attempts === 0) return;
    this.log.info("leader election: API server answers again", {
      lease: this.options.name,
      failed_attempts: this.failing.attempts,
      down_seconds: Math.round((Date.now() - this.failing.sinceMs) / 100) / 10,
    });
    this.failing = { attempts: 0, sinceMs: 0 };
  }

  /** Remembers when the lease last changed, on our clock (see mayAcquire). */
  private observe(lease: Lease): void {
    const previous = this.observed?.lease;
    if (previous?.metadata.resourceVersion !== lease.metadata.resourceVersion) {
      this.observed = { lease, atMs: Date.now() };
      this.see(previous?.spec?.holderIdentity ?? undefined, lease.spec?.holderIdentity ?? undefined);
    }
  }

  private see(_before: string | undefined, after: string | undefined): void {
    const holder = after || undefined;
    if (holder === this.holder) return;
    this.holder = holder;
    try {
      this.options.onNewLeader?.(holder);
    } catch (error) {
      this.log.warn("onNewLeader threw", { error: String(error) });
    }
  }

  /** Hands a lease we hold back (holder cleared, 1 s duration). Best effort: errors are logged. */
  private async releaseLease(): Promise<void> {
    const wasLeading = this.leading;
    this.stopLeading();
    if (!wasLeading && this.holder !== this.options.identity) return;
    const { kube, namespace, name, identity } = this.options;
    try {
      const lease = await getObject<Lease>(kube, leases, namespace, name, {
        timeoutMs: this.renewDeadlineMs,
        exempt: true,
      });
      if (lease?.spec?.holderIdentity !== identity) return;
      await kube.request({
        method: "PUT",
        path: resourcePath(leases, namespace, name),
        body: { ...lease, spec: releasedSpec(lease.spec, new Date()) },
        timeoutMs: this.renewDeadlineMs,
        exempt: true,
      });
      this.log.info("leader election: released the lease", { lease: name, identity });
    } catch (error) {
      this.log.warn("leader election: release failed (the lease will expire)", {
        lease: name,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
}
