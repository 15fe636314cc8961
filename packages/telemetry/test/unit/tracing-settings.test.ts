// Which OTEL_* settings turn tracing on, and which are refused (table-driven).
import { expect } from "chai";
import { TracingConfigError, tracingSettings, type TracingSettings } from "../../src/index.ts";

const rows: { name: string; env: Record<string, string>; want: Partial<TracingSettings> | "error" }[] = [
  { name: "nothing set: off", env: {}, want: { enabled: false } },
  {
    name: "base endpoint: /v1/traces appended, protobuf by default",
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318/" },
    want: {
      enabled: true,
      url: "http://collector:4318/v1/traces",
      protocol: "http/protobuf",
      scheduleDelayMs: 5000,
    },
  },
  {
    name: "traces endpoint wins and is used as is",
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://a:4318",
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "https://b/custom",
    },
    want: { enabled: true, url: "https://b/custom" },
  },
  {
    name: "http/json and the service name",
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://a:4318",
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
      OTEL_SERVICE_NAME: "crm-east",
    },
    want: { enabled: true, protocol: "http/json", serviceName: "crm-east" },
  },
  {
    name: "OTEL_SDK_DISABLED wins over an endpoint",
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: "http://a:4318", OTEL_SDK_DISABLED: "true" },
    want: { enabled: false },
  },
  {
    name: "OTEL_TRACES_EXPORTER=none: off",
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: "http://a:4318", OTEL_TRACES_EXPORTER: "none" },
    want: { enabled: false },
  },
  {
    name: "grpc is refused",
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: "http://a:4317", OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" },
    want: "error",
  },
  {
    name: "a bad batch delay is refused",
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: "http://a", OTEL_BSP_SCHEDULE_DELAY: "5s" },
    want: "error",
  },
  { name: "zipkin is refused", env: { OTEL_TRACES_EXPORTER: "zipkin" }, want: "error" },
  {
    name: "a non-URL endpoint is refused",
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4318" },
    want: "error",
  },
];

describe("telemetry: tracing settings from OTEL_* variables", function () {
  for (const row of rows) {
    it(row.name, function () {
      if (row.want === "error") {
        expect(() => tracingSettings(row.env)).to.throw(TracingConfigError);
        return;
      }
      expect(tracingSettings(row.env)).to.include(row.want);
    });
  }
});
