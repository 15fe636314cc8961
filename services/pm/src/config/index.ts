export { parsePmConfig, PmConfigError, type Env } from "./parse.ts";
export type { PmConfig, ClusterConfig, LogLevel } from "./types.ts";
