// The two identity files: bearer tokens (`token,user,role[,namespaces]`, the shape of the
// Kubernetes API server's --token-auth-file with the role in place of the uid) and mTLS
// client identities (`identity,role[,namespaces]`). Both are CSV: a namespaces column holding
// several names is quoted (`"team-a,team-b"`), as Kubernetes quotes its groups column.
// Pure: the caller reads the file. Errors name line numbers, never line contents, because a
// malformed line most likely holds a token.
import { isDns1123Label } from "@oaas/kube-rules";
import { parse } from "csv-parse/sync";
import type { NamespaceScope } from "./principal.ts";
import { parseRole, roles, type Role } from "./roles.ts";

/** One bearer token and who holds it. */
export interface TokenEntry {
  readonly token: string;
  readonly user: string;
  readonly role: Role;
  readonly namespaces: NamespaceScope;
}

/** One allowed client certificate identity (see peer-identity.ts for the forms). */
export interface ClientEntry {
  readonly identity: string;
  readonly role: Role;
  readonly namespaces: NamespaceScope;
}

/** The file is unusable; `line` is 1-based when one line is at fault. The message never quotes the file. */
export class AuthFileError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(line === undefined ? message : `line ${line}: ${message}`);
    this.name = "AuthFileError";
  }
}

/** Lowest length a token may have: 16 characters, so a guessable word is never a credential. */
export const minTokenLength = 16;

interface Row {
  readonly line: number;
  readonly cells: readonly string[];
}

/**
 * Parses a tokens file. Each line: `token,user,role[,namespaces]`; `#` starts a comment line;
 * blank lines are skipped; cells are trimmed. Throws AuthFileError for a short token
 * (< minTokenLength), an empty user, an unknown role, a token or a user listed twice (one
 * token per user keeps audit lines unambiguous), or a file with no token at all (a server
 * must never run open by accident).
 */
export function parseTokensFile(text: string): readonly TokenEntry[] {
  const users = new Set<string>();
  const tokens = new Set<string>();
  const entries = rows(text, 3).map(({ line, cells }) => {
    const [token = "", user = "", role = "", namespaces] = cells;
    if (token.length < minTokenLength)
      throw new AuthFileError(`token shorter than ${minTokenLength} characters`, line);
    if (user === "") throw new AuthFileError("empty user name", line);
    if (tokens.has(token)) throw new AuthFileError("token listed twice", line);
    if (users.has(user)) throw new AuthFileError("user listed twice", line);
    tokens.add(token);
    users.add(user);
    return { token, user, role: roleOf(role, line), namespaces: scopeOf(namespaces, line) };
  });
  if (entries.length === 0) throw new AuthFileError("no tokens: add `token,user,role` lines");
  return entries;
}

/**
 * Parses a client-identities file. Each line: `identity,role[,namespaces]` where identity is
 * `CN=<common name>`, `DNS:<name>`, `URI:<uri>` or `IP:<address>` (the forms
 * peer-identity.ts derives from a certificate). Throws AuthFileError for another form, an
 * unknown role, an identity listed twice, or a file without any identity.
 */
export function parseClientsFile(text: string): readonly ClientEntry[] {
  const seen = new Set<string>();
  const entries = rows(text, 2).map(({ line, cells }) => {
    const [identity = "", role = "", namespaces] = cells;
    if (!/^(CN=|DNS:|URI:|IP:).+/.test(identity))
      throw new AuthFileError("identity must be CN=<name>, DNS:<name>, URI:<uri> or IP:<address>", line);
    if (seen.has(identity)) throw new AuthFileError("identity listed twice", line);
    seen.add(identity);
    return { identity, role: roleOf(role, line), namespaces: scopeOf(namespaces, line) };
  });
  if (entries.length === 0) throw new AuthFileError("no identities: add `identity,role` lines");
  return entries;
}

function rows(text: string, minCells: number): readonly Row[] {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      comment: "#",
      comment_no_infix: true,
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
      info: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (error) {
    const line = (error as { lines?: unknown }).lines;
    throw new AuthFileError("malformed CSV (check quotes)", typeof line === "number" ? line : undefined);
  }
  return records
    .map(({ record, info }) => ({ line: info.lines, cells: record }))
    .filter(({ cells }) => cells.some((cell) => cell !== ""))
    .map((row) => {
      if (row.cells.length < minCells || row.cells.length > minCells + 1)
        throw new AuthFileError(`expected ${minCells} or ${minCells + 1} comma-separated fields`, row.line);
      return row;
    });
}

function roleOf(text: string, line: number): Role {
  const role = parseRole(text);
  if (role === undefined) throw new AuthFileError(`unknown role (one of ${roles.join(", ")})`, line);
  return role;
}

function scopeOf(text: string | undefined, line: number): NamespaceScope {
  if (text === undefined || text === "*") return "*";
  const names = text.split(",").map((name) => name.trim());
  if (names.some((name) => !isDns1123Label(name)))
    throw new AuthFileError("namespaces must be `*` or Kubernetes namespace names", line);
  return names;
}
