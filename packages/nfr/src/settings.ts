// The NFR settings from the CRM configuration: the one mapping from @oaas/config's
// fields (seconds, duration text) to this package's units (milliseconds).
import type { CrmConfig } from "@oaas/config";
import type { NfrSettings } from "./types.ts";

/** Analysis and enforcement settings from a parsed CrmConfig. */
export function nfrSettings(config: CrmConfig): NfrSettings {
  throw new Error(`not yet: nfrSettings(${config.profile})`);
}

/** Milliseconds of a Prometheus duration text (5m, 1h30m, 30s); throws on anything else. */
export function durationMs(text: string): number {
  throw new Error(`not yet: durationMs(${text})`);
}
