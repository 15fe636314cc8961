// A throw-away PKI for mTLS tests, made with openssl: a CA, a server certificate for
// 127.0.0.1, a client certificate from that CA and one from an unrelated CA.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createCa, issueCertificate } from "@oaas/testkit";

export interface TestPki {
  readonly dir: string;
  readonly caCert: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly clientCert: string;
  readonly clientKey: string;
  /** Signed by a different CA: must be refused. */
  readonly rogueCert: string;
  readonly rogueKey: string;
  read(file: string): Buffer;
  remove(): void;
}

export function createTestPki(): TestPki {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "oaas-crm-mtls-"));
  const file = (name: string) => path.join(dir, name);
  createCa(dir, "test-ca", "/CN=test-ca", 2);
  createCa(dir, "rogue-ca", "/CN=rogue-ca", 2);
  issueCertificate(
    dir,
    "server",
    "test-ca",
    "/CN=oaas-crm",
    ["subjectAltName=IP:127.0.0.1,DNS:localhost", "extendedKeyUsage=serverAuth"],
    2,
  );
  issueCertificate(dir, "client", "test-ca", "/CN=oaas-pm", ["extendedKeyUsage=clientAuth"], 2);
  issueCertificate(dir, "rogue", "rogue-ca", "/CN=intruder", ["extendedKeyUsage=clientAuth"], 2);
  return {
    dir,
    caCert: file("test-ca.crt"),
    serverCert: file("server.crt"),
    serverKey: file("server.key"),
    clientCert: file("client.crt"),
    clientKey: file("client.key"),
    rogueCert: file("rogue.crt"),
    rogueKey: file("rogue.key"),
    read: (f) => fs.readFileSync(f),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
