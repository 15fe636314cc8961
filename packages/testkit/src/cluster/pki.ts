import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

/** File paths of the throw-away PKI of one test cluster. */
export interface ClusterPki {
  readonly caCert: string;
  readonly caKey: string;
  readonly servingCert: string;
  readonly servingKey: string;
  readonly adminCert: string;
  readonly adminKey: string;
  readonly serviceAccountKey: string;
  readonly serviceAccountPub: string;
}

/** Creates a self-signed CA, an API server serving cert, an admin client cert and the SA key pair. */
export function createPki(dir: string): ClusterPki {
  fs.mkdirSync(dir, { recursive: true });
  const file = (name: string) => path.join(dir, name);
  const pki: ClusterPki = {
    caCert: file("ca.crt"),
    caKey: file("ca.key"),
    servingCert: file("apiserver.crt"),
    servingKey: file("apiserver.key"),
    adminCert: file("admin.crt"),
    adminKey: file("admin.key"),
    serviceAccountKey: file("sa.key"),
    serviceAccountPub: file("sa.pub"),
  };
  const openssl = (...args: string[]) =>
    execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"] });

  openssl(
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    "30",
    "-subj",
    "/CN=oaas-test-ca",
    "-keyout",
    pki.caKey,
    "-out",
    pki.caCert,
  );
  signed(openssl, pki, "apiserver", "/CN=kube-apiserver", [
    "subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc",
    "extendedKeyUsage=serverAuth",
  ]);
  // O=system:masters: the admin kubeconfig bypasses RBAC, as a cluster-admin would.
  signed(openssl, pki, "admin", "/O=system:masters/CN=admin", ["extendedKeyUsage=clientAuth"]);
  openssl("genrsa", "-out", pki.serviceAccountKey, "2048");
  openssl("rsa", "-in", pki.serviceAccountKey, "-pubout", "-out", pki.serviceAccountPub);
  return pki;
}

function signed(
  openssl: (...args: string[]) => unknown,
  pki: ClusterPki,
  name: string,
  subject: string,
  extensions: readonly string[],
): void {
  const dir = path.dirname(pki.caCert);
  const key = path.join(dir, `${name}.key`);
  const csr = path.join(dir, `${name}.csr`);
  const ext = path.join(dir, `${name}.ext`);
  fs.writeFileSync(ext, extensions.join("\n") + "\n");
  openssl("req", "-new", "-newkey", "rsa:2048", "-nodes", "-subj", subject, "-keyout", key, "-out", csr);
  openssl(
    "x509",
    "-req",
    "-in",
    csr,
    "-CA",
    pki.caCert,
    "-CAkey",
    pki.caKey,
    "-CAcreateserial",
    "-days",
    "30",
    "-extfile",
    ext,
    "-out",
    path.join(dir, `${name}.crt`),
  );
}
