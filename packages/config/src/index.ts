export type {
  AuthSettings,
  CrmConfig,
  Features,
  LogLevel,
  OidcSettings,
  Profile,
  ScrapeKind,
} from "./types.ts";
export { profiles } from "./types.ts";
export { ConfigError, type ConfigProblem } from "./errors.ts";
export { parseCrmConfig } from "./parse.ts";
export { describeConfig, redactUrl } from "./describe.ts";
export {
  parseRedisTarget,
  hasHashTag,
  redactRedisUrl,
  redisUrlForms,
  type RedisTarget,
  type RedisNode,
  type RedisTopology,
} from "./redis-url.ts";
export { profileDefaults, defaultNamespace, defaultPort, type ProfileDefaults } from "./profiles.ts";
export { vars, knownVariables, isSupported, notSupportedYet, type VariableName } from "./variables.ts";
// The environment reader every service's settings use (the PM's too): one set of value
// rules and one error format.
export { EnvReader, type Env, type EnvReaderOptions } from "./reader.ts";
export type { Parsed, Parser } from "./parsed.ts";
export {
  anyText,
  commaList,
  dns1123Label,
  integerIn,
  mapParser,
  oneOf,
  parseBoolean,
  parseDurationMs,
  parseHttpUrl,
  parsePath,
} from "./values.ts";
export { servedNamespaces, servedNamespacesVariable, watchedNamespaces } from "./served.ts";
