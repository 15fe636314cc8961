import fs from "node:fs";
import type { ClusterPki } from "./pki.ts";

/** Writes an admin kubeconfig (JSON, which every kubeconfig loader reads as YAML). */
export function writeAdminKubeconfig(file: string, server: string, pki: ClusterPki): void {
  const b64 = (f: string) => fs.readFileSync(f).toString("base64");
  const config = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "oaas-test", cluster: { server, "certificate-authority-data": b64(pki.caCert) } }],
    users: [
      {
        name: "admin",
        user: { "client-certificate-data": b64(pki.adminCert), "client-key-data": b64(pki.adminKey) },
      },
    ],
    contexts: [{ name: "oaas-test", context: { cluster: "oaas-test", user: "admin", namespace: "default" } }],
    "current-context": "oaas-test",
  };
  fs.writeFileSync(file, JSON.stringify(config, null, 2), { mode: 0o600 });
}
