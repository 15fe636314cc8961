// A throw-away etcd for a test suite: the binary e2e/cluster/build.sh builds, on free
// loopback ports, data in a temp directory (no fsync), optionally serving TLS with
// client certificates. Each call starts its own server; stop() ends it by its PID.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildBinaries } from "./cluster/start.ts";
import { createCa, issueCertificate } from "./openssl.ts";
import { freePort, isListening } from "./ports.ts";
import { isOurs, logTail, startProcess, stopProcesses, type StartedProcess } from "./processes.ts";
import { waitFor } from "./wait.ts";

export interface TestEtcd {
  /** host:port of the client listener. */
  readonly endpoint: string;
  readonly port: number;
  /** Present when started with tls: CA, and a client certificate the server accepts. */
  readonly tls?: { readonly caCert: string; readonly clientCert: string; readonly clientKey: string };
  readonly process: StartedProcess;
  stop(): Promise<void>;
}

export interface TestEtcdOptions {
  /** Serve https and require client certificates signed by a fresh CA. */
  readonly tls?: boolean;
}

let binary: string | undefined;

/** $OAAS_ETCD_BIN when set (a Debian etcd-server, say), else the one build.sh builds. */
function etcdBinary(): string {
  binary ??=
    process.env["OAAS_ETCD_BIN"] ??
    path.join(
      buildBinaries(() => undefined),
      "etcd",
    );
  return binary;
}

/** Starts an etcd and resolves once it answers; throws with its log tail when it does not. */
export async function startTestEtcd(options: TestEtcdOptions = {}): Promise<TestEtcd> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "oaas-etcd-"));
  const port = await freePort();
  let peer = await freePort();
  while (peer === port) peer = await freePort();
  const scheme = options.tls ? "https" : "http";
  const url = `${scheme}://127.0.0.1:${port}`;
  const args = [
    "--name=oaas-pm-test",
    `--data-dir=${path.join(dir, "data")}`,
    `--listen-client-urls=${url}`,
    `--advertise-client-urls=${url}`,
    `--listen-peer-urls=http://127.0.0.1:${peer}`,
    `--initial-advertise-peer-urls=http://127.0.0.1:${peer}`,
    `--initial-cluster=oaas-pm-test=http://127.0.0.1:${peer}`,
    "--unsafe-no-fsync=true",
    "--log-level=warn",
  ];
  let tls: TestEtcd["tls"];
  if (options.tls) {
    createCa(dir, "ca", "/CN=oaas-etcd-test-ca");
    issueCertificate(dir, "server", "ca", "/CN=etcd", [
      "subjectAltName=IP:127.0.0.1,DNS:localhost",
      "extendedKeyUsage=serverAuth",
    ]);
    issueCertificate(dir, "client", "ca", "/CN=oaas-pm", ["extendedKeyUsage=clientAuth"]);
    const f = (name: string) => path.join(dir, name);
    args.push(
      `--cert-file=${f("server.crt")}`,
      `--key-file=${f("server.key")}`,
      "--client-cert-auth=true",
      `--trusted-ca-file=${f("ca.crt")}`,
    );
    tls = { caCert: f("ca.crt"), clientCert: f("client.crt"), clientKey: f("client.key") };
  }
  const process_ = startProcess("etcd", etcdBinary(), args, dir);
  const stop = async () => {
    await stopProcesses([process_]);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      async () => {
        if (!isOurs(process_)) throw new Error(`etcd exited:\n${logTail(process_)}`);
        return isListening(port);
      },
      { description: `etcd on port ${port}`, timeoutMs: 30_000, intervalMs: 100 },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint: `127.0.0.1:${port}`, port, ...(tls ? { tls } : {}), process: process_, stop };
}
