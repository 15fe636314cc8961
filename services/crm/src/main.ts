// The `crm` entry point. Tracing is set up first and the program is imported only
// afterwards: the OpenTelemetry loader hook sees ESM imports of ioredis only when it is
// registered before them
// (https://github.com/open-telemetry/opentelemetry-js/blob/main/doc/esm-support.md). Tracing is on
// when an OTLP endpoint is configured (OTEL_EXPORTER_OTLP_ENDPOINT or
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT; packages/telemetry tracing-settings.ts), else off.
import { startTracing, TracingConfigError, tracingSettings, type Tracing } from "@oaas/telemetry";

async function boot(argv: readonly string[]): Promise<number> {
  let tracing: Tracing;
  try {
    const role = argv[0] ?? "";
    tracing = await startTracing({
      serviceName: "oaas-crm",
      settings: tracingSettings(process.env),
      attributes: { "oaas.crm.role": role },
    });
  } catch (error) {
    if (error instanceof TracingConfigError) {
      console.error(`crm: invalid configuration:\n${error.message}`);
      return 1;
    }
    throw error;
  }
  try {
    const { main } = await import("./program.ts");
    return await main(argv);
  } finally {
    await tracing.shutdown();
  }
}

boot(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error("crm: failed to start:", error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
