// The one check every server runs before a route or RPC: authenticate, count failures per
// source, authorize. It answers in HTTP terms (401/403/429 plus headers); each server maps
// those once to its protocol (gRPC: UNAUTHENTICATED, PERMISSION_DENIED, RESOURCE_EXHAUSTED).
import type { Authenticator, AuthFailure, Presented } from "./authenticate.ts";
import { authorize } from "./authorize.ts";
import type { FailedAuthLimiter } from "./failed-auth.ts";
import { unauthenticated, type Principal } from "./principal.ts";
import type { Need } from "./roles.ts";

export interface GateRequest extends Presented {
  /** Who is asking at the transport level (the client address), for failure counting. */
  readonly source: string;
}

export type Refusal = "unauthenticated" | "forbidden" | "throttled";

export type GateResult =
  | { readonly ok: true; readonly principal: Principal }
  | {
      readonly ok: false;
      readonly refusal: Refusal;
      readonly status: 401 | 403 | 429;
      /** Safe to show the caller: no secret, no statement about whether an object exists. */
      readonly message: string;
      readonly headers: Readonly<Record<string, string>>;
      /** Who was refused, when known (a 403): for the audit line of a denied write. */
      readonly principal?: Principal;
    };

export interface GateOptions {
  readonly authenticate: Authenticator;
  readonly limiter?: FailedAuthLimiter;
  /** Realm of the `WWW-Authenticate` challenge. */
  readonly realm: string;
  /** Extra challenge schemes, e.g. `Basic` for the dashboard's browser login. */
  readonly basicChallenge?: boolean;
  /** Told of every refusal (metrics); never given the credential. */
  readonly onRefused?: (refusal: Refusal, detail: AuthFailure | "role" | "namespace") => void;
}

export type Gate = (request: GateRequest, need: Need, namespace?: string) => Promise<GateResult>;

/**
 * Builds the gate. `need: "public"` passes without a credential (probes). A 401 carries
 * `WWW-Authenticate: Bearer realm=...` (RFC 6750 §3, with `error="invalid_token"` when a token
 * was presented); a 429 carries `Retry-After` in seconds (RFC 9110 §10.2.3).
 */
export function createGate(options: GateOptions): Gate {
  const bearer = (failure: AuthFailure) =>
    failure === "missing"
      ? `Bearer realm="${options.realm}"`
      : `Bearer realm="${options.realm}", error="invalid_token"`;
  const challenge = (failure: AuthFailure) =>
    options.basicChallenge === true
      ? `Basic realm="${options.realm}", charset="UTF-8", ${bearer(failure)}`
      : bearer(failure);
  return async (request, need, namespace): Promise<GateResult> => {
    if (need === "public") return { ok: true, principal: unauthenticated };
    const outcome = await options.authenticate(request);
    if (!outcome.ok) {
      const waitSecs = await options.limiter?.failed(request.source);
      if (waitSecs !== undefined) {
        options.onRefused?.("throttled", outcome.failure);
        return {
          ok: false,
          refusal: "throttled",
          status: 429,
          message: `too many failed authentications from this client; retry after ${waitSecs} s`,
          headers: { "retry-after": String(waitSecs) },
        };
      }
      options.onRefused?.("unauthenticated", outcome.failure);
      return {
        ok: false,
        refusal: "unauthenticated",
        status: 401,
        message:
          outcome.failure === "missing"
            ? "authentication required: send Authorization: Bearer <token>"
            : "the credential is not valid (unknown, expired or malformed)",
        headers: { "www-authenticate": challenge(outcome.failure) },
      };
    }
    const decision = authorize(outcome.principal, need, namespace);
    if (!decision.allowed) {
      options.onRefused?.("forbidden", decision.lacks);
      return {
        ok: false,
        refusal: "forbidden",
        status: 403,
        message: decision.reason,
        headers: {},
        principal: outcome.principal,
      };
    }
    return { ok: true, principal: outcome.principal };
  };
}
