// The CRM version reported by CrmInfoService.GetEnvHealth and the startup log, fixed at
// build time: a bundle built with esbuild's `define: { OAAS_CRM_VERSION: '"1.2.3"' }`
// (e.g. from git describe) reports that; otherwise the version of services/crm's
// package.json, which a bundler inlines (a static JSON import, not a file read at run
// time, so a bundle moved away from the source tree still knows its version).
import pkg from "../package.json" with { type: "json" };

declare const OAAS_CRM_VERSION: string | undefined;

/** e.g. "0.1.0". */
export const crmVersion: string =
  typeof OAAS_CRM_VERSION === "string" && OAAS_CRM_VERSION !== "" ? OAAS_CRM_VERSION : pkg.version;
