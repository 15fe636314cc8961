// The ingress role: wires config, the Kubernetes client, services and handlers onto one
// listener. Returns a handle whose close() drains it (SIGTERM calls it).
import { writeHistory } from "./accepted-history.ts";
import { readFileSync } from "node:fs";
import type { DescMethod, DescService } from "@bufbuild/protobuf";
import type { ConnectRouter } from "@connectrpc/connect";
import { servedNamespaces, type CrmConfig } from "@oaas/config";
import type { KubeClient } from "@oaas/kube";
import {
  CrmInfoService,
  DeploymentService,
  fileDescriptors,
  grpcHealthV1,
  HealthService,
  RecordDetailService,
  reflectionV1,
  reflectionV1alpha,
} from "@oaas/proto";
import type { Logger, Metrics } from "@oaas/telemetry";
import { admissionContexts } from "../deployments/admission.ts";
import { DeploymentsService } from "../deployments/service.ts";
import { cachedRecordStore } from "../deployments/cached-reader.ts";
import { kubeRecordStore } from "../deployments/store.ts";
import { startRecordCache } from "../deployments/record-cache.ts";
import { allReady, kubeReadiness, type Readiness, type ReadinessPart } from "../health/readiness.ts";
import { deploymentHandlers } from "./deployment-handlers.ts";
import { grpcHealthHandlers, oaasHealthHandlers } from "./health-handlers.ts";
import type { HistorySource } from "../deployments/history.ts";
import type { HistorySink } from "@oaas/queue";
import { httpEndpoints } from "./http-endpoints.ts";
import { infoHandlers } from "./info-handlers.ts";
import type { WorkersProbe } from "../health/workers-probe.ts";
import { recordDetailHandlers, type NfrExplainer } from "./record-detail-handlers.ts";
import { listen, type TlsMaterial } from "./listener.ts";
import { clientResetRate } from "./reset-budget.ts";
import { reflectionV1alphaHandlers, reflectionV1Handlers } from "./reflection-handlers.ts";
import { rpcHandler } from "./rpc-handler.ts";
import type { Gate } from "@oaas/auth";
import { createCrmGate } from "../process/gate.ts";
import { auditLog } from "./audit-log.ts";
import { authGate } from "./auth-gate.ts";

export interface IngressDeps {
  readonly config: CrmConfig;
  readonly kube: KubeClient;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly crmVersion: string;
  /** Default: all interfaces. Tests bind 127.0.0.1. */
  readonly host?: string;
  /** Overrides config.ingress.port (tests pass 0 for any free port). */
  readonly port?: number;
  /** Health Watch poll interval, ms. Default 1 000. */
  readonly healthWatchIntervalMs?: number;
  /** false: every read asks the API server (tests of its error mapping). Default: an informer cache. */
  readonly recordCache?: false;
  /** Other roles in this process (`crm all`): /readyz and the health services wait for them too. */
  readonly readinessParts?: readonly ReadinessPart[];
  /**
   * Records' history for RecordDetailService.GetHistory (absent: UNIMPLEMENTED), and where
   * a Deploy writes its "accepted" entry. GetStatusDetail is always served.
   */
  readonly history?: HistorySource & HistorySink;
  /** RecordDetailService.GetNfrDetail (absent: UNIMPLEMENTED); program.ts wires the enforcer's explain. */
  readonly nfr?: NfrExplainer;
  /** GetEnvHealth's check of the background roles (health/workers-probe.ts); absent: nodes only. Closed by close(). */
  readonly workers?: WorkersProbe;
  /** The process's gate (process/gate.ts createCrmAuth), shared with its other roles; absent: built here from config. */
  readonly gate?: Gate;
}

export interface Ingress {
  readonly port: number;
  /** Every RPC the listener serves (its router's handlers), each declared in access.ts. */
  readonly rpcs: readonly DescMethod[];
  readonly readiness: Readiness;
  close(graceMs?: number): Promise<void>;
}

export async function startIngress(deps: IngressDeps): Promise<Ingress> {
  const { config, kube, logger, metrics } = deps;
  const kubernetes = kubeReadiness(kube);
  const readiness = deps.readinessParts?.length
    ? allReady([{ name: "kubernetes", check: () => kubernetes.check() }, ...deps.readinessParts])
    : kubernetes;
  const features = { odgm: config.features.odgm, knative: config.features.knative };
  // Deploy writes only where a watcher watches (the watcher role reads the same rule).
  const servedFeatures = { ...features, servedNamespaces: servedNamespaces(config) };
  // Deploy admits a unit only if it renders under the reconciler's settings (admission.ts).
  const contexts = admissionContexts({
    profile: config.profile,
    features: { ...features, hpa: config.features.hpa },
    ...(config.odgm.image !== undefined ? { odgmImage: config.odgm.image } : {}),
  });
  // Reads (status, get, list) come from an informer cache with a stated staleness bound
  // (deployments/cached-reader.ts); writes always go to the API server.
  const cache =
    deps.recordCache === false
      ? undefined
      : startRecordCache({ kube, namespaces: servedNamespaces(config), logger });
  const api = kubeRecordStore(kube);
  const store = cache ? cachedRecordStore(cache, api) : api;
  const deployments = new DeploymentsService(
    store,
    servedFeatures,
    contexts,
    deps.history ? writeHistory(deps.history, logger) : {},
  );
  const served: DescService[] = [
    DeploymentService,
    RecordDetailService,
    HealthService,
    CrmInfoService,
    grpcHealthV1.Health,
  ];
  const health = {
    readiness,
    services: served.map((s) => s.typeName),
    ...(deps.healthWatchIntervalMs ? { watchIntervalMs: deps.healthWatchIntervalMs } : {}),
  };
  const routes = (router: ConnectRouter) => {
    router.service(DeploymentService, deploymentHandlers(deployments, config.namespace));
    // The record's status in full is read like GetDeploymentStatus (same service, same cache).
    router.service(
      RecordDetailService,
      recordDetailHandlers({
        records: deployments,
        namespace: config.namespace,
        ...(deps.history ? { history: deps.history } : {}),
        ...(deps.nfr ? { nfr: deps.nfr } : {}),
      }),
    );
    router.service(HealthService, oaasHealthHandlers(health));
    router.service(grpcHealthV1.Health, grpcHealthHandlers(health));
    router.service(
      CrmInfoService,
      infoHandlers({
        client: kube,
        envName: config.profile,
        crmVersion: deps.crmVersion,
        ...(deps.workers ? { workers: deps.workers } : {}),
        ...(config.envHealth.availabilityOverride !== undefined
          ? { availabilityOverride: config.envHealth.availabilityOverride }
          : {}),
      }),
    );
    router.service(reflectionV1.ServerReflection, reflectionV1Handlers(fileDescriptors));
    router.service(reflectionV1alpha.ServerReflection, reflectionV1alphaHandlers(fileDescriptors));
  };
  const shutdown = new AbortController();
  // Every RPC is authenticated and authorized once, by the need access.ts declares.
  const gate = deps.gate ?? (await createCrmGate(config, logger, metrics));
  const audit = auditLog(logger);
  const handler = rpcHandler({
    routes,
    logger,
    metrics,
    fallback: httpEndpoints(readiness, metrics, gate),
    shutdownSignal: shutdown.signal,
    requestGate: authGate({ gate, defaultNamespace: config.namespace, audit }),
    audit,
    maxInFlightPerPrincipal: config.ingress.maxInFlightPerPrincipal,
  });
  const host = deps.host ?? config.ingress.host;
  const listener = await listen(handler, {
    port: deps.port ?? config.ingress.port,
    ...(host !== undefined ? { host } : {}),
    ...(config.features.mtls ? { tls: readTls(config) } : {}),
    onCalm: (remote) =>
      logger.warn("http/2 session closed with ENHANCE_YOUR_CALM: its client reset too many streams", {
        remote,
        reset_burst: clientResetRate.burst,
        reset_per_second: clientResetRate.perSecond,
      }),
  });
  logger.info("ingress listening", {
    port: listener.port,
    mtls: config.features.mtls,
    namespace: config.namespace,
    served_namespaces: servedNamespaces(config),
  });
  return {
    port: listener.port,
    rpcs: handler.rpcs,
    readiness,
    close: async (graceMs = 5000) => {
      readiness.stop();
      shutdown.abort();
      await listener.close(graceMs);
      await cache?.stop();
      await deps.workers?.close();
      logger.info("ingress stopped", { port: listener.port });
    },
  };
}

function readTls(config: CrmConfig): TlsMaterial {
  const { certFile, keyFile, caFile } = config.tls;
  if (!certFile || !keyFile || !caFile)
    throw new Error("mTLS needs OPRC_CRM_TLS_CERT_FILE, _KEY_FILE and _CA_FILE");
  return { cert: readFileSync(certFile), key: readFileSync(keyFile), ca: readFileSync(caFile) };
}
