// The process's one gate (@oaas/auth) built from the CRM's settings: the tokens file and the
// mTLS allowlist followed for rotation, OIDC JWTs when an issuer is set, one failed-
// authentication limiter, refusals counted in oaas_crm_auth_refusals_total, and the
// namespace boundary: every principal's scope is cut to the served namespaces (@oaas/config
// servedNamespaces), so a request for any other namespace is 403 whoever asks, decided
// before anything is looked up. In `crm all` every role of the process shares it; the
// dashboard adds its browser users on top of the same parts (dashboard/gate.ts). While the
// CRM runs open the process says so at startup and hourly (warnOpen, called once per
// process by program.ts, so `crm all` says it once however many roles it serves).
import { servedNamespaces, vars, type CrmConfig } from "@oaas/config";
import {
  createAuthenticator,
  createGate,
  failedAuthLimiter,
  jwtVerifier,
  parseClientsFile,
  parseTokensFile,
  repeatOpenWarning,
  watchFile,
  type Authenticator,
  type ClientEntry,
  type FailedAuthLimiter,
  type Gate,
  type GateOptions,
  type JwtVerifier,
  type NamespaceScope,
  type Repeater,
  type Source,
  type TokenEntry,
} from "@oaas/auth";
import type { Logger, Metrics } from "@oaas/telemetry";

/** Realm of the `WWW-Authenticate` challenge of the ingress and the roles' /metrics. */
export const crmRealm = "oaas-crm";

/** How often the "running open" warning repeats while the CRM runs open, ms (every hour). */
export { openWarningIntervalMs } from "@oaas/auth";

/** The parts of the process gate, for a server that authenticates more (the dashboard's Basic users). */
export interface CrmAuth {
  /** The process gate: tokens, mTLS identities, JWTs; everything passes while `open`. */
  readonly gate: Gate;
  /** config.auth.open: requests are served without credentials. */
  readonly open: CrmConfig["auth"]["open"];
  readonly tokens?: Source<readonly TokenEntry[]>;
  readonly clients?: Source<readonly ClientEntry[]>;
  readonly jwt?: JwtVerifier;
  /** Failures counted per source, shared by every gate of the process. */
  readonly limiter: FailedAuthLimiter;
  /** Counts a refusal in oaas_crm_auth_refusals_total{refusal,reason}. */
  readonly onRefused: NonNullable<GateOptions["onRefused"]>;
}

/**
 * Builds the process's authentication from config.auth. Rejects when the tokens or clients
 * file is missing, unreadable or holds no entry (AuthFileError names the line, never its
 * contents): a process must not start with credentials it cannot read. A later re-read that
 * fails keeps the previous entries and logs a warning naming the file.
 */
export async function createCrmAuth(config: CrmConfig, logger: Logger, metrics?: Metrics): Promise<CrmAuth> {
  const { auth } = config;
  const follow = <T>(what: string, variable: string, path: string, parse: (text: string) => readonly T[]) =>
    watchFile(path, parse, {
      onReload: (entries) => {
        logger.info(`${what} reloaded`, { file: path, entries: entries.length });
      },
      onError: (error) => {
        logger.warn(`${what} unusable; keeping the previous entries`, {
          file: path,
          error: error instanceof Error ? error.message : String(error),
        });
      },
    }).catch((error: unknown) => {
      // Which setting to fix: the file's own error names only a line number (never contents).
      throw new Error(`${variable}=${path}: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    });
  const tokens =
    auth.tokensFile === undefined
      ? undefined
      : await follow("tokens file", vars.authTokensFile, auth.tokensFile, parseTokensFile);
  const clients =
    auth.mtlsClientsFile === undefined
      ? undefined
      : await follow("mTLS clients file", vars.authMtlsClientsFile, auth.mtlsClientsFile, parseClientsFile);
  const jwt =
    auth.oidc === undefined
      ? undefined
      : jwtVerifier({
          issuer: auth.oidc.issuer,
          audience: auth.oidc.audience,
          roleClaim: auth.oidc.roleClaim,
          ...(auth.oidc.namespacesClaim === undefined ? {} : { namespacesClaim: auth.oidc.namespacesClaim }),
          ...(auth.oidc.jwksUrl === undefined ? {} : { jwksUrl: auth.oidc.jwksUrl }),
        });
  const refusals = metrics?.meter.createCounter("oaas_crm_auth_refusals_total", {
    description:
      "Requests refused by authentication or authorization, by refusal (unauthenticated, forbidden, throttled) and reason",
  });
  const onRefused: CrmAuth["onRefused"] = (refusal, reason) => {
    refusals?.add(1, { refusal, reason });
  };
  const limiter = failedAuthLimiter();
  const gate = createGate({
    authenticate: withinServed(
      createAuthenticator({
        disabled: auth.open !== false,
        ...(tokens === undefined ? {} : { tokens }),
        ...(clients === undefined ? {} : { clients }),
        ...(jwt === undefined ? {} : { jwt }),
      }),
      servedNamespaces(config),
    ),
    limiter,
    realm: crmRealm,
    onRefused,
  });
  return {
    gate,
    open: auth.open,
    limiter,
    onRefused,
    ...(tokens === undefined ? {} : { tokens }),
    ...(clients === undefined ? {} : { clients }),
    ...(jwt === undefined ? {} : { jwt }),
  };
}

/** The process gate alone (the ingress's view): see createCrmAuth. */
export async function createCrmGate(config: CrmConfig, logger: Logger, metrics?: Metrics): Promise<Gate> {
  return (await createCrmAuth(config, logger, metrics)).gate;
}

/**
 * Cuts every principal's namespace scope to `served`: the CRM's boundary, whoever asks. A
 * principal of every namespace ("*") gets exactly `served`; one scoped to others gets [].
 * The dashboard's gate is cut the same way (dashboard/gate.ts).
 */
export function withinServed(authenticate: Authenticator, served: readonly string[]): Authenticator {
  const cut = (scope: NamespaceScope) =>
    scope === "*" ? served : scope.filter((namespace) => served.includes(namespace));
  return async (presented) => {
    const outcome = await authenticate(presented);
    if (!outcome.ok) return outcome;
    return { ok: true, principal: { ...outcome.principal, namespaces: cut(outcome.principal.namespaces) } };
  };
}

/**
 * While the CRM runs open (config.auth.open), logs so now and every hour (@oaas/auth
 * repeatOpenWarning; `repeat` defaults to an unref'd setInterval, tests inject one).
 * Called once per process (program.ts), not per role. Returns the function that stops it
 * (a no-op when the CRM is not open).
 */
export function warnOpen(config: CrmConfig, logger: Logger, repeat?: Repeater): () => void {
  if (config.auth.open === false) return () => undefined;
  const open = config.auth.open;
  return repeatOpenWarning(
    () =>
      logger.warn(
        open === "explicit"
          ? "authentication is disabled (OPRC_CRM_AUTH_DISABLED=true): anyone who reaches the CRM may deploy and read /metrics"
          : "no authentication configured (profile dev): anyone who reaches the CRM may deploy and read /metrics; set OPRC_CRM_AUTH_TOKENS_FILE",
        { auth_open: open },
      ),
    repeat === undefined ? {} : { repeat },
  );
}
