// The dashboard's gate: the process's authentication (bearer tokens of OPRC_CRM_AUTH_TOKENS_FILE,
// OIDC JWTs, the same failed-authentication limiter and refusal counter) plus the dashboard's
// own users file (OPRC_CRM_DASHBOARD_AUTH_FILE: Basic users for browsers and its bearer
// tokens). Unlike the process gate it never runs open: the dashboard always wants its
// credentials, even when the ingress runs without any (profile dev).
import {
  createAuthenticator,
  createGate,
  defaultRecheckMs,
  parseUsersFile,
  usersBasicVerifier,
  watchFile,
  type Gate,
  type Role,
  type Source,
  type TokenEntry,
} from "@oaas/auth";
import type { Logger } from "@oaas/telemetry";
import { withinServed, type CrmAuth } from "../process/gate.ts";

/** Realm of the dashboard's challenge; the browser shows it in its login prompt. */
export const dashboardRealm = "OaaS CRM dashboard";

/** The parts of the process's authentication the dashboard builds on (process/gate.ts createCrmAuth). */
export type DashboardAuth = Pick<CrmAuth, "gate" | "tokens" | "jwt" | "limiter" | "onRefused">;

/**
 * The role of a users-file line without `[role]`: `admin` when writes are enabled (who could
 * retry jobs before roles existed still can), else `viewer` (nothing to write anyway).
 */
export function defaultUserRole(readOnly: boolean): Role {
  return readOnly ? "viewer" : "admin";
}

/**
 * Loads the users file (rejects with AuthFileError or the fs error when it is missing,
 * unreadable or holds no credential: the dashboard must not start open) and follows it,
 * re-checked every `recheckMs` (default defaultRecheckMs, 2 s): rotation without a restart.
 * Returns a gate answering Basic and bearer credentials, with a Basic challenge on 401.
 */
export async function dashboardGate(options: {
  readonly auth: DashboardAuth;
  /** The CRM's served namespaces: every principal's scope is cut to them (process/gate.ts withinServed). */
  readonly served: readonly string[];
  readonly authFile: string;
  readonly readOnly: boolean;
  readonly logger: Logger;
  readonly recheckMs?: number;
}): Promise<Gate> {
  const { auth, authFile, logger } = options;
  const defaultRole = defaultUserRole(options.readOnly);
  const users = await watchFile(authFile, (text) => parseUsersFile(text, defaultRole), {
    recheckMs: options.recheckMs ?? defaultRecheckMs,
    onReload: (file) => {
      logger.info("dashboard credentials reloaded", {
        auth_file: authFile,
        users: file.users.size,
        tokens: file.tokens.length,
      });
    },
    onError: (error) => {
      logger.warn("dashboard credentials file unusable; keeping the previous credentials", {
        auth_file: authFile,
        error: error instanceof Error ? error.message : String(error),
      });
    },
  });
  const shared = auth.tokens;
  const tokens: Source<readonly TokenEntry[]> = {
    current: async () => [
      ...(shared === undefined ? [] : await shared.current()),
      ...(await users.current()).tokens,
    ],
  };
  return createGate({
    authenticate: withinServed(
      createAuthenticator({
        tokens,
        basic: usersBasicVerifier(users),
        ...(auth.jwt === undefined ? {} : { jwt: auth.jwt }),
      }),
      options.served,
    ),
    limiter: auth.limiter,
    realm: dashboardRealm,
    basicChallenge: true,
    onRefused: auth.onRefused,
  });
}
