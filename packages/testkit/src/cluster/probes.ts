import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import type { ClusterPki } from "./pki.ts";

/** GET a URL and return status + body; TLS with the cluster's CA and admin cert when pki is given. */
export async function get(
  url: string,
  pki?: ClusterPki,
  timeoutMs = 2000,
): Promise<{ status: number; body: string }> {
  const tls = pki
    ? {
        ca: fs.readFileSync(pki.caCert),
        cert: fs.readFileSync(pki.adminCert),
        key: fs.readFileSync(pki.adminKey),
      }
    : {};
  const client = url.startsWith("https:") ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.get(url, { ...tls, timeout: timeoutMs }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on("timeout", () => request.destroy(new Error(`GET ${url} timed out`)));
    request.on("error", reject);
  });
}
