export { startPm, createStorage, type Pm, type PmOptions } from "./app.ts";
export { parsePmConfig, PmConfigError, type PmConfig, type ClusterConfig } from "./config/index.ts";
export { CrmManager, type ClusterHealth } from "./crm/manager.ts";
export * from "./storage/index.ts";
