// What travels with every call the PM makes to a CRM: the deadline, the correlation id, the
// namespace and the PM's own caller (x-oaas-on-behalf-of), shared by the manager and the
// services that pass a context down.

/** Per-call deadlines: 15 s for a deploy, 5 s for every other call. */
export const deployDeadlineMs = 15_000;
export const callDeadlineMs = 5_000;

/** What every call passes to its Connect client. */
export interface CallOptions {
  readonly timeoutMs: number;
  readonly headers: Record<string, string>;
  readonly signal?: AbortSignal;
}

export interface CallContext {
  readonly correlationId: string;
  /** Sent as x-namespace when set (the CRM's default namespace otherwise). */
  readonly namespace?: string;
  /**
   * The PM's caller, sent as x-oaas-on-behalf-of beside the PM's own per-cluster token, so
   * the CRM's history names who asked (`accepted by pm via deployer for alice`). Absent for
   * the PM's own background work (settling, status refresh).
   */
  readonly onBehalfOf?: string;
}

/** The header naming the PM's caller on a CRM call. */
export const onBehalfOfHeader = "x-oaas-on-behalf-of";

/**
 * A principal name as a header value: as it is when it is visible ASCII (RFC 9110 field
 * values; HTTP/2 refuses others), else percent-encoded (a JWT subject may be any text).
 */
export function headerSafe(name: string): string {
  return /^[\x21-\x7e]+$/.test(name) ? name : encodeURIComponent(name);
}
