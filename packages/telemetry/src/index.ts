export { createLogger, withContext, type Logger, type LoggerOptions, type LogContext } from "./logger.ts";
export { createMetrics, prometheusContentType, type Metrics } from "./metrics.ts";
