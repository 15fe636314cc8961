// @oaas/auth: who is calling and what they may do, for the PM's REST API, the CRM's RPCs and
// every HTTP route of every role. One module, so a rule (a role ladder, a token check, a
// 401 versus 403) is decided once. Pure apart from watched-file.ts (file reads), jwt.ts (key
// fetches) and failed-auth.ts (an in-memory counter).
export { roles, parseRole, roleSatisfies, type Role, type Need } from "./roles.ts";
export {
  anonymousAdmin,
  unauthenticated,
  describePrincipal,
  scopeIncludes,
  type Principal,
  type NamespaceScope,
  type AuthMethod,
} from "./principal.ts";
export {
  parseTokensFile,
  parseClientsFile,
  AuthFileError,
  minTokenLength,
  type TokenEntry,
  type ClientEntry,
} from "./auth-file.ts";
export { certificateIdentities, matchClient, type PeerCertificateFields } from "./peer-identity.ts";
export { readCredential, matchToken, sameSecret, type Credential } from "./credential.ts";
export { authorize, type Decision } from "./authorize.ts";
export { watchFile, fixedSource, defaultRecheckMs, type Source, type WatchOptions } from "./watched-file.ts";
export { jwtVerifier, looksLikeJwt, type JwtSettings, type JwtVerifier } from "./jwt.ts";
export {
  createAuthenticator,
  type Authenticator,
  type AuthenticatorOptions,
  type AuthFailure,
  type AuthOutcome,
  type BasicVerifier,
  type Presented,
} from "./authenticate.ts";
export { failedAuthLimiter, type FailedAuthLimiter, type FailedAuthLimits } from "./failed-auth.ts";
export {
  createGate,
  type Gate,
  type GateOptions,
  type GateRequest,
  type GateResult,
  type Refusal,
} from "./gate.ts";
export { parseUsersFile, usersBasicVerifier, type UsersFile, type UserEntry } from "./users-file.ts";
export { csrfRefusal, isSafeMethod, type WriteRequest } from "./csrf.ts";
export { auditEntry, auditMessage, type AuditEntry, type AuditFacts, type AuditOutcome } from "./audit.ts";
export { repeatOpenWarning, intervalRepeater, openWarningIntervalMs, type Repeater } from "./open-warning.ts";
