// The `pm` entry point (npm run pm). Tracing first, then the program, imported only
// afterwards so the instrumentations see its modules load: ESM imports
// bypass require() hooks (https://github.com/open-telemetry/opentelemetry-js/blob/main/doc/esm-support.md). Tracing is on when an OTLP endpoint is configured
// (OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT), else off.
import { startTracing, TracingConfigError, tracingSettings, type Tracing } from "@oaas/telemetry";

async function boot(): Promise<number> {
  let tracing: Tracing;
  try {
    tracing = await startTracing({ serviceName: "oaas-pm", settings: tracingSettings(process.env) });
  } catch (error) {
    if (error instanceof TracingConfigError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
  try {
    const { main } = await import("./program.ts");
    return await main();
  } finally {
    await tracing.shutdown();
  }
}

boot().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.stack : String(error));
    process.exit(1);
  },
);
