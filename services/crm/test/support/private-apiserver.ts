// A second kube-apiserver process on the shared test cluster's etcd, PKI and flags, on
// its own port, so a test can kill and restart "the API server" under its own watches
// without disturbing the suites of other engineers that use the shared one (an HA
// control plane is exactly this: several API servers on one etcd). It does not publish
// itself in the `kubernetes` Service endpoints (--endpoint-reconciler-type=none).
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type * as k8s from "@kubernetes/client-node";
import { KubeClient } from "@oaas/kube";
import { freePort, kubeConfigPointedAt, readState, waitFor } from "@oaas/testkit";

export interface PrivateApiserver {
  readonly server: string;
  readonly kc: k8s.KubeConfig;
  /** SIGKILLs the process (a crash); resolves once it exited. */
  kill(): Promise<void>;
  /** Starts it again on the same port; resolves once /readyz answers 200. */
  start(): Promise<void>;
  /** Kills it for good and removes its log directory. */
  stop(): Promise<void>;
}

export async function startPrivateApiserver(
  sharedKubeconfig: string,
  kc: k8s.KubeConfig,
): Promise<PrivateApiserver> {
  const state = readState(path.dirname(sharedKubeconfig));
  const shared = state?.processes.find((p) => p.name === "kube-apiserver");
  if (!shared) throw new Error(`no kube-apiserver recorded next to ${sharedKubeconfig}`);
  const cmdline = fs.readFileSync(`/proc/${shared.pid}/cmdline`, "utf8").split("\0").filter(Boolean);
  const port = await freePort();
  const args = cmdline
    .slice(1)
    .filter((a) => !a.startsWith("--secure-port=") && !a.startsWith("--endpoint-reconciler-type="))
    .concat([`--secure-port=${port}`, "--endpoint-reconciler-type=none"]);
  const server = `https://127.0.0.1:${port}`;
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), "oaas-private-apiserver-"));
  const privateKc = kubeConfigPointedAt(kc, server);
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const start = async () => {
    const fd = fs.openSync(path.join(logDir, "kube-apiserver.log"), "a");
    try {
      const proc = spawn(cmdline[0] ?? shared.binary, args, { stdio: ["ignore", fd, fd] });
      child = proc;
      exited = new Promise((resolve) => proc.once("exit", () => resolve()));
    } finally {
      fs.closeSync(fd);
    }
    const probe = await KubeClient.create(privateKc, { defaultTimeoutMs: 2000 });
    try {
      await waitFor(
        async () => (await probe.exchange({ method: "GET", path: "/readyz" })).statusCode === 200,
        {
          description: `the private kube-apiserver on ${server} to be ready`,
          timeoutMs: 120_000,
          intervalMs: 250,
        },
      );
    } finally {
      await probe.close();
    }
  };
  const kill = async () => {
    if (child && child.exitCode === null) child.kill("SIGKILL");
    await exited;
    child = undefined;
  };
  await start();
  const stop = async () => {
    await kill();
    fs.rmSync(logDir, { recursive: true, force: true });
  };
  return { server, kc: privateKc, kill, start, stop };
}
