// The dashboard's credentials file (a Secret mounted as a file, OPRC_CRM_DASHBOARD_AUTH_FILE).
// Pure: the caller reads the file. Error messages name line numbers, never line contents,
// because a malformed line is most likely a password.

/** Users for HTTP Basic auth and tokens for `Authorization: Bearer`. */
export interface Credentials {
  /** user -> password */
  readonly users: ReadonlyMap<string, string>;
  readonly tokens: readonly string[];
}

/** The file is unusable; `line` is 1-based when one line is at fault. */
export class AuthFileError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(line === undefined ? message : `line ${line}: ${message}`);
    this.name = "AuthFileError";
  }
}

/**
 * Parses the credentials file:
 * - `user:password` per line: a Basic-auth user (split at the first colon, so a password
 *   may contain colons; RFC 7617 forbids colons in user names anyway);
 * - `token:<value>` per line: a bearer token (the user name `token` is therefore reserved);
 * - blank lines and lines starting with `#` are ignored; CRLF line ends are accepted;
 *   nothing else is trimmed, so a password may start or end with spaces.
 * Throws AuthFileError for a line without a colon, an empty user, password or token, a
 * user listed twice, or a file without any credential (the dashboard must never run open).
 */
export function parseAuthFile(text: string): Credentials {
  const users = new Map<string, string>();
  const tokens: string[] = [];
  text.split("\n").forEach((rawLine, index) => {
    const line = rawLine.endsWith("\r") ? rawLine.slice(0, -1) : rawLine;
    const lineNumber = index + 1;
    if (line.trim() === "" || line.trimStart().startsWith("#")) return;
    const colon = line.indexOf(":");
    if (colon < 0) throw new AuthFileError("expected `user:password` or `token:<value>`", lineNumber);
    const key = line.slice(0, colon);
    const value = line.slice(colon + 1);
    if (key === "") throw new AuthFileError("empty user name", lineNumber);
    if (value === "") throw new AuthFileError(key === "token" ? "empty token" : "empty password", lineNumber);
    if (key === "token") {
      tokens.push(value);
      return;
    }
    if (users.has(key)) throw new AuthFileError("user listed twice", lineNumber);
    users.set(key, value);
  });
  if (users.size === 0 && tokens.length === 0)
    throw new AuthFileError("no credentials: add `user:password` or `token:<value>` lines");
  return { users, tokens };
}
