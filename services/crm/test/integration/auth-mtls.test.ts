// mTLS client identities: with mTLS on, a certificate from the CA is no longer
// enough; its identity (CN or a SAN) must be on OPRC_CRM_AUTH_MTLS_CLIENTS_FILE's allowlist,
// which gives it a role. A bearer token over mTLS also works (the header wins). Real ingress
// with TLS on the real API server; every registered RPC over grpc-js, Connect and gRPC-Web.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { requestedByAnnotation } from "@oaas/crd";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { DeploymentService } from "@oaas/proto";
import { issueCertificate, testCluster, useTestNamespace } from "@oaas/testkit";
import { expect } from "chai";
import { accessOf } from "../../src/ingress/access.ts";
import {
  authEnv,
  call,
  fromNewSource,
  protocols,
  standardTokens,
  tokens,
  tokensFile,
  type ClientTls,
} from "../support/auth.ts";
import { unit } from "../support/fixtures.ts";
import { installCrd, startTestIngress, type TestIngress } from "../support/ingress.ts";
import { getRecord, releaseAll, waitForRecordsServed } from "../support/records.ts";
import { createTestPki, type TestPki } from "../support/tls.ts";

describe("crm ingress: mTLS client identities on an allowlist", function () {
  this.timeout(120_000);
  const ns = useTestNamespace("crm-auth-mtls");
  let namespace = "";
  let pki: TestPki;
  let file: ReturnType<typeof tokensFile>;
  let ing: TestIngress;
  const client = (name: string): ClientTls => ({
    ca: pki.read(pki.caCert),
    cert: pki.read(path.join(pki.dir, `${name}.crt`)),
    key: pki.read(path.join(pki.dir, `${name}.key`)),
  });

  before(async function () {
    namespace = ns.name;
    pki = createTestPki();
    issueCertificate(pki.dir, "stranger", "test-ca", "/CN=stranger", ["extendedKeyUsage=clientAuth"], 2);
    issueCertificate(
      pki.dir,
      "ops",
      "test-ca",
      "/CN=ops-console",
      ["subjectAltName=URI:spiffe://oaas/ops", "extendedKeyUsage=clientAuth"],
      2,
    );
    const clients = path.join(pki.dir, "clients.csv");
    writeFileSync(clients, "CN=oaas-pm,deployer\nURI:spiffe://oaas/ops,viewer\n");
    file = tokensFile(standardTokens());
    await installCrd((await testCluster()).kc);
    ing = await startTestIngress({
      namespace,
      env: {
        ...authEnv(file.path),
        OPRC_CRM_SECURITY_MTLS: "true",
        OPRC_CRM_TLS_CERT_FILE: pki.serverCert,
        OPRC_CRM_TLS_KEY_FILE: pki.serverKey,
        OPRC_CRM_TLS_CA_FILE: pki.caCert,
        OPRC_CRM_AUTH_MTLS_CLIENTS_FILE: clients,
      },
    });
    await waitForRecordsServed(ing.kube, namespace);
  });
  after(async function () {
    await releaseAll(ing.kube, namespace);
    await ing.close();
    file.remove();
    pki.remove();
  });

  const deploy = DeploymentService.method.deploy;
  const status = DeploymentService.method.getDeploymentStatus;

  it("an allowlisted certificate acts with its role, over each protocol, and the record names it", async function () {
    for (const protocol of protocols) {
      const answer = await call(protocol, ing.port, deploy, {}, client("client"));
      // An empty unit passed the gate and failed validation: a deployer may call Deploy.
      expect(answer.code, protocol).to.equal("invalidargument");
    }
    const pm = createClient(
      DeploymentService,
      createGrpcTransport({ baseUrl: ing.url, nodeOptions: { ...client("client") } }),
    );
    await pm.deploy({ deploymentUnit: unit("by-cert") });
    const record = await getRecord(ing.kube, namespace, "by-cert");
    expect(record?.metadata.annotations?.[requestedByAnnotation]).to.equal("CN=oaas-pm via deployer");
    // The SAN identity is a viewer: reads pass, Deploy does not.
    expect((await call("grpc-js", ing.port, status, {}, client("ops"))).code).to.equal("invalidargument");
    const refused = await call("connect", ing.port, deploy, {}, client("ops"));
    expect([refused.code, refused.message]).to.deep.equal([
      "permissiondenied",
      "URI:spiffe://oaas/ops via viewer may not do this: it needs the deployer role",
    ]);
  });

  for (const protocol of protocols)
    it(`${protocol}: a certificate from the CA but not on the allowlist is UNAUTHENTICATED on every RPC but the probes`, async function () {
      const source = await fromNewSource(ing.port);
      const wrong: string[] = [];
      try {
        for (const method of ing.ingress.rpcs) {
          const want =
            accessOf(method.parent.typeName, method.name).need === "public" ? "ok" : "unauthenticated";
          const answer = await call(protocol, source.port, method, {}, client("stranger"));
          const got = want === "ok" && answer.code !== "unauthenticated" ? "ok" : answer.code;
          if (got !== want)
            wrong.push(`${method.parent.typeName}/${method.name}: ${answer.code} ${answer.message}`);
        }
      } finally {
        await source.close();
      }
      expect(wrong).to.deep.equal([]);
    });

  it("a bearer token over mTLS works whatever the certificate: the header decides", async function () {
    const viewer = { authorization: `Bearer ${tokens.viewer}` };
    expect((await call("grpc-web", ing.port, status, viewer, client("stranger"))).code).to.equal(
      "invalidargument",
    );
    expect((await call("grpc-js", ing.port, deploy, viewer, client("client"))).code).to.equal(
      "permissiondenied",
    );
    const wrong = await call(
      "connect",
      ing.port,
      status,
      { authorization: "Bearer nope-0123456789abcdef" },
      client("client"),
    );
    expect(wrong.code, "a wrong token never falls back to the certificate").to.equal("unauthenticated");
  });
});
