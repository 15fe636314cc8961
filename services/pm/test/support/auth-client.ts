// Requests for the PM's authentication suites: any Authorization header (or none), from a
// chosen loopback source address (127.0.0.0/8 all reach the PM, and the failed-auth
// throttle counts per source), each answer checked against the PM's OpenAPI document;
// plus a local OIDC issuer (discovery + JWKS) the suites sign JWTs with.
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { AnswerChecker } from "@oaas/pm-api/answer-check";
import { SignJWT, exportJWK, generateKeyPair } from "jose";
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

/** A local OIDC issuer: discovery and one ES256 key; `sign` issues tokens for audience `oaas`. */
export interface LocalIssuer {
  readonly issuer: string;
  sign(
    claims: Record<string, unknown>,
    options?: { expiresIn?: string | number; foreignKey?: boolean },
  ): Promise<string>;
  close(): Promise<void>;
}

export async function startLocalIssuer(): Promise<LocalIssuer> {
  const keys = await generateKeyPair("ES256");
  const foreign = await generateKeyPair("ES256");
  const jwk = { ...(await exportJWK(keys.publicKey)), kid: "k1", alg: "ES256", use: "sig" };
  let issuer = "";
  const server: Server = createServer((request, response) => {
    response.setHeader("content-type", "application/json");
    if (request.url === "/.well-known/openid-configuration")
      response.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks` }));
    else if (request.url === "/jwks") response.end(JSON.stringify({ keys: [jwk] }));
    else response.writeHead(404).end("{}");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    sign: (claims, options = {}) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: "ES256", kid: "k1" })
        .setIssuer(issuer)
        .setAudience("oaas")
        .setIssuedAt(Math.floor(Date.now() / 1000) - 3600)
        .setExpirationTime(options.expiresIn ?? "2h")
        .sign(options.foreignKey === true ? foreign.privateKey : keys.privateKey),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
