export { testCluster, releaseTestCluster, type TestCluster } from "./cluster/shared.ts";
export {
  startCluster,
  buildBinaries,
  kubernetesVersion,
  auditLogPath,
  type StartOptions,
} from "./cluster/start.ts";
export {
  currentCluster,
  upCurrentCluster,
  downCurrentCluster,
  stopCluster,
  stopClustersUnder,
} from "./cluster/lifecycle.ts";
export { type ClusterState, readState } from "./cluster/state.ts";
export { clusterProcess, killClusterProcess, signalClusterProcess } from "./cluster/restart.ts";
export { addFakeNodes, isNodeReady, kwokNodeAnnotation } from "./cluster/nodes.ts";
export {
  createTestNamespace,
  enforcePodSecurity,
  useTestNamespace,
  testNamespaceLabel,
  type TestNamespace,
} from "./namespace.ts";
export { builtIn } from "./resource-types.ts";
export { kubeConfigPointedAt } from "./kube-config.ts";
export { testRedis, useTestRedis, releaseTestRedis, type TestRedis } from "./redis.ts";
export { startPrivateRedis, type PrivateRedis } from "./private-redis.ts";
export {
  testRedisCluster,
  testRedisSentinel,
  testSentinel,
  releaseRedisTopologies,
  type TestRedisTarget,
  type TestSentinel,
} from "./redis-topologies.ts";
export { redisTargetKinds, useRedisTarget, type RedisTargetKind } from "./redis-targets.ts";
export { waitFor, WaitTimeoutError, type WaitOptions } from "./wait.ts";
export { freePort, isListening } from "./ports.ts";
export { repoRoot, cacheDir } from "./paths.ts";
export { applyCrd, deleteCrd, installCrd, readCrd, waitForCrdEstablished, type ServedCrd } from "./crds.ts";
export { createCa, issueCertificate } from "./openssl.ts";
export { captureLogLines, type LogCapture, type LogLine } from "./log-capture.ts";
export { startTestEtcd, type TestEtcd, type TestEtcdOptions } from "./etcd.ts";
export {
  backfilledDataDir,
  backfillOpenMetrics,
  promtoolTestRules,
  type PromtoolResult,
} from "./promtool.ts";
export { helmPath, runHelm, type HelmResult, type HelmOptions } from "./helm.ts";
export {
  spawnCrm,
  startCrm,
  startCrmProcess,
  waitCrmReady,
  waitCrmChildReady,
  installCrdWithCrm,
  type CrmChild,
  type CrmProcess,
} from "./crm-process.ts";
export { startPmProcess, type PmProcess } from "./pm-process.ts";
export {
  startTestPrometheus,
  prometheusBinary,
  testPrometheusConfig,
  type TestPrometheus,
  type TestPrometheusOptions,
  type ScrapeTargets,
  type PromSample,
} from "./prometheus.ts";
export {
  startSyntheticExporter,
  type SyntheticExporter,
  type LatencyShape,
  type Labels as SeriesLabels,
} from "./synthetic-exporter.ts";
export {
  publishPod,
  dropPod,
  publishRequests,
  type PodSeries,
  type RequestSeries,
} from "./workload-series.ts";
export { startLocalIssuer, type LocalIssuer, type SignOptions } from "./oidc-issuer.ts";
