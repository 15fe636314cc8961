// Requests for the PM's authentication suites: any Authorization header (or none), from a
// chosen loopback source address (127.0.0.0/8 all reach the PM, and the failed-auth
// throttle counts per source), each answer checked against the PM's OpenAPI document.
// The local OIDC issuer the suites sign JWTs with is @oaas/testkit startLocalIssuer.
import { request as httpRequest } from "node:http";
import type { AnswerChecker } from "@oaas/pm-api/answer-check";
import type { Answer } from "./pm.ts";

export interface AuthRequest {
  readonly method: string;
  readonly path: string;
  readonly authorization?: string;
  readonly body?: unknown;
  /** Source address, e.g. 127.0.0.7 (default 127.0.0.1). */
  readonly from?: string;
}

/** One request to `base`; fails when the answer is not in the OpenAPI document (`checker`). */
export function send(base: string, r: AuthRequest, checker?: AnswerChecker): Promise<Answer> {
  const url = new URL(base);
  const body = r.body === undefined ? undefined : JSON.stringify(r.body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: r.method,
        path: r.path,
        localAddress: r.from ?? "127.0.0.1",
        agent: false,
        headers: {
          ...(body !== undefined ? { "content-type": "application/json" } : {}),
          ...(r.authorization !== undefined ? { authorization: r.authorization } : {}),
        },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () => {
          let json: unknown;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          const headers = new Headers();
          for (const [k, v] of Object.entries(res.headers)) if (typeof v === "string") headers.set(k, v);
          const status = res.statusCode ?? 0;
          const problem = checker?.check(r.method, r.path, status, json);
          if (problem !== undefined) reject(new Error(`${problem}\nanswer: ${text.slice(0, 500)}`));
          else resolve({ status, headers, text, json });
        });
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}
