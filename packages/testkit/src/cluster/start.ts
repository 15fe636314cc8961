import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { KubeClient, loadKubeConfig } from "@oaas/kube";
import { freePort } from "../ports.ts";
import { repoRoot } from "../paths.ts";
import { logTail, startProcess, stopProcesses, isOurs, type StartedProcess } from "../processes.ts";
import { waitFor } from "../wait.ts";
import { writeAdminKubeconfig } from "./kubeconfig.ts";
import { createPki } from "./pki.ts";
import { get } from "./probes.ts";
import { createFakeNodes } from "./nodes.ts";
import { type ClusterState, writeState } from "./state.ts";

export interface StartOptions {
  /** Number of KWOK fake nodes. Default 2. */
  readonly nodes?: number;
  /** Parent of the cluster's temp directory. Default os.tmpdir(). */
  readonly parentDir?: string;
  /** Progress messages; default silent. */
  readonly log?: (message: string) => void;
  /**
   * Write an API-server audit log of every delete (level Metadata, JSON lines) to
   * <dir>/logs/audit.log (auditLogPath): the chaos suite finds spurious deletes in it.
   * Default false (no audit log).
   */
  readonly auditDeletes?: boolean;
}

/** The audit log of a cluster started with auditDeletes. */
export function auditLogPath(dir: string): string {
  return path.join(dir, "logs", "audit.log");
}

/** Audit policy: deletes at Metadata level (who, what, when, answer), nothing else. */
const deleteAuditPolicy = JSON.stringify({
  apiVersion: "audit.k8s.io/v1",
  kind: "Policy",
  omitStages: ["RequestReceived"],
  rules: [{ level: "Metadata", verbs: ["delete", "deletecollection"] }, { level: "None" }],
});

/**
 * Builds (when the version stamp changed) and starts etcd, kube-apiserver,
 * kube-controller-manager, kube-scheduler and KWOK on loopback, each on a port the OS
 * reports free, with all state in a fresh temp directory. Resolves once the fake nodes
 * are Ready and the controller-manager has created the default ServiceAccount.
 * On any failure everything already started is stopped and the directory removed.
 */
export async function startCluster(options: StartOptions = {}): Promise<ClusterState> {
  const log = options.log ?? (() => undefined);
  const binDir = buildBinaries(log);
  const dir = fs.mkdtempSync(path.join(options.parentDir ?? os.tmpdir(), "oaas-cluster-"));
  const processes: StartedProcess[] = [];
  const bin = (name: string) => path.join(binDir, name);
  const [etcdClient, etcdPeer, apiserverPort, cmPort, schedulerPort, kwokPort] = await distinctFreePorts(6);
  const server = `https://127.0.0.1:${apiserverPort}`;
  const kubeconfig = path.join(dir, "kubeconfig");
  const state: ClusterState = {
    dir,
    kubeconfig,
    server,
    kubernetesVersion: kubernetesVersion(),
    processes,
    startedAt: new Date().toISOString(),
  };
  // Recorded after every start, so a run killed mid-start can still be reaped by PID.
  const started = (p: StartedProcess) => {
    processes.push(p);
    writeState(state);
    return p;
  };
  let kube: KubeClient | undefined;
  try {
    const pki = createPki(path.join(dir, "pki"));
    const logs = path.join(dir, "logs");
    fs.mkdirSync(logs);

    const etcdUrl = `http://127.0.0.1:${etcdClient}`;
    const audit: string[] = [];
    if (options.auditDeletes) {
      const policy = path.join(dir, "audit-policy.json");
      fs.writeFileSync(policy, deleteAuditPolicy);
      audit.push(
        `--audit-policy-file=${policy}`,
        `--audit-log-path=${auditLogPath(dir)}`,
        "--audit-log-format=json",
      );
    }
    const etcd = started(
      startProcess(
        "etcd",
        bin("etcd"),
        [
          "--name=oaas-test",
          `--data-dir=${path.join(dir, "etcd")}`,
          `--listen-client-urls=${etcdUrl}`,
          `--advertise-client-urls=${etcdUrl}`,
          `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
          `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
          `--initial-cluster=oaas-test=http://127.0.0.1:${etcdPeer}`,
          // Throw-away data: durability buys nothing and fsync dominates apply latency.
          "--unsafe-no-fsync=true",
          "--log-level=warn",
        ],
        logs,
      ),
    );
    await waitUntilHealthy(etcd, async () => (await get(`${etcdUrl}/health`)).body.includes('"true"'));
    log(`etcd ready on ${etcdUrl}`);

    const apiserver = started(
      startProcess(
        "kube-apiserver",
        bin("kube-apiserver"),
        [
          `--etcd-servers=${etcdUrl}`,
          "--bind-address=127.0.0.1",
          `--secure-port=${apiserverPort}`,
          ...advertiseAddress(),
          `--tls-cert-file=${pki.servingCert}`,
          `--tls-private-key-file=${pki.servingKey}`,
          `--client-ca-file=${pki.caCert}`,
          "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
          `--service-account-key-file=${pki.serviceAccountPub}`,
          `--service-account-signing-key-file=${pki.serviceAccountKey}`,
          "--authorization-mode=Node,RBAC",
          // A /16 (65,534 Service IPs): the convergence benchmark creates 3 Services per unit,
          // and a /24 is full at 250.
          "--service-cluster-ip-range=10.96.0.0/16",
          "--allow-privileged=true",
          "--profiling=false",
          ...audit,
        ],
        logs,
      ),
    );
    writeAdminKubeconfig(kubeconfig, server, pki);
    const client = await KubeClient.create(loadKubeConfig(kubeconfig));
    kube = client;
    await waitUntilHealthy(
      apiserver,
      async () =>
        (await client.exchange({ method: "GET", path: "/readyz", timeoutMs: 2000 })).statusCode === 200,
      120_000,
    );
    log(`kube-apiserver ready on ${server}`);
    started(
      startProcess(
        "kube-controller-manager",
        bin("kube-controller-manager"),
        [
          `--kubeconfig=${kubeconfig}`,
          `--authentication-kubeconfig=${kubeconfig}`,
          `--authorization-kubeconfig=${kubeconfig}`,
          "--leader-elect=false",
          "--bind-address=127.0.0.1",
          `--secure-port=${cmPort}`,
          `--service-account-private-key-file=${pki.serviceAccountKey}`,
          `--root-ca-file=${pki.caCert}`,
          "--use-service-account-credentials=true",
          // No node-lifecycle controller. KWOK's fake nodes report their status about once
          // a minute and hold no node Lease; when KWOK falls behind (seen: its heartbeats
          // stopped for minutes while 600 pods were deleted and 600 created), the
          // controller marks every pod on the node Ready=False, and KWOK never sets them
          // back (kubernetes-sigs/kwok#1464): Deployments stay unavailable for good. A
          // longer grace period (300 s) only made it rarer. Tests never kill nodes, so
          // nothing here needs node health; the not-ready taint it would lift on new
          // nodes is lifted by addFakeNodes.
          "--controllers=*,-node-lifecycle-controller",
          // Its clients' default rate limit (20 requests/s, burst 30) made every pod of
          // the convergence benchmark wait in the limiter (0.23 s per request on average,
          // 10,500 s over one 200-unit run): the cluster, not the code under test, set the
          // pace. A real cluster tunes these too; 10 workers per controller for the same
          // reason (default 5).
          "--kube-api-qps=200",
          "--kube-api-burst=400",
          "--concurrent-deployment-syncs=10",
          "--concurrent-replicaset-syncs=10",
          `--cert-dir=${path.join(dir, "controller-manager")}`,
        ],
        logs,
      ),
    );
    started(
      startProcess(
        "kube-scheduler",
        bin("kube-scheduler"),
        [
          `--kubeconfig=${kubeconfig}`,
          `--authentication-kubeconfig=${kubeconfig}`,
          `--authorization-kubeconfig=${kubeconfig}`,
          "--leader-elect=false",
          "--bind-address=127.0.0.1",
          `--secure-port=${schedulerPort}`,
          `--cert-dir=${path.join(dir, "scheduler")}`,
        ],
        logs,
      ),
    );
    started(
      startProcess(
        "kwok",
        bin("kwok"),
        [
          `--kubeconfig=${kubeconfig}`,
          "--manage-all-nodes=false",
          "--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake",
          `--server-address=127.0.0.1:${kwokPort}`,
          "--cidr=10.244.0.0/16",
          "--node-ip=10.0.0.1",
        ],
        logs,
      ),
    );

    await createFakeNodes(client, options.nodes ?? 2);
    log(`cluster ready: KUBECONFIG=${kubeconfig}`);
    return state;
  } catch (error) {
    await stopProcesses(processes);
    const tails = processes.map((p) => `--- ${p.name} (${p.log}):\n${logTail(p)}`).join("\n");
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`test cluster failed to start: ${(error as Error).message}\n${tails}`, { cause: error });
  } finally {
    await kube?.close();
  }
}

/** Runs e2e/cluster/build.sh, a no-op when the cached binaries match the pinned versions. */
export function buildBinaries(log: (message: string) => void): string {
  const script = path.join(repoRoot, "e2e", "cluster", "build.sh");
  log("checking test cluster binaries (e2e/cluster/build.sh)");
  const out = execFileSync("bash", [script], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  const binDir = out.trim().split("\n").pop();
  if (!binDir || !fs.existsSync(path.join(binDir, "kube-apiserver"))) {
    throw new Error(`e2e/cluster/build.sh did not produce binaries (printed: ${out})`);
  }
  return binDir;
}

export function kubernetesVersion(): string {
  const goMod = fs.readFileSync(path.join(repoRoot, "e2e/cluster/go/kubernetes/go.mod"), "utf8");
  return /require k8s\.io\/kubernetes (\S+)/.exec(goMod)?.[1] ?? "unknown";
}

async function waitUntilHealthy(p: StartedProcess, probe: () => Promise<boolean>, timeoutMs = 60_000) {
  await waitFor(
    async () => {
      if (!isOurs(p)) throw new Error(`${p.name} exited`);
      return probe();
    },
    { description: `${p.name} to become healthy`, timeoutMs, intervalMs: 250 },
  );
}

async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

/**
 * The API server refuses 127.0.0.1 as its advertise address and guesses one from the
 * default route when none is given; name a non-loopback address explicitly so a
 * machine without a default route still works. It is only published in the
 * `kubernetes` Service's endpoints, never bound.
 */
function advertiseAddress(): string[] {
  for (const addresses of Object.values(os.networkInterfaces())) {
    const v4 = addresses?.find((a) => a.family === "IPv4" && !a.internal);
    if (v4) return [`--advertise-address=${v4.address}`];
  }
  return [];
}
