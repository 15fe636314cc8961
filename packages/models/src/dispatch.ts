// Whether a class deployment may be dispatched, and what is stored before anything is
// sent (pure). The PM gathers the stored deployment, its mappings and the clusters'
// health figures; these functions decide; the PM's dispatch actor
// (services/pm/src/services/dispatch.ts) stores and sends. What the clusters' answers
// then mean is dispatch-outcome.ts.
import type { ClusterMapping } from "./mapping.ts";
import { allow, refuse, type Decided, type Refusal } from "./refusal.ts";
import type { ClusterSignal } from "./sizing.ts";
import type { FieldError, OClassDeployment } from "./types.ts";

/**
 * True when a POST may dispatch the key again: it is DOWN, DELETED or UNKNOWN (sending
 * an unknown outcome again is safe: Deploy is idempotent). Anything else is a 409.
 */
export function replaceable(d: OClassDeployment): boolean {
  return d.condition === "DOWN" || d.condition === "DELETED" || d.condition === "UNKNOWN";
}

/** A 412 refusal unless `stored` is at one of the `expected` generations (If-Match). */
export function generationRefusal(
  key: string,
  stored: OClassDeployment,
  expected: readonly number[],
): Refusal | undefined {
  const generation = stored.generation ?? 0;
  if (expected.includes(generation)) return undefined;
  return {
    kind: "precondition",
    message: `deployment "${key}" is at generation ${generation}, not ${expected.join(" or ")} (If-Match): it was changed since it was read; read it again and retry`,
  };
}

/** How a dispatch was asked for: a POST (create) or a PUT (replace), with If-Match. */
export interface DispatchOptions {
  /** A redeploy of an existing deployment (PUT): same clusters, any condition. */
  readonly replace?: boolean;
  /** The generations If-Match names. */
  readonly ifMatch?: readonly number[];
}

/** What admitDispatch looks at. */
export interface DispatchGiven {
  /** The deployment resolved against its package (key and target clusters set). */
  readonly resolved: OClassDeployment;
  /** True when the request named the key (else it was derived from package and class). */
  readonly keyNamed: boolean;
  /** The deployment stored under the key, if any. */
  readonly existing?: OClassDeployment | undefined;
  /** The existing deployment's mappings (read for a replace; else empty). */
  readonly mappings: readonly ClusterMapping[];
  readonly options: DispatchOptions;
}

/** What a dispatch may go ahead with. */
export interface Admitted {
  /**
   * Clusters that confirmed an earlier dispatch of this key (replace only): a redeploy
   * that fails there leaves them running the previous spec, so they stay DEPLOYED.
   */
  readonly confirmed: readonly string[];
}

/**
 * Whether a dispatch may go ahead, checked in this order: the key is held by another
 * package or class (409, whatever its condition); a replace of a key that does not exist
 * (404) or to other clusters than it runs on (400: delete it and deploy it anew to move
 * it); a create over a deployment that is not DOWN/DELETED/UNKNOWN (409); If-Match
 * naming another generation (412).
 */
export function admitDispatch(given: DispatchGiven): Decided<Admitted> {
  const { resolved, existing, options } = given;
  const key = resolved.key;
  const { package_name: pkgName, class_key: classKey } = resolved;
  if (existing && (existing.package_name !== pkgName || existing.class_key !== classKey)) {
    // Keys join package and class with "-", so `col` + `a-b` and `col-a` + `b` both
    // derive "col-a-b": never let one class's deployment replace another's.
    return refuse({
      kind: "conflict",
      message:
        `deployment key "${key}" is held by package "${existing.package_name}" class "${existing.class_key}"; ` +
        `package "${pkgName}" class "${classKey}" ${given.keyNamed ? "names" : "derives"} the same key: ` +
        `give this deployment another key`,
    });
  }
  let confirmed: string[] = [];
  if (options.replace) {
    if (!existing) return refuse({ kind: "not-found", message: `deployment "${key}" does not exist` });
    const running = given.mappings.map((m) => m.cluster).sort();
    const wanted = [...resolved.target_clusters].sort();
    if (running.length > 0 && running.join(",") !== wanted.join(",")) {
      return refuse({
        kind: "invalid",
        errors: [
          {
            field: "target_clusters",
            message: `a redeploy goes to the clusters the deployment runs on (${running.join(", ")}), not ${wanted.join(", ")}; delete it and deploy it anew to move it`,
          },
        ],
      });
    }
    confirmed = given.mappings.filter((m) => m.state === "DEPLOYED").map((m) => m.cluster);
  }
  if (!options.replace && existing && !replaceable(existing)) {
    return refuse({
      kind: "conflict",
      message: `deployment "${key}" already exists (condition ${existing.condition})`,
    });
  }
  if (existing && options.ifMatch !== undefined) {
    const stale = generationRefusal(key, existing, options.ifMatch);
    if (stale) return refuse(stale);
  }
  return allow({ confirmed });
}

/**
 * The check repeated inside the compare-and-swap that stores the PENDING deployment over
 * `current` (what is stored then): If-Match (412) and, for a create, replaceable (409).
 * So of two concurrent updates naming one generation exactly one is written.
 */
export function pendingRefusal(
  key: string,
  current: OClassDeployment,
  options: DispatchOptions,
): Refusal | undefined {
  if (options.ifMatch !== undefined) {
    const stale = generationRefusal(key, current, options.ifMatch);
    if (stale) return stale;
  }
  if (!options.replace && !replaceable(current))
    return {
      kind: "conflict",
      message: `deployment "${key}" already exists (condition ${current.condition})`,
    };
  return undefined;
}

/**
 * The planned deployment as stored before anything is sent: PENDING, the next
 * generation, created_at kept from `current` (else `stamp`), updated_at `stamp`, no
 * last_error.
 */
export function pendingDeployment(
  planned: OClassDeployment,
  current: OClassDeployment | undefined,
  stamp: string,
): OClassDeployment {
  const next: OClassDeployment = {
    ...planned,
    condition: "PENDING",
    generation: (current?.generation ?? 0) + 1,
    created_at: current?.created_at ?? stamp,
    updated_at: stamp,
  };
  delete next.last_error;
  return next;
}

/**
 * The units' created_at (ms since the epoch): the deployment's, not the request's, so a
 * redeploy (or a unit sent again) that changes nothing changes nothing in the record's
 * spec (no new generation there). `nowMs` when it was never stored.
 */
export function unitCreatedAtMs(stored: OClassDeployment | undefined, nowMs: number): number {
  return Date.parse(stored?.created_at ?? "") || nowMs;
}

/** Errors naming each target cluster that is not configured (at `target_clusters[i]`). */
export function unknownClusterErrors(
  clusters: readonly string[],
  configured: readonly string[],
): FieldError[] {
  return clusters.flatMap((c, i) =>
    configured.includes(c)
      ? []
      : [
          {
            field: `target_clusters[${i}]`,
            message: `unknown cluster "${c}" (configured: ${configured.join(", ") || "none"})`,
          },
        ],
  );
}

/** A cluster's health as the PM's CRM client reports it (the figures sizing needs). */
export interface HealthFigures {
  readonly cluster: string;
  readonly reachable: boolean;
  readonly status: string;
  readonly error?: string;
  readonly availability?: number;
  readonly node_count?: number;
  readonly ready_nodes?: number;
}

/** Health statuses of a CRM that answers but refuses the PM's credentials (services/pm health-probe.ts). */
const credentialRefusals = new Set(["UNAUTHENTICATED", "PERMISSION_DENIED"]);

/**
 * Sizing signals from the target clusters' health, in their order; the first cluster
 * that gave no figures (unreachable, or refusing the PM's credentials) is a 503 naming it
 * and why: nothing is stored or sent.
 */
export function sizingSignals(healths: readonly HealthFigures[]): Decided<ClusterSignal[]> {
  const down = healths.find((h) => !h.reachable);
  if (down)
    return refuse({
      kind: "unavailable",
      message: credentialRefusals.has(down.status)
        ? `cluster "${down.cluster}" refuses the PM's credentials (${down.status}): ${down.error ?? "no detail"}`
        : `cluster "${down.cluster}" is unreachable: ${down.error ?? down.status}`,
    });
  return allow(
    healths.map((h) => ({
      cluster: h.cluster,
      ...(h.availability !== undefined ? { availability: h.availability } : {}),
      ...(h.node_count !== undefined ? { nodeCount: h.node_count } : {}),
      ...(h.ready_nodes !== undefined ? { readyNodes: h.ready_nodes } : {}),
    })),
  );
}
