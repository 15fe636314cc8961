import { request, type RequestOptions } from "node:https";
import type * as k8s from "@kubernetes/client-node";

export interface KubeRequest {
  readonly method: "GET" | "PATCH" | "POST" | "PUT" | "DELETE";
  /** Path and query, e.g. `/apis/oaas.io/v1alpha1/namespaces/x/deploymentrecords?dryRun=All`. */
  readonly path: string;
  readonly body?: string;
  readonly contentType?: string;
  readonly accept?: string;
}

export interface KubeResponse {
  readonly status: number;
  readonly text: string;
}

/**
 * One HTTPS request to the API server with the kubeconfig's credentials, body sent as-is.
 * For what the typed clients get in the way of: wire-named CRD fields (client-node's
 * models rename or drop `x-kubernetes-*`), apply patches of exact JSON, Table output.
 */
export async function kubeRequest(kc: k8s.KubeConfig, call: KubeRequest): Promise<KubeResponse> {
  const server = kc.getCurrentCluster()?.server;
  if (!server) throw new Error("kubeconfig has no current cluster");
  const headers: Record<string, string | number> = { accept: call.accept ?? "application/json" };
  if (call.body !== undefined) {
    headers["content-type"] = call.contentType ?? "application/json";
    headers["content-length"] = Buffer.byteLength(call.body);
  }
  const options: RequestOptions = { method: call.method, headers };
  await kc.applyToHTTPSOptions(options);
  return new Promise((resolve, reject) => {
    const req = request(new URL(call.path, server), options, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on("error", reject);
    req.end(call.body);
  });
}
