// The coordination.k8s.io/v1 Lease as leader election uses it, and the pure decisions
// on it (is it free, may I take it), kept apart from the I/O loop.
import type { ResourceType } from "../resources.ts";

export const leases: ResourceType = {
  group: "coordination.k8s.io",
  version: "v1",
  plural: "leases",
  namespaced: true,
};

export interface Lease {
  apiVersion: "coordination.k8s.io/v1";
  kind: "Lease";
  metadata: { name: string; namespace: string; resourceVersion?: string; uid?: string };
  spec?: {
    holderIdentity?: string | null;
    leaseDurationSeconds?: number;
    /** MicroTime: RFC 3339 with exactly 6 fractional digits. */
    acquireTime?: string | null;
    renewTime?: string | null;
    leaseTransitions?: number;
  };
}

/** A Date as a Kubernetes MicroTime (the API server parses exactly 6 fractional digits). */
export function microTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

/**
 * Whether `identity` may take the lease now. Free when nobody holds it (released), when
 * it is already ours, or when its holder has not renewed it for leaseDurationSeconds.
 * "Not renewed" is judged on OUR clock from when we last saw the lease change
 * (`observedAtMs`), never from renewTime, so clock skew between replicas cannot make a
 * live leader look expired (client-go's rule).
 */
export function mayAcquire(lease: Lease, identity: string, observedAtMs: number, nowMs: number): boolean {
  const holder = lease.spec?.holderIdentity ?? "";
  if (holder === "" || holder === identity) return true;
  const durationMs = (lease.spec?.leaseDurationSeconds ?? 0) * 1000;
  return observedAtMs + durationMs <= nowMs;
}

/** The spec that makes `identity` the holder, counting a transition when the holder changes. */
export function heldSpec(
  previous: Lease["spec"],
  identity: string,
  leaseDurationMs: number,
  now: Date,
): NonNullable<Lease["spec"]> {
  const sameHolder = (previous?.holderIdentity ?? "") === identity;
  const transitions = previous?.leaseTransitions ?? 0;
  return {
    holderIdentity: identity,
    leaseDurationSeconds: Math.max(1, Math.ceil(leaseDurationMs / 1000)),
    acquireTime: sameHolder && previous?.acquireTime ? previous.acquireTime : microTime(now),
    renewTime: microTime(now),
    // client-go counts every change of holder, a released (empty) one included; a new lease starts at 0.
    leaseTransitions: sameHolder || previous === undefined ? transitions : transitions + 1,
  };
}

/** The spec written on release: no holder and a 1 s duration, so a standby takes over at its next try. */
export function releasedSpec(previous: Lease["spec"], now: Date): NonNullable<Lease["spec"]> {
  return {
    holderIdentity: null,
    leaseDurationSeconds: 1,
    acquireTime: null,
    renewTime: microTime(now),
    leaseTransitions: previous?.leaseTransitions ?? 0,
  };
}
