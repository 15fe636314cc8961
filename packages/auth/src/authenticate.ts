// Authentication: turns what a request presents (Authorization header, verified client
// certificate) into a principal, trying each configured authenticator the way the
// Kubernetes API server's union authenticator does. An explicit header wins over the
// certificate; a header that does not authenticate is a failure, never a fall-back.
import type { ClientEntry, TokenEntry } from "./auth-file.ts";
import { matchToken, readCredential } from "./credential.ts";
import { looksLikeJwt, type JwtVerifier } from "./jwt.ts";
import { matchClient } from "./peer-identity.ts";
import { anonymousAdmin, type Principal } from "./principal.ts";
import type { Source } from "./watched-file.ts";

/** What a request presents. */
export interface Presented {
  /** The Authorization header, if any. */
  readonly authorization?: string | undefined;
  /** Identities of a client certificate the TLS layer verified against the CA (certificateIdentities). */
  readonly peerIdentities?: readonly string[] | undefined;
}

/** Why a request is not authenticated: nothing presented, a header that is not a credential, or a credential no authenticator accepts. */
export type AuthFailure = "missing" | "malformed" | "unknown";

export type AuthOutcome =
  | { readonly ok: true; readonly principal: Principal }
  | { readonly ok: false; readonly failure: AuthFailure };

/** A Basic-auth check (the dashboard's browser users); undefined when the pair is wrong. */
export type BasicVerifier = (user: string, password: string) => Promise<Principal | undefined>;

export interface AuthenticatorOptions {
  /** Explicitly turned off (OPRC_*_AUTH_DISABLED): every request is `anonymous` with the admin role. */
  readonly disabled?: boolean;
  readonly tokens?: Source<readonly TokenEntry[]>;
  readonly clients?: Source<readonly ClientEntry[]>;
  readonly jwt?: JwtVerifier;
  readonly basic?: BasicVerifier;
}

export type Authenticator = (presented: Presented) => Promise<AuthOutcome>;

/**
 * Builds the authenticator. Rejects only when a JWT's keys cannot be fetched (the token may
 * be good: the caller should answer "unavailable", not 401).
 */
export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  return async ({ authorization, peerIdentities }) => {
    if (options.disabled === true) return { ok: true, principal: anonymousAdmin };
    const credential = readCredential(authorization);
    switch (credential.kind) {
      case "malformed":
        return { ok: false, failure: "malformed" };
      case "bearer": {
        const entry =
          options.tokens === undefined
            ? undefined
            : matchToken(credential.token, await options.tokens.current());
        if (entry !== undefined)
          return {
            ok: true,
            principal: { name: entry.user, role: entry.role, namespaces: entry.namespaces, via: "token" },
          };
        if (options.jwt !== undefined && looksLikeJwt(credential.token)) {
          const principal = await options.jwt(credential.token);
          if (principal !== undefined) return { ok: true, principal };
        }
        return { ok: false, failure: "unknown" };
      }
      case "basic": {
        const principal = await options.basic?.(credential.user, credential.password);
        return principal === undefined ? { ok: false, failure: "unknown" } : { ok: true, principal };
      }
      case "none": {
        if (options.clients === undefined || peerIdentities === undefined || peerIdentities.length === 0)
          return { ok: false, failure: "missing" };
        const entry = matchClient(peerIdentities, await options.clients.current());
        if (entry === undefined) return { ok: false, failure: "unknown" };
        return {
          ok: true,
          principal: { name: entry.identity, role: entry.role, namespaces: entry.namespaces, via: "mtls" },
        };
      }
    }
  };
}
