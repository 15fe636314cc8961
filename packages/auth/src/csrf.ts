// CSRF defence for writes a browser could be made to send: a credential the browser attaches
// on its own (Basic auth it remembers, a client certificate) must come with proof that the
// request left a page of the same origin. Bull Board's UI sends no CSRF token, so this is
// the check that needs none (OWASP CSRF cheat sheet: "verifying origin with standard headers"
// and Fetch Metadata). A bearer token is never attached by a browser on its own, so such
// requests cannot be forged. Pure.
import type { AuthMethod } from "./principal.ts";

export interface WriteRequest {
  readonly method: string;
  /** Lower-case header names, as Node gives them. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** How the request authenticated (principal.via). */
  readonly via: AuthMethod;
}

const safeMethods: ReadonlySet<string> = new Set(["GET", "HEAD", "OPTIONS"]);

/** Credentials a browser resends without the page asking: the ones a forged request carries. */
const ambient: ReadonlySet<AuthMethod> = new Set(["basic", "mtls"]);

/** True when the method cannot change state (RFC 9110 §9.2.1). */
export function isSafeMethod(method: string): boolean {
  return safeMethods.has(method.toUpperCase());
}

/**
 * Undefined when the request may proceed, else why it is refused (answer 403):
 * - safe methods and requests authenticated by a non-ambient credential pass;
 * - `Sec-Fetch-Site` (sent by every current browser) must be `same-origin`;
 * - without it, the host of `Origin` must equal the request's `Host` (the scheme is not
 *   compared: TLS usually ends at an Ingress, so the server cannot know what the browser used);
 * - with neither header the request is refused: a tool using Basic auth can send `Origin`,
 *   or use a bearer token.
 */
export function csrfRefusal(request: WriteRequest): string | undefined {
  if (isSafeMethod(request.method) || !ambient.has(request.via)) return undefined;
  const site = header(request.headers, "sec-fetch-site");
  if (site !== undefined)
    return site === "same-origin" ? undefined : `cross-site write (Sec-Fetch-Site: ${site})`;
  const origin = header(request.headers, "origin");
  if (origin === undefined) return "write without Origin or Sec-Fetch-Site header";
  const host = header(request.headers, "host");
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return "write with a malformed Origin header";
  }
  return host !== undefined && originHost === host.toLowerCase() ? undefined : "write from another origin";
}

function header(headers: WriteRequest["headers"], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
