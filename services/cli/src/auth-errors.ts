// The one line oaasctl prints when the PM refuses who is asking: 401 (no token, or one the
// PM does not accept) or 403 (a valid token whose role or namespaces do not allow the
// command). Each names the setting the token came from and which one to change.
import type { Credential } from "./credentials.ts";
import { PmHttpError } from "./errors.ts";
import { pmErrorText } from "./http-errors.ts";

export interface AuthContext {
  readonly pmUrl: string;
  readonly credential?: Credential;
  /** Why the config file's token was not sent (configTokenNote), the end of a 401's advice. */
  readonly configNote?: string;
}

/** The error of a 401 or 403 answer. */
export function authError(status: 401 | 403, body: string, context: AuthContext): PmHttpError {
  const pm = pmErrorText(body);
  const said = pm === undefined ? "" : ` (${pm})`;
  const { credential } = context;
  const message =
    status === 401
      ? credential === undefined
        ? `the Package Manager at ${context.pmUrl} needs a token${said}: pass --token <token> or set OAAS_TOKEN (a token from the PM's OPRC_PM_AUTH_TOKENS_FILE)${context.configNote === undefined ? "" : `; ${context.configNote}`}`
        : `the Package Manager at ${context.pmUrl} does not accept the token from ${credential.source}${said}: it is unknown, expired or rotated; change ${credential.source} to a current token`
      : `the Package Manager refused this command for the token from ${credential?.source ?? "nowhere"}${said}: the token is valid but its role (or namespaces) does not allow it; use a token with the needed role (--token or OAAS_TOKEN)`;
  return new PmHttpError(message, status, pm);
}
