// Reads the Authorization header (RFC 9110 §11.6.2) into a credential, and matches bearer
// tokens (RFC 6750) in constant time. Nothing here logs: the header is a secret.
import { createHash, timingSafeEqual } from "node:crypto";
import type { TokenEntry } from "./auth-file.ts";

/** What the header carries. `malformed` covers an unknown scheme or a value that is not one token68. */
export type Credential =
  | { readonly kind: "none" }
  | { readonly kind: "malformed" }
  | { readonly kind: "bearer"; readonly token: string }
  | { readonly kind: "basic"; readonly user: string; readonly password: string };

/** Splits `Authorization` into scheme and value; schemes compare case-insensitively (RFC 9110 §11.1). */
export function readCredential(header: string | undefined): Credential {
  if (header === undefined || header.trim() === "") return { kind: "none" };
  const match = /^(\S+)\s+(\S+)\s*$/.exec(header);
  if (!match) return { kind: "malformed" };
  const scheme = (match[1] ?? "").toLowerCase();
  const value = match[2] ?? "";
  if (scheme === "bearer") return { kind: "bearer", token: value };
  if (scheme !== "basic" || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return { kind: "malformed" };
  // RFC 7617: base64 of `user:password` in UTF-8; the user name cannot hold a colon.
  const decoded = Buffer.from(value, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return { kind: "malformed" };
  return { kind: "basic", user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** The entry holding `token`, comparing against every entry (no early exit) so timing tells nothing. */
export function matchToken(token: string, entries: readonly TokenEntry[]): TokenEntry | undefined {
  let found: TokenEntry | undefined;
  for (const entry of entries) if (sameSecret(token, entry.token)) found ??= entry;
  return found;
}

/** Constant-time equality of two strings of any lengths (compares SHA-256 digests). */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given, "utf8").digest();
  const b = createHash("sha256").update(expected, "utf8").digest();
  return timingSafeEqual(a, b);
}
