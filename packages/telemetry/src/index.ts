export { createLogger, withContext, type Logger, type LoggerOptions, type LogContext } from "./logger.ts";
export { createMetrics, prometheusContentType, type Metrics } from "./metrics.ts";
export {
  createConnectionMonitor,
  type ConnectionMonitor,
  type ConnectionMonitorOptions,
  type ConnectionState,
} from "./connection-monitor.ts";
export { routeConsoleToLogger, type ConsoleRoute } from "./console-route.ts";
export {
  installProcessGuards,
  type ProcessGuards,
  type ProcessGuardOptions,
  type GuardTarget,
} from "./process-guards.ts";
export { startTracing, type Tracing, type TracingOptions } from "./tracing.ts";
export { tracingSettings, TracingConfigError, type TracingSettings } from "./tracing-settings.ts";
export {
  tracer,
  tracerName,
  currentTraceparent,
  contextFromTraceparent,
  injectTraceHeaders,
  extractTraceHeaders,
  activeTraceFields,
  inSpan,
  type InSpanOptions,
  type SpanHandle,
} from "./trace-context.ts";
