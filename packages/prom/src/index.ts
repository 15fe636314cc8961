// @oaas/prom: the Prometheus HTTP API edge (the analyzer's only Prometheus client).
export { PromClient, describe, type PromClientOptions } from "./client.ts";
export { PromError, isPromError, type PromErrorKind } from "./errors.ts";
