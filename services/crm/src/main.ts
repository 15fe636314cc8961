// The CRM program: `crm <role>`. One image, many roles; `all` runs every built role in
// one process (today: only ingress). Exit codes: 0 clean stop, 1 bad configuration or
// failed startup, 2 unknown or not yet built role.
import { ConfigError, describeConfig, parseCrmConfig, type CrmConfig } from "@oaas/config";
import { KubeClient, loadKubeConfig } from "@oaas/kube";
import { createLogger, createMetrics, installProcessGuards } from "@oaas/telemetry";
import { applyCrds } from "./crds.ts";
import { startIngress } from "./ingress/ingress.ts";
import { crmVersion } from "./version.ts";

const builtRoles = ["ingress", "all"] as const;
const plannedRoles = ["watcher", "reconciler", "analyzer", "enforcer", "dashboard"] as const;

async function main(argv: readonly string[]): Promise<number> {
  const role = argv[0] ?? "";
  if (role === "crds") {
    const kube = await KubeClient.create(loadKubeConfig());
    try {
      await applyCrds(kube);
      console.error("crm crds: DeploymentRecord CRD applied and Established");
      return 0;
    } finally {
      await kube.close();
    }
  }
  if ((plannedRoles as readonly string[]).includes(role)) {
    console.error(`crm ${role}: not built yet`);
    return 2;
  }
  if (!(builtRoles as readonly string[]).includes(role)) {
    console.error(`usage: crm <${[...builtRoles, ...plannedRoles, "crds"].join("|")}>`);
    return 2;
  }
  let config: CrmConfig;
  try {
    config = parseCrmConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`crm: invalid configuration:\n${error.message}`);
      return 1;
    }
    throw error;
  }
  const logger = createLogger({ service: `crm-${role}`, level: config.log.level });
  const metrics = createMetrics({ serviceName: "oaas-crm" });
  installProcessGuards({ logger, metrics });
  // Once, at startup: every setting, where it came from, secrets redacted.
  logger.info("configuration", { version: crmVersion, role, config: describeConfig(config) });
  const kube = await KubeClient.create(loadKubeConfig());
  const ingress = await startIngress({ config, kube, logger, metrics, crmVersion });
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      logger.info("stopping", { signal });
      resolve();
    };
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
  });
  await ingress.close();
  await kube.close();
  await metrics.shutdown();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error("crm: failed to start:", error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
