// Which traces leave the process, decided from the standard OpenTelemetry variables
// (https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/).
// No OPRC_* variables: every OpenTelemetry-aware tool already knows these names. Pure.

/** What startTracing() sets up. */
export type TracingSettings =
  | { readonly enabled: false; readonly why: string }
  | {
      readonly enabled: true;
      /** Full URL spans are POSTed to, e.g. http://collector:4318/v1/traces */
      readonly url: string;
      /** Wire format of the OTLP/HTTP exporter. */
      readonly protocol: "http/protobuf" | "http/json";
      /** OTEL_SERVICE_NAME when set (wins over the program's own name). */
      readonly serviceName?: string;
      /** OTEL_BSP_SCHEDULE_DELAY: ms between two exports of the batch processor. Default 5000. */
      readonly scheduleDelayMs: number;
    };

/** A tracing variable with a value we cannot honour (e.g. protocol grpc). */
export class TracingConfigError extends Error {
  override readonly name = "TracingConfigError";
}

/**
 * Rules, in order:
 * - OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none: off.
 * - OTEL_TRACES_EXPORTER other than otlp (console, zipkin...): TracingConfigError.
 * - OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (used as is), else OTEL_EXPORTER_OTLP_ENDPOINT
 *   plus "/v1/traces": on. Neither set: off (no SDK loaded, no hook, no cost).
 * - OTEL_EXPORTER_OTLP_TRACES_PROTOCOL, else OTEL_EXPORTER_OTLP_PROTOCOL, else
 *   http/protobuf; grpc is not bundled (TracingConfigError: use the collector's 4318).
 * - OTEL_BSP_SCHEDULE_DELAY: ms between batch exports (default 5000).
 * @throws TracingConfigError naming the variable.
 */
export function tracingSettings(env: Readonly<Record<string, string | undefined>>): TracingSettings {
  const value = (name: string): string | undefined => {
    const v = env[name]?.trim();
    return v ? v : undefined;
  };
  if (value("OTEL_SDK_DISABLED")?.toLowerCase() === "true") {
    return { enabled: false, why: "OTEL_SDK_DISABLED=true" };
  }
  const exporter = value("OTEL_TRACES_EXPORTER")?.toLowerCase();
  if (exporter === "none") return { enabled: false, why: "OTEL_TRACES_EXPORTER=none" };
  if (exporter !== undefined && exporter !== "otlp") {
    throw new TracingConfigError(`OTEL_TRACES_EXPORTER="${exporter}": only otlp or none are supported`);
  }
  const tracesEndpoint = value("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
  const baseEndpoint = value("OTEL_EXPORTER_OTLP_ENDPOINT");
  const url = tracesEndpoint ?? (baseEndpoint ? `${baseEndpoint.replace(/\/+$/, "")}/v1/traces` : undefined);
  if (url === undefined) return { enabled: false, why: "no OTLP endpoint configured" };
  const name = tracesEndpoint ? "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT" : "OTEL_EXPORTER_OTLP_ENDPOINT";
  if (!/^https?:\/\/[^/]/.test(url)) throw new TracingConfigError(`${name}="${url}": not an http(s) URL`);
  const protocolName = value("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL")
    ? "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"
    : "OTEL_EXPORTER_OTLP_PROTOCOL";
  const protocol = value(protocolName) ?? "http/protobuf";
  if (protocol !== "http/protobuf" && protocol !== "http/json") {
    throw new TracingConfigError(
      `${protocolName}="${protocol}": only http/protobuf and http/json are supported (OTLP over HTTP, port 4318)`,
    );
  }
  const serviceName = value("OTEL_SERVICE_NAME");
  const delay = value("OTEL_BSP_SCHEDULE_DELAY") ?? "5000";
  if (!/^\d{1,7}$/.test(delay)) {
    throw new TracingConfigError(`OTEL_BSP_SCHEDULE_DELAY="${delay}": milliseconds, 0..9999999`);
  }
  return {
    enabled: true,
    url,
    protocol,
    scheduleDelayMs: Number(delay),
    ...(serviceName ? { serviceName } : {}),
  };
}
