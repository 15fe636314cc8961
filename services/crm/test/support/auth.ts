// Credentials and callers for the ingress's authentication tests: a tokens file, the
// environment naming a local OIDC issuer (@oaas/testkit startLocalIssuer), a TCP forwarder that reaches the ingress
// from its own loopback address (the gate counts failed authentications per source, so
// each group of refused calls gets a fresh one instead of tripping the burst of the
// previous group), and one call of any RPC by its descriptor over grpc-js, Connect or
// gRPC-Web, answering the status code name and the headers that came with it.
import { mkdtempSync, rmSync, writeFileSync, renameSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  create,
  toBinary,
  type DescMethod,
  type DescMethodStreaming,
  type DescMethodUnary,
} from "@bufbuild/protobuf";
import { createAsyncIterable } from "@connectrpc/connect/protocol";
import { Code, ConnectError, type Transport } from "@connectrpc/connect";
import { createConnectTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import * as grpc from "@grpc/grpc-js";
import type { LocalIssuer } from "@oaas/testkit";

/** Tokens of the principals the tests use (each at least 16 characters, as the tokens file needs). */
export const tokens = {
  admin: "admin-token-0123456789abcdef",
  viewer: "viewer-token-0123456789abcdef",
  deployer: "deployer-token-0123456789abcdef",
  pm: "pm-prod-token-0123456789abcdef",
  scoped: "team-a-token-0123456789abcdef",
} as const;

/** A tokens file in a fresh directory; `replace` swaps it atomically (as the kubelet updates a Secret volume). */
export function tokensFile(content: string): { path: string; replace(next: string): void; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), "oaas-crm-auth-"));
  const file = path.join(dir, "tokens.csv");
  writeFileSync(file, content, { mode: 0o600 });
  return {
    path: file,
    replace: (next) => {
      writeFileSync(path.join(dir, "next"), next, { mode: 0o600 });
      renameSync(path.join(dir, "next"), file);
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The usual file: admin, viewer, deployer, pm-prod (deployer) and ci-a (deployer limited to `team-a`). */
export function standardTokens(): string {
  return [
    `${tokens.admin},root,admin`,
    `${tokens.viewer},watcher,viewer`,
    `${tokens.deployer},ci,deployer`,
    `${tokens.pm},pm-prod,deployer`,
    `${tokens.scoped},ci-a,deployer,team-a`,
  ].join("\n");
}

/** The environment that makes an ingress check tokens (and JWTs from `issuer`). */
export function authEnv(tokensPath: string, issuer?: LocalIssuer): Record<string, string> {
  return {
    OPRC_CRM_AUTH_TOKENS_FILE: tokensPath,
    ...(issuer
      ? {
          OPRC_CRM_AUTH_OIDC_ISSUER: issuer.issuer,
          OPRC_CRM_AUTH_OIDC_AUDIENCE: issuer.audience,
          OPRC_CRM_AUTH_OIDC_JWKS_URL: issuer.jwksUrl,
        }
      : {}),
  };
}

let nextSource = 2;

/** A listener on 127.0.0.1 that forwards each connection to `port`, from a loopback address of its own. */
export async function fromNewSource(
  port: number,
): Promise<{ port: number; source: string; close(): Promise<void> }> {
  const n = nextSource++;
  const source = `127.0.${Math.floor(n / 250) + 1}.${(n % 250) + 2}`;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect({ port, host: "127.0.0.1", localAddress: source });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => undefined);
    }
    client.pipe(upstream).pipe(client);
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    source,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export type Protocol = "grpc-js" | "connect" | "grpc-web";
export const protocols: readonly Protocol[] = ["grpc-js", "connect", "grpc-web"];

/** Client TLS material (PEM): the CA to trust and, for mTLS, a certificate and key. */
export interface ClientTls {
  readonly ca: Buffer;
  readonly cert: Buffer;
  readonly key: Buffer;
}

export interface Answer {
  /** The status code name as connect spells it (`unauthenticated`, ...), or `ok`. */
  readonly code: string;
  readonly message: string;
  /** Response headers and trailers (lower-case names). */
  readonly headers: Readonly<Record<string, string>>;
}

const codeName = (code: number): string =>
  code === 0 ? "ok" : ((Code as Record<number, string | undefined>)[code] ?? String(code)).toLowerCase();

/**
 * One call of `method` with an empty request and `headers`, over `protocol` to 127.0.0.1:`port`.
 * Streams are read to their first message. Never rejects on an RPC error.
 */
export async function call(
  protocol: Protocol,
  port: number,
  method: DescMethod,
  headers: Readonly<Record<string, string>> = {},
  tls?: ClientTls,
): Promise<Answer> {
  if (protocol === "grpc-js") return callGrpcJs(port, method, headers, tls);
  const baseUrl = `${tls ? "https" : "http"}://127.0.0.1:${port}`;
  // HTTP/1.1 as browsers speak it; a bidi stream needs HTTP/2 (over HTTP/1.1 it is 505 before any handler).
  const httpVersion = method.methodKind === "bidi_streaming" ? ("2" as const) : ("1.1" as const);
  const options = { baseUrl, httpVersion, ...(tls ? { nodeOptions: { ...tls } } : {}) };
  const transport: Transport =
    protocol === "connect" ? createConnectTransport(options) : createGrpcWebTransport(options);
  const abort = new AbortController();
  const input = create(method.input);
  try {
    if (method.methodKind === "unary") {
      await transport.unary(method as DescMethodUnary, abort.signal, 10_000, headers, input);
    } else {
      const res = await transport.stream(
        method as DescMethodStreaming,
        abort.signal,
        10_000,
        headers,
        createAsyncIterable([input]),
      );
      const messages = res.message[Symbol.asyncIterator]();
      await messages.next();
      await messages.return?.();
    }
    return { code: "ok", message: "", headers: {} };
  } catch (error) {
    const e = ConnectError.from(error);
    return { code: codeName(e.code), message: e.rawMessage, headers: Object.fromEntries(e.metadata) };
  } finally {
    abort.abort();
  }
}

function callGrpcJs(
  port: number,
  method: DescMethod,
  headers: Readonly<Record<string, string>>,
  tls: ClientTls | undefined,
): Promise<Answer> {
  const credentials = tls
    ? grpc.credentials.createSsl(tls.ca, tls.key, tls.cert)
    : grpc.credentials.createInsecure();
  const client = new grpc.Client(`127.0.0.1:${port}`, credentials);
  const metadata = new grpc.Metadata();
  for (const [key, value] of Object.entries(headers)) metadata.set(key, value);
  const pathName = `/${method.parent.typeName}/${method.name}`;
  const serialize = (m: unknown) => Buffer.from(toBinary(method.input, m as never));
  const deserialize = (b: Buffer) => b;
  const input = create(method.input);
  const done = (resolve: (a: Answer) => void) => (error: grpc.ServiceError | null | undefined) => {
    client.close();
    resolve(
      error
        ? {
            code: codeName(error.code),
            message: decodeMessage(error.details),
            headers: Object.fromEntries(
              Object.entries(error.metadata.getMap()).map(([k, v]) => [k, String(v)]),
            ),
          }
        : { code: "ok", message: "", headers: {} },
    );
  };
  return new Promise((resolve) => {
    const deadline = Date.now() + 10_000;
    if (method.methodKind === "unary") {
      client.makeUnaryRequest(pathName, serialize, deserialize, input, metadata, { deadline }, (error) =>
        done(resolve)(error),
      );
      return;
    }
    const stream =
      method.methodKind === "server_streaming"
        ? client.makeServerStreamRequest(pathName, serialize, deserialize, input, metadata, { deadline })
        : client.makeBidiStreamRequest(pathName, serialize, deserialize, metadata, { deadline });
    if (method.methodKind !== "server_streaming") {
      const duplex = stream as grpc.ClientDuplexStream<unknown, Buffer>;
      duplex.write(input);
      duplex.end();
    }
    let settled = false;
    stream.on("data", () => {
      if (settled) return;
      settled = true;
      stream.cancel();
      done(resolve)(null);
    });
    stream.on("error", (error: grpc.ServiceError) => {
      if (!settled) {
        settled = true;
        done(resolve)(error);
      }
    });
    stream.on("status", () => {
      if (!settled) {
        settled = true;
        done(resolve)(null);
      }
    });
  });
}

/** grpc-js decodes grpc-message with decodeURI, leaving `%3A` and the like (PITFALLS.md). */
function decodeMessage(details: string): string {
  try {
    return decodeURIComponent(details);
  } catch {
    return details;
  }
}
