// OIDC bearer JWTs, verified with jose against the issuer's published keys (JWKS). I/O edge:
// the only network use is fetching the discovery document and the key set, both cached.
// The role comes from one claim (`roleClaim`), as Argo CD maps a groups claim to its roles.
import { createRemoteJWKSet, jwtVerify, errors as joseErrors, type JWTPayload } from "jose";
import type { NamespaceScope, Principal } from "./principal.ts";
import { parseRole, roleSatisfies, type Role } from "./roles.ts";

export interface JwtSettings {
  /** Expected `iss` (exact). Discovery reads `<issuer>/.well-known/openid-configuration` (OpenID Connect Discovery 1.0 §4). */
  readonly issuer: string;
  /** Expected `aud`. */
  readonly audience: string;
  /** The claim holding a role name or a list of them (the highest wins). */
  readonly roleClaim: string;
  /** Optional claim holding namespace names (a list) or `*`; absent: every namespace. */
  readonly namespacesClaim?: string;
  /** The key set's URL when discovery is not wanted. */
  readonly jwksUrl?: string;
  /** Tolerated clock skew, seconds. Default 30. */
  readonly clockToleranceSecs?: number;
}

/** Verifies a token; undefined when it is not valid (bad signature, expired, wrong issuer or audience, no role). */
export type JwtVerifier = (token: string) => Promise<Principal | undefined>;

/** Whether a bearer value has the JWS compact shape (three base64url parts), so it is worth verifying as a JWT. */
export function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token);
}

/**
 * A verifier for `settings`. Keys are fetched on first use and refreshed by jose when an
 * unknown `kid` appears. Only asymmetric algorithms are accepted (an `alg: none` or HS256
 * token signed with the public key is refused). Network errors reject (the caller answers
 * 503-like "cannot verify" rather than 401, since the credential may be good).
 */
export function jwtVerifier(settings: JwtSettings): JwtVerifier {
  let keys: ReturnType<typeof createRemoteJWKSet> | undefined;
  const keySet = async () => {
    if (keys !== undefined) return keys;
    const url = settings.jwksUrl ?? (await discoverJwksUrl(settings.issuer));
    keys = createRemoteJWKSet(new URL(url));
    return keys;
  };
  return async (token) => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, await keySet(), {
        issuer: settings.issuer,
        audience: settings.audience,
        algorithms: [
          "RS256",
          "RS384",
          "RS512",
          "PS256",
          "PS384",
          "PS512",
          "ES256",
          "ES384",
          "ES512",
          "EdDSA",
        ],
        clockTolerance: settings.clockToleranceSecs ?? 30,
      }));
    } catch (error) {
      if (error instanceof joseErrors.JOSEError && !(error instanceof joseErrors.JWKSTimeout))
        return undefined;
      throw error;
    }
    const role = roleOf(payload[settings.roleClaim]);
    if (role === undefined || typeof payload.sub !== "string" || payload.sub === "") return undefined;
    const namespaces = scopeOf(
      settings.namespacesClaim === undefined ? undefined : payload[settings.namespacesClaim],
    );
    if (namespaces === undefined) return undefined;
    return { name: payload.sub, role, namespaces, via: "jwt" };
  };
}

async function discoverJwksUrl(issuer: string): Promise<string> {
  const url = `${issuer.replace(/\/$/, "")}/.well-known/openid-configuration`;
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`OIDC discovery at ${url} answered ${response.status}`);
  const document = (await response.json()) as { jwks_uri?: unknown };
  if (typeof document.jwks_uri !== "string") throw new Error(`OIDC discovery at ${url} has no jwks_uri`);
  return document.jwks_uri;
}

function roleOf(claim: unknown): Role | undefined {
  const names = typeof claim === "string" ? [claim] : Array.isArray(claim) ? claim : [];
  let best: Role | undefined;
  for (const name of names) {
    const role = typeof name === "string" ? parseRole(name) : undefined;
    if (role !== undefined && (best === undefined || roleSatisfies(role, best))) best = role;
  }
  return best;
}

function scopeOf(claim: unknown): NamespaceScope | undefined {
  if (claim === undefined || claim === "*") return "*";
  if (Array.isArray(claim) && claim.every((name) => typeof name === "string")) return claim;
  return undefined;
}
