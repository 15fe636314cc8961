export { createLogger, withContext, type Logger, type LoggerOptions, type LogContext } from "./logger.ts";
export { createMetrics, prometheusContentType, type Metrics } from "./metrics.ts";
export {
  installProcessGuards,
  type ProcessGuards,
  type ProcessGuardOptions,
  type GuardTarget,
} from "./process-guards.ts";
