// @oaas/pm-api: the Package Manager's REST contract, written once (TypeBox). The PM
// serves it (validation, handler types, the OpenAPI document); oaasctl and the tests read
// answers with its types.
export * from "./common.ts";
export * from "./clusters.ts";
export * from "./deployments.ts";
export * from "./nfr.ts";
export * from "./packages.ts";
export * from "./runtimes.ts";
export * from "./status.ts";
export * from "./routes.ts";
export * from "./paging.ts";
