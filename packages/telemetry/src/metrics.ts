// OpenTelemetry metrics read by a Prometheus exporter that does not open its own port:
// the service serves the text format on its existing listener (GET /metrics).
import type { Meter } from "@opentelemetry/api";
import { PrometheusExporter, PrometheusSerializer } from "@opentelemetry/exporter-prometheus";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { MeterProvider } from "@opentelemetry/sdk-metrics";

export interface Metrics {
  /** Create instruments from this meter. */
  readonly meter: Meter;
  /** The Prometheus text exposition of every instrument, for GET /metrics. */
  render(): Promise<string>;
  shutdown(): Promise<void>;
}

/** Content-Type of the Prometheus text format that render() returns. */
export const prometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

export function createMetrics(options: { readonly serviceName: string }): Metrics {
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ "service.name": options.serviceName }),
    readers: [exporter],
  });
  const serializer = new PrometheusSerializer();
  return {
    meter: provider.getMeter(options.serviceName),
    render: async () => {
      const { resourceMetrics, errors } = await exporter.collect();
      const text = serializer.serialize(resourceMetrics);
      return errors.length ? `# ${errors.length} collection error(s)\n${text}` : text;
    },
    shutdown: () => provider.shutdown(),
  };
}
