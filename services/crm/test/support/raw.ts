// Raw protocol access for fuzzing: gRPC frames over one HTTP/2 session and Connect
// unary POSTs over HTTP/1.1, with no client library in the way to reject bad input.
import http2 from "node:http2";

export interface RawResult {
  /** gRPC status code, or the Connect error code mapped to the same number; 0 = OK. */
  readonly code: number;
  readonly message: string;
  /** The response message bytes on OK (gRPC: without the 5-byte envelope). */
  readonly body: Uint8Array;
}

export function grpcFrame(payload: Uint8Array, compressed = false): Buffer {
  const frame = Buffer.alloc(5 + payload.length);
  frame.writeUInt8(compressed ? 1 : 0, 0);
  frame.writeUInt32BE(payload.length, 1);
  frame.set(payload, 5);
  return frame;
}

/** Sends `body` as the request stream of a gRPC call; resolves with grpc-status and grpc-message. */
export function grpcRaw(
  session: http2.ClientHttp2Session,
  path: string,
  body: Uint8Array,
): Promise<RawResult> {
  return new Promise((resolve, reject) => {
    const stream = session.request({
      ":method": "POST",
      ":path": path,
      "content-type": "application/grpc",
      te: "trailers",
    });
    let status: string | undefined;
    let message = "";
    const chunks: Buffer[] = [];
    const take = (headers: http2.IncomingHttpHeaders, flags: number) => {
      if (typeof headers["grpc-status"] === "string") status = headers["grpc-status"];
      if (typeof headers["grpc-message"] === "string") message = decodeURIComponent(headers["grpc-message"]);
      // The status ends the call, as in real clients: stop sending a body the server no
      // longer reads (an oversized one), or the stream would wait for flow control forever.
      // Only then: a RST_STREAM after every call is the "rapid reset" pattern, and the
      // server's HTTP/2 stack ends the whole session (ECONNRESET) after about a thousand.
      if (
        status !== undefined &&
        flags & http2.constants.NGHTTP2_FLAG_END_STREAM &&
        !stream.writableFinished
      ) {
        stream.close(http2.constants.NGHTTP2_CANCEL);
      }
    };
    stream.on("response", take);
    stream.on("trailers", take);
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("error", reject);
    stream.on("close", () => {
      if (status === undefined) reject(new Error(`no grpc-status for ${path} (rst code ${stream.rstCode})`));
      else resolve({ code: Number(status), message, body: Buffer.concat(chunks).subarray(5) });
    });
    stream.end(body);
  });
}

const connectCodes: Record<string, number> = {
  canceled: 1,
  unknown: 2,
  invalid_argument: 3,
  deadline_exceeded: 4,
  not_found: 5,
  already_exists: 6,
  permission_denied: 7,
  resource_exhausted: 8,
  failed_precondition: 9,
  aborted: 10,
  out_of_range: 11,
  unimplemented: 12,
  internal: 13,
  unavailable: 14,
  data_loss: 15,
  unauthenticated: 16,
};

/** A Connect unary POST over HTTP/1.1; the body goes as is with the given content type. */
export async function connectRaw(
  baseUrl: string,
  path: string,
  contentType: string,
  body: Uint8Array | string,
): Promise<RawResult> {
  const res = await fetch(`${baseUrl}${path}`, {
    method: "POST",
    headers: { "content-type": contentType, "connect-protocol-version": "1" },
    body,
  });
  const bytes = new Uint8Array(await res.arrayBuffer());
  if (res.status === 200) return { code: 0, message: "", body: bytes };
  const text = new TextDecoder().decode(bytes);
  try {
    const error = JSON.parse(text) as { code?: string; message?: string };
    return { code: connectCodes[error.code ?? ""] ?? -res.status, message: error.message ?? "", body: bytes };
  } catch {
    return { code: -res.status, message: text.slice(0, 200), body: bytes };
  }
}
