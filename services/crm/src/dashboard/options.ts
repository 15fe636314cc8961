// The dashboard's settings. Proposed environment names (parsed by @oaas/config):
//   OPRC_CRM_DASHBOARD_PORT       port, default 8089
//   OPRC_CRM_DASHBOARD_BASE_PATH  base path the browser sees, default "/"
//   OPRC_CRM_DASHBOARD_AUTH_FILE  credentials file (Secret mount), required; bearer tokens of
//                                 OPRC_CRM_AUTH_TOKENS_FILE are accepted too
//   OPRC_CRM_DASHBOARD_READONLY   default true

export interface DashboardOptions {
  /** TCP port; 0 = any free port (tests). Default (config) 8089. */
  readonly port: number;
  /** Interface to bind; default all interfaces. */
  readonly host?: string;
  /**
   * Path prefix of every dashboard page as the browser sees it, e.g. "/ops/crm/" behind an
   * Ingress that forwards that prefix unchanged. Default "/". /healthz, /readyz and
   * /metrics stay at the root (probes and scrapes do not go through the Ingress).
   */
  readonly basePath?: string;
  /**
   * File with one credential per line, `user:password` (Basic auth) or `token:<value>`
   * (bearer), each optionally preceded by `[role]` (default: defaultUserRole(readOnly));
   * mounted from a Secret, re-read when it changes (parseUsersFile of @oaas/auth). Required:
   * the dashboard never serves without authentication.
   */
  readonly authFile: string;
  /**
   * Default true: Bull Board refuses every write (405) and so does the server for any
   * non-GET request. False enables retry, clean, promote and the rest, for the `admin` role
   * only, each guarded by a same-origin (CSRF) check when made with Basic credentials.
   */
  readonly readOnly?: boolean;
  /** How often the credentials file is checked for a change, ms. Default 2 000 (defaultRecheckMs of @oaas/auth). */
  readonly authRecheckMs?: number;
  /** History entries shown per record. Default 200. */
  readonly historyLimit?: number;
  /** Bound of each Kubernetes and Redis call made for a page or probe, ms. Default 5 000. */
  readonly callTimeoutMs?: number;
}

export class DashboardOptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DashboardOptionsError";
  }
}

/**
 * "/" or "/a/b/": leading and trailing slash, no empty, "." or ".." segments, only URL
 * path characters that need no escaping. Throws DashboardOptionsError otherwise.
 */
export function normalizeBasePath(path: string | undefined): string {
  const trimmed = (path ?? "/").trim();
  if (!trimmed.startsWith("/"))
    throw new DashboardOptionsError(`base path must start with "/": ${JSON.stringify(path)}`);
  const segments = trimmed.split("/").filter((s) => s !== "");
  for (const s of segments)
    if (s === "." || s === ".." || !/^[A-Za-z0-9._~-]+$/.test(s))
      throw new DashboardOptionsError(
        `base path segment ${JSON.stringify(s)} is not allowed (letters, digits, . _ ~ -)`,
      );
  return segments.length === 0 ? "/" : `/${segments.join("/")}/`;
}
