// Optional mTLS (OPRC_CRM_SECURITY_MTLS): the listener speaks TLS only, picks HTTP/2 or
// HTTP/1.1 by ALPN, and accepts only clients whose certificate the configured CA signed.
import https from "node:https";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport } from "@connectrpc/connect-node";
import * as grpc from "@grpc/grpc-js";
import { DeploymentService, HealthService, HealthCheckResponse_ServingStatus } from "@oaas/proto";
import { testCluster, useTestNamespace } from "@oaas/testkit";
import { expect } from "chai";
import { grpcJsCall, grpcJsClient } from "../support/clients.ts";
import { unit } from "../support/fixtures.ts";
import { installCrd, startTestIngress, type TestIngress } from "../support/ingress.ts";
import { releaseAll, waitForRecordsServed } from "../support/records.ts";
import { createTestPki, type TestPki } from "../support/tls.ts";

describe("crm ingress: mTLS", function () {
  this.timeout(60_000);
  const ns = useTestNamespace("crm-mtls");
  let pki: TestPki;
  let ing: TestIngress;
  let namespace = "";

  before(async function () {
    namespace = ns.name;
    pki = createTestPki();
    await installCrd((await testCluster()).kc);
    ing = await startTestIngress({
      namespace,
      env: {
        OPRC_CRM_SECURITY_MTLS: "true",
        OPRC_CRM_TLS_CERT_FILE: pki.serverCert,
        OPRC_CRM_TLS_KEY_FILE: pki.serverKey,
        OPRC_CRM_TLS_CA_FILE: pki.caCert,
      },
    });
    await waitForRecordsServed(ing.kube, namespace);
  });
  after(async function () {
    await releaseAll(ing.kube, namespace);
    await ing.close();
    pki.remove();
  });

  const tlsOptions = (cert?: string, key?: string) => ({
    ca: pki.read(pki.caCert),
    ...(cert && key ? { cert: pki.read(cert), key: pki.read(key) } : {}),
  });

  it("accepts a client certificate signed by the CA: gRPC over HTTP/2 and Connect over HTTP/1.1", async function () {
    const grpcClient = createClient(
      DeploymentService,
      createGrpcTransport({ baseUrl: ing.url, nodeOptions: tlsOptions(pki.clientCert, pki.clientKey) }),
    );
    expect((await grpcClient.deploy({ deploymentUnit: unit("mtls-ok") })).deploymentId).to.equal("mtls-ok");
    const h1 = createClient(
      HealthService,
      createConnectTransport({
        baseUrl: ing.url,
        httpVersion: "1.1",
        nodeOptions: tlsOptions(pki.clientCert, pki.clientKey),
      }),
    );
    expect((await h1.check({ service: "" })).status).to.equal(HealthCheckResponse_ServingStatus.SERVING);
    const js = grpcJsClient(
      "oaas.deployment.DeploymentService",
      `127.0.0.1:${ing.port}`,
      grpc.credentials.createSsl(pki.read(pki.caCert), pki.read(pki.clientKey), pki.read(pki.clientCert)),
    );
    try {
      expect((await grpcJsCall(js, "GetClassRuntime", { deployment_id: "mtls-ok" })).code).to.equal(
        grpc.status.OK,
      );
    } finally {
      js.close();
    }
    expect(await httpsStatus(ing.port, "/healthz", tlsOptions(pki.clientCert, pki.clientKey))).to.equal(200);
  });

  const refused = [
    {
      name: "no client certificate",
      tls: () => tlsOptions(),
      creds: () => grpc.credentials.createSsl(pki.read(pki.caCert)),
      // The server's handshake_failure alert reaches the client: connect-node maps it INTERNAL.
      code: Code.Internal,
      message: /alert handshake failure/i,
    },
    {
      name: "a certificate from another CA",
      tls: () => tlsOptions(pki.rogueCert, pki.rogueKey),
      // The server drops the connection on an unknown CA: connect-node maps the reset ABORTED.
      code: Code.Aborted,
      message: /socket disconnected before secure TLS connection/i,
      creds: () =>
        grpc.credentials.createSsl(pki.read(pki.caCert), pki.read(pki.rogueKey), pki.read(pki.rogueCert)),
    },
  ];
  for (const row of refused) {
    it(`refuses ${row.name}`, async function () {
      // TLS 1.2: the server verifies the client certificate inside the handshake, so the
      // refusal is always a failed handshake before any HTTP/2 frame. (Under TLS 1.3 it
      // comes after the client already sent its request, and connect-node reports the
      // alert as CANCELED, UNAVAILABLE or INTERNAL depending on timing.)
      const client = createClient(
        DeploymentService,
        createGrpcTransport({ baseUrl: ing.url, nodeOptions: { ...row.tls(), maxVersion: "TLSv1.2" } }),
      );
      const rpcsBefore = ing.logs.filter((l) => l["rpc"]).length;
      const error = await client.getClassRuntime({ deploymentId: "mtls-ok" }, { timeoutMs: 5000 }).then(
        () => expect.fail("the call must be refused"),
        (e: unknown) => ConnectError.from(e),
      );
      expect(Code[error.code], error.rawMessage).to.equal(Code[row.code]);
      expect(error.rawMessage).to.match(row.message);
      const js = grpcJsClient("oaas.deployment.DeploymentService", `127.0.0.1:${ing.port}`, row.creds());
      try {
        const result = await grpcJsCall(
          js,
          "GetClassRuntime",
          { deployment_id: "mtls-ok" },
          { deadlineMs: 5000 },
        );
        expect(result.code).to.equal(grpc.status.UNAVAILABLE);
      } finally {
        js.close();
      }
      expect(await httpsStatus(ing.port, "/healthz", row.tls()).catch(() => "refused")).to.equal("refused");
      expect(ing.logs.filter((l) => l["rpc"]).length, "no RPC reached a handler").to.equal(rpcsBefore);
    });
  }

  it("refuses cleartext HTTP/2 (h2c) on the TLS port", async function () {
    const js = grpcJsClient("oaas.deployment.DeploymentService", `127.0.0.1:${ing.port}`);
    try {
      expect(
        (await grpcJsCall(js, "GetClassRuntime", { deployment_id: "mtls-ok" }, { deadlineMs: 5000 })).code,
      ).to.not.equal(grpc.status.OK);
    } finally {
      js.close();
    }
  });
});

/** GET over HTTPS/1.1 with the given TLS options; rejects when the handshake fails. */
function httpsStatus(port: number, path: string, tls: https.RequestOptions): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = https.get({ host: "127.0.0.1", servername: "localhost", port, path, ...tls }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
  });
}
