// The PM's gate from its settings (@oaas/auth): the tokens file followed for rotation, OIDC
// JWTs, the failed-authentication throttle per client address, refusals counted in
// metrics, and, when authentication is explicitly disabled, a warning at startup and every
// hour. I/O edge: reads the tokens file, starts a timer.
import {
  createAuthenticator,
  createGate,
  defaultRecheckMs,
  failedAuthLimiter,
  jwtVerifier,
  parseTokensFile,
  repeatOpenWarning,
  watchFile,
  type Authenticator,
  type Gate,
  type GateOptions,
  type Repeater,
} from "@oaas/auth";
import type { Logger, Metrics } from "@oaas/telemetry";
import { authVars } from "../config/auth.ts";
import type { PmConfig } from "../config/index.ts";

export interface PmAuth {
  readonly gate: Gate;
  /** Who presented this credential (for the audit line of a request the gate refused with 403). */
  readonly authenticate: Authenticator;
  /** Every request is served as `anonymous` admin (OPRC_PM_AUTH_DISABLED=true). */
  readonly disabled: boolean;
  readonly writeRatePerSec: number;
  readonly writeBurst: number;
  /**
   * Counts a refusal decided outside the gate in oaas_auth_refusals_total{refusal,reason}
   * (the 403 of a write by a namespace-limited principal: forbidden, namespace), as the
   * gate counts its own.
   */
  readonly refused: NonNullable<GateOptions["onRefused"]>;
  close(): void;
}

/** WWW-Authenticate realm of the PM's 401 answers. */
export const pmRealm = "oaas-pm";

/**
 * Builds the gate. Rejects when the tokens file cannot be read or parsed (the PM must not
 * start without its credentials; the error names the line, never its contents).
 */
export async function startAuth(
  settings: PmConfig["auth"],
  logger: Logger,
  metrics?: Metrics,
  recheckMs: number = defaultRecheckMs,
  /** The timer of the hourly "authentication is disabled" warning (tests inject one; default an unref'd setInterval). */
  repeat?: Repeater,
): Promise<PmAuth> {
  const tokens =
    settings.tokensFile === undefined
      ? undefined
      : await watchFile(settings.tokensFile, parseTokensFile, {
          recheckMs,
          onReload: (entries) =>
            logger.info("tokens file reloaded", { file: settings.tokensFile, tokens: entries.length }),
          onError: (error) =>
            logger.warn("tokens file not reloaded; the previous tokens stay in force", {
              file: settings.tokensFile,
              error: error instanceof Error ? error.message : String(error),
            }),
        }).catch((error: unknown) => {
          throw new Error(
            `${authVars.tokensFile} (${settings.tokensFile}): ${error instanceof Error ? error.message : String(error)}`,
            { cause: error },
          );
        });
  const refusals = metrics?.meter.createCounter("oaas_auth_refusals_total", {
    description:
      "Requests the authentication gate refused, by refusal (unauthenticated, forbidden, throttled) and reason",
  });
  const authenticate = createAuthenticator({
    disabled: settings.disabled,
    ...(tokens !== undefined ? { tokens } : {}),
    ...(settings.oidc !== undefined ? { jwt: jwtVerifier(settings.oidc) } : {}),
  });
  const refused: PmAuth["refused"] = (refusal, reason) => refusals?.add(1, { refusal, reason });
  const gate = createGate({
    authenticate,
    limiter: failedAuthLimiter(),
    realm: pmRealm,
    onRefused: refused,
  });
  // Said at startup and every hour while the PM runs open (@oaas/auth repeatOpenWarning).
  const stopWarning = settings.disabled
    ? repeatOpenWarning(
        () =>
          logger.warn("authentication is disabled: anyone who reaches the PM may deploy to every cluster", {
            setting: `${authVars.disabled}=true`,
            fix: `set ${authVars.tokensFile} or ${authVars.oidcIssuer} and remove ${authVars.disabled}`,
          }),
        repeat === undefined ? {} : { repeat },
      )
    : () => undefined;
  return {
    gate,
    authenticate,
    disabled: settings.disabled,
    writeRatePerSec: settings.writeRatePerSec,
    writeBurst: settings.writeBurst,
    refused,
    close: stopWarning,
  };
}
