export type { CrmConfig, Features, LogLevel, Profile, ScrapeKind } from "./types.ts";
export { profiles } from "./types.ts";
export { ConfigError, type ConfigProblem } from "./errors.ts";
export { parseCrmConfig } from "./parse.ts";
export { parseDurationMs } from "./values.ts";
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
export type { Env } from "./reader.ts";
export { servedNamespaces, servedNamespacesVariable, watchedNamespace } from "./served.ts";
