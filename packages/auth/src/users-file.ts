// The browser users file (the CRM dashboard's OPRC_CRM_DASHBOARD_AUTH_FILE, a mounted Secret):
// `user:password` lines for HTTP Basic auth (RFC 7617) and `token:<value>` lines for bearer
// tokens, each optionally preceded by a role in brackets (`[admin] alice:pw`). A line without
// a role gets the caller's default, so files written before roles existed keep working.
// Pure: the caller reads the file. Errors name line numbers, never line contents, because a
// malformed line is most likely a password.
import { AuthFileError, type TokenEntry } from "./auth-file.ts";
import type { BasicVerifier } from "./authenticate.ts";
import { sameSecret } from "./credential.ts";
import { parseRole, roles, type Role } from "./roles.ts";
import type { Source } from "./watched-file.ts";

/** One Basic-auth user. */
export interface UserEntry {
  readonly password: string;
  readonly role: Role;
}

export interface UsersFile {
  /** user -> password and role */
  readonly users: ReadonlyMap<string, UserEntry>;
  /** Bearer tokens, named `token-<n>` (1-based, file order) in audit lines; unscoped. */
  readonly tokens: readonly TokenEntry[];
}

/** `[role] ` at the start of a line. */
const rolePrefix = /^\[([^\]]*)\]\s+/;

/**
 * Parses the users file:
 * - `user:password`: a Basic-auth user (split at the first colon, so a password may contain
 *   colons; RFC 7617 forbids colons in user names anyway);
 * - `token:<value>`: a bearer token (the user name `token` is therefore reserved);
 * - either may start with `[metrics]`, `[viewer]`, `[deployer]` or `[admin]` and blanks;
 *   without it the line gets `defaultRole`;
 * - blank lines and lines starting with `#` are ignored; CRLF line ends are accepted; nothing
 *   else is trimmed, so a password may start or end with spaces.
 * Throws AuthFileError for a line without a colon, an unknown role, an empty user, password or
 * token, a user listed twice, or a file without any credential (a server must never run open).
 */
export function parseUsersFile(text: string, defaultRole: Role): UsersFile {
  const users = new Map<string, UserEntry>();
  const tokens: TokenEntry[] = [];
  text.split("\n").forEach((rawLine, index) => {
    let line = rawLine.endsWith("\r") ? rawLine.slice(0, -1) : rawLine;
    const lineNumber = index + 1;
    if (line.trim() === "" || line.trimStart().startsWith("#")) return;
    let role = defaultRole;
    const prefix = rolePrefix.exec(line);
    if (prefix) {
      const named = parseRole(prefix[1] ?? "");
      if (named === undefined)
        throw new AuthFileError(`unknown role in brackets (one of ${roles.join(", ")})`, lineNumber);
      role = named;
      line = line.slice(prefix[0].length);
    }
    const colon = line.indexOf(":");
    if (colon < 0) throw new AuthFileError("expected `user:password` or `token:<value>`", lineNumber);
    const key = line.slice(0, colon);
    const value = line.slice(colon + 1);
    if (key === "") throw new AuthFileError("empty user name", lineNumber);
    if (value === "") throw new AuthFileError(key === "token" ? "empty token" : "empty password", lineNumber);
    if (key === "token") {
      tokens.push({ token: value, user: `token-${tokens.length + 1}`, role, namespaces: "*" });
      return;
    }
    if (users.has(key)) throw new AuthFileError("user listed twice", lineNumber);
    users.set(key, { password: value, role });
  });
  if (users.size === 0 && tokens.length === 0)
    throw new AuthFileError("no credentials: add `user:password` or `token:<value>` lines");
  return { users, tokens };
}

/** Compared with the password of an unknown user, so timing does not reveal which user names exist. */
const unknownUserPassword = "\u0000unknown-user";

/**
 * Checks a Basic-auth pair against the current users file, in constant time whatever the
 * password's length or whether the user exists. The principal is unscoped (`*`): the file
 * has no namespaces column.
 */
export function usersBasicVerifier(file: Source<UsersFile>): BasicVerifier {
  return async (user, password) => {
    const entry = (await file.current()).users.get(user);
    const matches = sameSecret(password, entry?.password ?? unknownUserPassword);
    return entry !== undefined && matches
      ? { name: user, role: entry.role, namespaces: "*", via: "basic" }
      : undefined;
  };
}
