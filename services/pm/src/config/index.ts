export { parsePmConfig, PmConfigError, type Env } from "./parse.ts";
export type { PmConfig, ClusterConfig, LogLevel } from "./types.ts";
export { authVars, defaultWriteRatePerSec } from "./auth.ts";
export { clusterVar } from "./clusters.ts";
