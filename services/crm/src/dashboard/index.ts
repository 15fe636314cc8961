// The CRM dashboard role: Bull Board over the queues, record pages, behind authentication.
export { startDashboard, type Dashboard, type DashboardDeps } from "./server.ts";
export { normalizeBasePath, DashboardOptionsError, type DashboardOptions } from "./options.ts";
export { dashboardGate, defaultUserRole, dashboardRealm, type DashboardAuth } from "./gate.ts";
export type { DeclaredRoute } from "./routes.ts";
export type { HistoryReader } from "./history.ts";
