// A throw-away PKI for mTLS tests, made with openssl: a CA, a server certificate for
// 127.0.0.1, a client certificate from that CA and one from an unrelated CA.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

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
  const openssl = (...args: string[]) =>
    execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"] });
  const ca = (name: string) =>
    openssl(
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "2",
      "-subj",
      `/CN=${name}`,
      "-keyout",
      file(`${name}.key`),
      "-out",
      file(`${name}.crt`),
    );
  const sign = (name: string, caName: string, subject: string, extensions: string[]) => {
    fs.writeFileSync(file(`${name}.ext`), extensions.join("\n") + "\n");
    openssl(
      "req",
      "-new",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-subj",
      subject,
      "-keyout",
      file(`${name}.key`),
      "-out",
      file(`${name}.csr`),
    );
    openssl(
      "x509",
      "-req",
      "-in",
      file(`${name}.csr`),
      "-CA",
      file(`${caName}.crt`),
      "-CAkey",
      file(`${caName}.key`),
      "-CAcreateserial",
      "-days",
      "2",
      "-extfile",
      file(`${name}.ext`),
      "-out",
      file(`${name}.crt`),
    );
  };
  ca("test-ca");
  ca("rogue-ca");
  sign("server", "test-ca", "/CN=oaas-crm", [
    "subjectAltName=IP:127.0.0.1,DNS:localhost",
    "extendedKeyUsage=serverAuth",
  ]);
  sign("client", "test-ca", "/CN=oaas-pm", ["extendedKeyUsage=clientAuth"]);
  sign("rogue", "rogue-ca", "/CN=intruder", ["extendedKeyUsage=clientAuth"]);
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
