// Checks the Authorization header of a request against the credentials file. Pure apart
// from constant-time comparison: no I/O, no logging (the header holds secrets).
import { createHash, timingSafeEqual } from "node:crypto";
import type { Credentials } from "./auth-file.ts";

/** Who a request is, or why not. `scheme` matters for CSRF: browsers resend Basic credentials on their own, never bearer tokens. */
export type AuthResult =
  | { readonly ok: true; readonly scheme: "basic" | "bearer"; readonly user: string }
  | { readonly ok: false; readonly reason: "missing" | "malformed" | "wrong" };

/** Realm of the WWW-Authenticate challenge; the browser shows it in its login prompt. */
export const authRealm = "OaaS CRM dashboard";

/** The `WWW-Authenticate` header of a 401 (Basic so browsers prompt; Bearer for tools, RFC 6750). */
export const authChallenge = `Basic realm="${authRealm}", charset="UTF-8", Bearer realm="${authRealm}"`;

/**
 * Authenticates `Authorization: Basic base64(user:password)` (RFC 7617, UTF-8) or
 * `Authorization: Bearer <token>` (RFC 6750). Comparisons take the same time whatever
 * the secret's length or content, so timing does not reveal a prefix.
 */
export function authenticate(header: string | undefined, credentials: Credentials): AuthResult {
  if (header === undefined || header.trim() === "") return { ok: false, reason: "missing" };
  const match = /^(\S+)\s+(\S+)\s*$/.exec(header);
  if (!match) return { ok: false, reason: "malformed" };
  const scheme = (match[1] ?? "").toLowerCase();
  const value = match[2] ?? "";
  if (scheme === "bearer") {
    // Check every token (no early exit) so timing does not tell which one matched.
    let found = false;
    for (const token of credentials.tokens) found = sameSecret(value, token) || found;
    return found ? { ok: true, scheme: "bearer", user: "token" } : { ok: false, reason: "wrong" };
  }
  if (scheme !== "basic") return { ok: false, reason: "malformed" };
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return { ok: false, reason: "malformed" };
  const decoded = Buffer.from(value, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return { ok: false, reason: "malformed" };
  const user = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  const expected = credentials.users.get(user);
  // Compare against something even for an unknown user, so timing does not reveal user names.
  const matches = sameSecret(password, expected ?? "\u0000unknown-user");
  return expected !== undefined && matches
    ? { ok: true, scheme: "basic", user }
    : { ok: false, reason: "wrong" };
}

/** Constant-time equality of two strings of any lengths (compares SHA-256 digests). */
function sameSecret(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given, "utf8").digest();
  const b = createHash("sha256").update(expected, "utf8").digest();
  return timingSafeEqual(a, b);
}
