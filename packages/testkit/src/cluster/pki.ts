import fs from "node:fs";
import path from "node:path";
import { createCa, issueCertificate, openssl } from "../openssl.ts";

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
  createCa(dir, "ca", "/CN=oaas-test-ca");
  issueCertificate(dir, "apiserver", "ca", "/CN=kube-apiserver", [
    "subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc",
    "extendedKeyUsage=serverAuth",
  ]);
  // O=system:masters: the admin kubeconfig bypasses RBAC, as a cluster-admin would.
  issueCertificate(dir, "admin", "ca", "/O=system:masters/CN=admin", ["extendedKeyUsage=clientAuth"]);
  openssl("genrsa", "-out", pki.serviceAccountKey, "2048");
  openssl("rsa", "-in", pki.serviceAccountKey, "-pubout", "-out", pki.serviceAccountPub);
  return pki;
}
