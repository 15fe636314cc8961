// The PM's authentication and write-limit settings (OPRC_PM_AUTH_*, OPRC_PM_WRITE_*), the
// same shape as the CRM's (packages/config parseAuth/checkAuth): a tokens file, OIDC JWTs,
// or running open said out loud. The PM has no dev profile, so with nothing configured it
// refuses to start: anyone who reaches its port could deploy to every cluster.
import {
  anyText,
  integerIn,
  parseBoolean,
  parseHttpUrl,
  parsePath,
  type EnvReader,
  type OidcSettings,
} from "@oaas/config";
import type { PmConfig } from "./types.ts";

export const authVars = {
  tokensFile: "OPRC_PM_AUTH_TOKENS_FILE",
  disabled: "OPRC_PM_AUTH_DISABLED",
  oidcIssuer: "OPRC_PM_AUTH_OIDC_ISSUER",
  oidcAudience: "OPRC_PM_AUTH_OIDC_AUDIENCE",
  oidcRoleClaim: "OPRC_PM_AUTH_OIDC_ROLE_CLAIM",
  oidcNamespacesClaim: "OPRC_PM_AUTH_OIDC_NAMESPACES_CLAIM",
  oidcJwksUrl: "OPRC_PM_AUTH_OIDC_JWKS_URL",
  writeRatePerSec: "OPRC_PM_WRITE_RATE_PER_SEC",
  writeBurst: "OPRC_PM_WRITE_BURST",
} as const;

/** Writes per second and principal by default: 20/s, far above a person or a CI job, low enough that one caller cannot flood etcd. */
export const defaultWriteRatePerSec = 20;

/**
 * Reads the settings and reports what cannot work: nothing configured without
 * OPRC_PM_AUTH_DISABLED=true, DISABLED together with credentials (they would be ignored),
 * an issuer without an audience, an OIDC detail without an issuer.
 */
export function authSettings(r: EnvReader): PmConfig["auth"] {
  const v = authVars;
  const disabled = r.read(v.disabled, parseBoolean, false);
  const tokensFile = r.optional(v.tokensFile, parsePath);
  // Every OIDC variable is read even without an issuer, so one set alone is reported.
  const issuer = r.optional(v.oidcIssuer, parseHttpUrl);
  const audience = r.optional(v.oidcAudience, anyText);
  const roleClaim = r.read(v.oidcRoleClaim, anyText, "oaas_role");
  const namespacesClaim = r.optional(v.oidcNamespacesClaim, anyText);
  const jwksUrl = r.optional(v.oidcJwksUrl, parseHttpUrl);
  const ratePerSec = r.read(
    v.writeRatePerSec,
    integerIn(1, 100_000, "writes per second"),
    defaultWriteRatePerSec,
  );
  const burst = r.read(v.writeBurst, integerIn(1, 1_000_000, "writes"), ratePerSec);
  const oidc: OidcSettings | undefined =
    issuer === undefined
      ? undefined
      : {
          issuer,
          audience: audience ?? "",
          roleClaim,
          ...(namespacesClaim !== undefined ? { namespacesClaim } : {}),
          ...(jwksUrl !== undefined ? { jwksUrl } : {}),
        };
  const configured = tokensFile !== undefined || oidc !== undefined;
  const ready = r.isValid(v.disabled) && r.isValid(v.tokensFile) && r.isValid(v.oidcIssuer);
  if (ready && disabled && configured)
    r.report(
      v.disabled,
      `true, but credentials are configured (${[v.tokensFile, v.oidcIssuer].filter((n) => r.isSet(n)).join(", ")}), which would be ignored; remove one or the other`,
      r.raw(v.disabled),
    );
  if (ready && !disabled && !configured)
    r.report(
      v.tokensFile,
      `required: no authentication is configured, so anyone who reaches the PM could deploy to every cluster; set ${v.tokensFile} (a mounted Secret of \`token,user,role[,namespaces]\` lines) or ${v.oidcIssuer}, or ${v.disabled}=true to run open on purpose`,
    );
  if (oidc !== undefined && oidc.audience === "")
    r.report(v.oidcAudience, `required with ${v.oidcIssuer}: the audience (aud) tokens must be issued for`);
  for (const name of [v.oidcAudience, v.oidcRoleClaim, v.oidcNamespacesClaim, v.oidcJwksUrl])
    if (issuer === undefined && r.isValid(v.oidcIssuer) && r.isSet(name))
      r.report(name, `set, but ${v.oidcIssuer} is not, so it would be ignored`, r.raw(name));
  return {
    disabled: disabled && !configured,
    ...(tokensFile !== undefined ? { tokensFile } : {}),
    ...(oidc !== undefined ? { oidc } : {}),
    writeRatePerSec: ratePerSec,
    writeBurst: burst,
  };
}
