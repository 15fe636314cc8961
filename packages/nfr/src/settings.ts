// The NFR settings from the CRM configuration: the one mapping from @oaas/config's
// fields (seconds, duration text) to this package's units (milliseconds).
import { parseDurationMs, type CrmConfig } from "@oaas/config";
import type { NfrSettings } from "./types.ts";

/** Analysis and enforcement settings from a parsed CrmConfig. */
export function nfrSettings(config: CrmConfig): NfrSettings {
  const e = config.enforcement;
  return {
    analysis: {
      rateWindow: config.prometheus.rateWindow,
      rangeMs: durationMs(config.prometheus.range),
      stepMs: durationMs(config.prometheus.step),
      cpuPerPodMillicores: e.cpuPerPodMillicores,
    },
    enforcement: {
      enabled: config.features.nfrEnforcement,
      stabilityMs: e.stabilitySeconds * 1000,
      cooldownMs: e.cooldownSeconds * 1000,
      maxReplicaDeltaPct: e.maxReplicaDelta,
      maxReplicas: e.maxReplicas,
      minConfidence: e.minConfidence,
    },
  };
}

/** Milliseconds of a Prometheus duration text (5m, 1h30m, 30s); throws on anything else. */
export function durationMs(text: string): number {
  const parsed = parseDurationMs(text);
  if (!parsed.ok) throw new Error(`${JSON.stringify(text)}: ${parsed.reason}`);
  return parsed.value;
}
