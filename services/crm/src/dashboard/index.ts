// The CRM dashboard role: Bull Board over the queues, record pages, behind authentication.
export { startDashboard, type Dashboard, type DashboardDeps } from "./server.ts";
export { normalizeBasePath, DashboardOptionsError, type DashboardOptions } from "./options.ts";
export { parseAuthFile, AuthFileError, type Credentials } from "./auth-file.ts";
export type { HistoryReader } from "./history.ts";
