// Our kubeconfig loader (src/kubeconfig) against the real test cluster: each auth shape a
// user may have, turned into a KubeClient that asks the API server who it is
// (SelfSubjectReview, allowed to every authenticated user). The service-account token
// comes from the TokenRequest API, so token, tokenFile, exec and in-cluster shapes are
// checked with a credential the server really issued. Takes about 5 s.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { testCluster, useTestNamespace } from "@oaas/testkit";
import { expect } from "chai";
import { KubeClient, loadKubeConfigFrom, resourcePath, type KubeConfigSource } from "../../src/index.ts";

interface Review {
  status?: { userInfo?: { username?: string } };
}

/** The user name the API server sees for a client built from `kc`. */
async function whoami(kc: KubeConfigSource): Promise<string> {
  const kube = await KubeClient.create(kc, { defaultTimeoutMs: 10_000 });
  try {
    const review = await kube.request<Review>({
      method: "POST",
      path: "/apis/authentication.k8s.io/v1/selfsubjectreviews",
      body: { apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" },
    });
    return review.status?.userInfo?.username ?? "";
  } finally {
    await kube.close();
  }
}

describe("kubeconfig loader against the test cluster", function () {
  this.timeout(60_000);
  const ns = useTestNamespace("kubeconfig");
  let dir: string;
  let server: string;
  let caData: string;
  let certData: string;
  let keyData: string;
  let token: string;
  let saUser: string;

  before(async () => {
    const cluster = await testCluster();
    dir = mkdtempSync(path.join(os.tmpdir(), "oaas-kubeconfig-it-"));
    const real = JSON.parse(readFileSync(cluster.kubeconfig, "utf8")) as {
      clusters: { cluster: { server: string; "certificate-authority-data": string } }[];
      users: { user: { "client-certificate-data": string; "client-key-data": string } }[];
    };
    const [first] = real.clusters;
    const [admin] = real.users;
    if (!first || !admin) throw new Error(`${cluster.kubeconfig} has no cluster or no user`);
    server = first.cluster.server;
    caData = first.cluster["certificate-authority-data"];
    certData = admin.user["client-certificate-data"];
    keyData = admin.user["client-key-data"];
    await cluster.kube.request({
      method: "POST",
      path: resourcePath({ group: "", version: "v1", plural: "serviceaccounts", namespaced: true }, ns.name),
      body: { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "reader" } },
    });
    const issued = await cluster.kube.request<{ status: { token: string } }>({
      method: "POST",
      path: `/api/v1/namespaces/${ns.name}/serviceaccounts/reader/token`,
      body: {
        apiVersion: "authentication.k8s.io/v1",
        kind: "TokenRequest",
        spec: { expirationSeconds: 600 },
      },
    });
    token = issued.status.token;
    saUser = `system:serviceaccount:${ns.name}:reader`;
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Writes a kubeconfig with one context on the test cluster and loads it. */
  function load(cluster: Record<string, unknown>, user: Record<string, unknown>, name = "config") {
    const file = path.join(dir, name);
    writeFileSync(
      file,
      JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: "k", cluster: { server, ...cluster } }],
        users: [{ name: "u", user }],
        contexts: [{ name: "c", context: { cluster: "k", user: "u" } }],
        "current-context": "c",
      }),
    );
    return loadKubeConfigFrom(file, { env: { PATH: process.env["PATH"] ?? "" } });
  }

  it("the test cluster's own kubeconfig (inline CA, client certificate and key) authenticates as its admin", async () => {
    const name = await whoami(loadKubeConfigFrom((await testCluster()).kubeconfig, { env: {} }));
    expect(name)
      .to.not.equal("")
      .and.not.match(/anonymous/);
  });

  it("CA, client certificate and key from files with relative paths (YAML): the same user", async () => {
    const expected = await whoami(loadKubeConfigFrom((await testCluster()).kubeconfig, { env: {} }));
    mkdirSync(path.join(dir, "pki"), { recursive: true });
    const pem = (b64: string) => Buffer.from(b64, "base64");
    writeFileSync(path.join(dir, "pki/ca.crt"), pem(caData));
    writeFileSync(path.join(dir, "pki/admin.crt"), pem(certData));
    writeFileSync(path.join(dir, "pki/admin.key"), pem(keyData));
    const file = path.join(dir, "files.yaml");
    writeFileSync(
      file,
      [
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        "- name: k",
        "  cluster:",
        `    server: ${server}`,
        "    certificate-authority: pki/ca.crt",
        "users:",
        "- name: u",
        "  user:",
        "    client-certificate: pki/admin.crt",
        "    client-key: pki/admin.key",
        "contexts:",
        "- name: c",
        "  context: {cluster: k, user: u}",
        "current-context: c",
      ].join("\n"),
    );
    expect(await whoami(loadKubeConfigFrom(file, { env: {} }))).to.equal(expected);
  });

  it("a token, and the same token from a tokenFile", async () => {
    expect(await whoami(load({ "certificate-authority-data": caData }, { token }))).to.equal(saUser);
    writeFileSync(path.join(dir, "sa-token"), `${token}\n`);
    expect(await whoami(load({ "certificate-authority-data": caData }, { tokenFile: "sa-token" }))).to.equal(
      saUser,
    );
  });

  it("insecure-skip-tls-verify without a CA works; without either the TLS check refuses the server", async () => {
    expect(await whoami(load({ "insecure-skip-tls-verify": true }, { token }))).to.equal(saUser);
    const refused = await whoami(load({}, { token })).then(
      () => "no error",
      (e: unknown) => String(e),
    );
    expect(refused).to.match(/certificate/i);
  });

  it("an exec credential plugin (client.authentication.k8s.io/v1) with an expiry: run once, its token used", async () => {
    const plugin = path.join(dir, "plugin.sh");
    const runs = path.join(dir, "runs");
    const expiry = new Date(Date.now() + 600_000).toISOString();
    writeFileSync(
      plugin,
      [
        "#!/bin/sh",
        `echo run >> "${runs}"`,
        `printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s","expirationTimestamp":"${expiry}"}}' "$TOKEN"`,
      ].join("\n"),
    );
    chmodSync(plugin, 0o755);
    const kc = load(
      { "certificate-authority-data": caData },
      {
        exec: {
          apiVersion: "client.authentication.k8s.io/v1",
          command: plugin,
          env: [{ name: "TOKEN", value: token }],
        },
      },
    );
    expect(await whoami(kc)).to.equal(saUser);
    expect(await whoami(kc)).to.equal(saUser);
    expect(readFileSync(runs, "utf8").trim().split("\n")).to.have.length(1);
  });

  it("in-cluster: KUBERNETES_SERVICE_HOST/PORT, the mounted CA, token and namespace", async () => {
    const sa = path.join(dir, "serviceaccount");
    mkdirSync(sa, { recursive: true });
    writeFileSync(path.join(sa, "token"), token);
    writeFileSync(path.join(sa, "ca.crt"), Buffer.from(caData, "base64"));
    writeFileSync(path.join(sa, "namespace"), ns.name);
    const url = new URL(server);
    const kc = loadKubeConfigFrom(undefined, {
      env: { KUBERNETES_SERVICE_HOST: url.hostname, KUBERNETES_SERVICE_PORT: url.port },
      serviceAccountDir: sa,
    });
    expect(kc.namespace).to.equal(ns.name);
    expect(await whoami(kc)).to.equal(saUser);
  });
});
