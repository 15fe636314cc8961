// A local OIDC issuer for the authentication tests of @oaas/auth, the PM and the CRM: a real
// HTTP server on 127.0.0.1 serving OpenID discovery (/.well-known/openid-configuration) and
// its JWKS (/jwks, one ES256 key made here), and a signer of tokens with that key. A test
// points a verifier at `issuer` (discovery) or `jwksUrl` (the key set alone), signs the
// tokens it needs (expired, for another audience, by a key the issuer does not publish) and
// closes it after. jose makes the keys and the tokens, as it verifies them in @oaas/auth.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { SignJWT, exportJWK, generateKeyPair } from "jose";

/** How a token is made; every field has a default that gives a token the issuer vouches for. */
export interface SignOptions {
  /** `exp`: a jose duration from now ("5m", "-1h") or epoch seconds. Default "5m". */
  readonly expiresAt?: string | number;
  /** `aud`. Default the issuer's audience. */
  readonly audience?: string;
  /** Signed by a key the issuer does not publish (a forged token). Default false. */
  readonly foreignKey?: boolean;
}

export interface LocalIssuer {
  /** http://127.0.0.1:<port>: the `iss` of its tokens and the base of discovery. */
  readonly issuer: string;
  /** `${issuer}/jwks`. */
  readonly jwksUrl: string;
  /** The `aud` its tokens carry unless told otherwise. */
  readonly audience: string;
  /** A token with `claims` (e.g. sub, oaas_role), `iss` this issuer, `iat` now. */
  sign(claims: Record<string, unknown>, options?: SignOptions): Promise<string>;
  close(): Promise<void>;
}

/** Starts an issuer whose tokens are for `audience` (default "oaas"). */
export async function startLocalIssuer(options: { readonly audience?: string } = {}): Promise<LocalIssuer> {
  const audience = options.audience ?? "oaas";
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
    jwksUrl: `${issuer}/jwks`,
    audience,
    sign: (claims, signing = {}) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: "ES256", kid: "k1" })
        .setIssuer(issuer)
        .setAudience(signing.audience ?? audience)
        .setIssuedAt()
        .setExpirationTime(signing.expiresAt ?? "5m")
        .sign(signing.foreignKey === true ? foreign.privateKey : keys.privateKey),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
