// The CRM's one gate (@oaas/auth createGate) from its settings, shared by every role that
// serves a route or RPC (ingress, dashboard, health servers): the tokens and clients files
// followed for rotation, OIDC when configured, failed authentications throttled per source
// and counted, and the namespace boundary: a principal's scope is cut to the served
// namespaces (@oaas/config servedNamespaces), so a request for any other namespace is 403
// whoever asks, decided before anything is looked up.
import {
  anonymousAdmin,
  createAuthenticator,
  createGate,
  failedAuthLimiter,
  jwtVerifier,
  parseClientsFile,
  parseTokensFile,
  watchFile,
  type Authenticator,
  type Gate,
  type NamespaceScope,
} from "@oaas/auth";
import { servedNamespaces, type CrmConfig } from "@oaas/config";
import type { Logger, Metrics } from "@oaas/telemetry";

/** How often a CRM running open says so, ms (and once at startup). */
export const openWarningEveryMs = 60 * 60 * 1000;

/**
 * The gate of a CRM role. Rejects when a configured tokens or clients file cannot be read
 * or parsed (a role must not start without its credentials). Refusals are counted in
 * `oaas_crm_auth_refusals_total{refusal,reason}` when `metrics` is given. While
 * config.auth.open is set it logs a warning now and every hour (an unref'd timer).
 */
export async function createCrmGate(config: CrmConfig, logger: Logger, metrics?: Metrics): Promise<Gate> {
  const auth = config.auth;
  const onError = (file: string) => (error: unknown) =>
    logger.error("cannot re-read a credentials file; the previous one stays in force", {
      file,
      error: error instanceof Error ? error.message : String(error),
    });
  const onReload = (file: string) => (entries: readonly unknown[]) =>
    logger.info("credentials file reloaded", { file, entries: entries.length });
  const tokens =
    auth.tokensFile === undefined
      ? undefined
      : await watchFile(auth.tokensFile, parseTokensFile, {
          onError: onError(auth.tokensFile),
          onReload: onReload(auth.tokensFile),
        });
  const clients =
    auth.mtlsClientsFile === undefined
      ? undefined
      : await watchFile(auth.mtlsClientsFile, parseClientsFile, {
          onError: onError(auth.mtlsClientsFile),
          onReload: onReload(auth.mtlsClientsFile),
        });
  const authenticate = createAuthenticator({
    disabled: auth.open !== false,
    ...(tokens ? { tokens } : {}),
    ...(clients ? { clients } : {}),
    ...(auth.oidc ? { jwt: jwtVerifier(auth.oidc) } : {}),
  });
  if (auth.open !== false) warnOpen(config, logger);
  const refusals = metrics?.meter.createCounter("oaas_crm_auth_refusals", {
    description:
      "Requests refused by the authentication gate, by refusal (unauthenticated, forbidden, throttled) and reason.",
  });
  return createGate({
    realm: "oaas-crm",
    authenticate: withinServed(authenticate, servedNamespaces(config)),
    limiter: failedAuthLimiter(),
    onRefused: (refusal, reason) => refusals?.add(1, { refusal, reason }),
  });
}

/** Cuts every principal's namespace scope to `served`: the CRM's boundary, whoever asks. */
function withinServed(authenticate: Authenticator, served: readonly string[]): Authenticator {
  const cut = (scope: NamespaceScope) =>
    scope === "*" ? served : scope.filter((namespace) => served.includes(namespace));
  return async (presented) => {
    const outcome = await authenticate(presented);
    if (!outcome.ok) return outcome;
    return { ok: true, principal: { ...outcome.principal, namespaces: cut(outcome.principal.namespaces) } };
  };
}

function warnOpen(config: CrmConfig, logger: Logger): void {
  const warn = () =>
    logger.warn(
      "authentication is off: every request is served as anonymous admin; set OPRC_CRM_AUTH_TOKENS_FILE (or the mTLS allowlist or OIDC) to turn it on",
      { open: config.auth.open, principal: anonymousAdmin.name },
    );
  warn();
  setInterval(warn, openWarningEveryMs).unref();
}
