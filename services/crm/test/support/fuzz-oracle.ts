// The exact status the ingress must answer for a fuzzed request, computed from the bytes
// sent (so the test can fail: no category may accept any code). The rules are
// connect-es's, as documented in its protocol code, plus the CRM's own for a request
// that decodes:
// - gRPC envelopes (5-byte header: flags, big-endian length): a declared length above
//   readMaxBytes is RESOURCE_EXHAUSTED before anything is read; a compressed flag with no
//   grpc-encoding INTERNAL; no message UNIMPLEMENTED, a second one UNIMPLEMENTED; a body
//   ending inside an envelope INVALID_ARGUMENT (a header that arrived alone is dropped).
// - undecodable binary INTERNAL ("parse binary"); undecodable JSON INVALID_ARGUMENT.
// - decoded requests: an id that cannot name a deployment (empty, over 253 characters,
//   whitespace or control characters) INVALID_ARGUMENT, another unknown id NOT_FOUND;
//   ListClassRuntimes with an unknown status INVALID_ARGUMENT, else OK; a Deploy of random
//   bytes INVALID_ARGUMENT (no random unit carries an id, a function and an image).
import { fromBinary, fromJsonString, type DescMessage, type DescMethod } from "@bufbuild/protobuf";
import { Code } from "@connectrpc/connect";
import { DeploymentService } from "@oaas/proto";

export interface Want {
  /** gRPC status code; 0 = OK (connect-es has no Code for it). */
  readonly code: number;
  /** What the message must match, where the code alone does not say who answered. */
  readonly message?: RegExp;
  /** The rule that gave the code, for the histogram and failure output. */
  readonly rule: string;
}

/** The ingress's readMaxBytes (services/crm/src/ingress/rpc-handler.ts). */
export const readMaxBytes = 4 * 1024 * 1024;

const methods = Object.values(DeploymentService.method) as DescMethod[];

/** The DeploymentService method of a path "/oaas.deployment.DeploymentService/Deploy". */
export function methodOf(path: string): DescMethod {
  const m = methods.find((x) => path.endsWith(`/${x.name}`));
  if (!m) throw new Error(`no method for ${path}`);
  return m;
}

/** The answer to `body` sent as a gRPC request stream to `path`. */
export function grpcWant(path: string, body: Uint8Array): Want {
  const method = methodOf(path);
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const envelopes: { flags: number; data: Uint8Array }[] = [];
  let offset = 0;
  let incomplete = false;
  while (offset < body.length) {
    if (body.length - offset < 5) {
      incomplete = true;
      break;
    }
    const flags = view.getUint8(offset);
    const length = view.getUint32(offset + 1);
    if (length > readMaxBytes)
      return { code: Code.ResourceExhausted, message: /readMaxBytes/, rule: "declared length over 4 MiB" };
    const rest = body.length - offset - 5;
    if (rest < length) {
      // Only bytes after a header are left over; a header alone is consumed silently.
      incomplete = rest > 0;
      break;
    }
    envelopes.push({ flags, data: body.subarray(offset + 5, offset + 5 + length) });
    offset += 5 + length;
  }
  const first = envelopes[0];
  if (!first) {
    return incomplete
      ? { code: Code.InvalidArgument, message: /incomplete envelope/, rule: "body ends inside an envelope" }
      : { code: Code.Unimplemented, message: /missing input message/, rule: "no message" };
  }
  const decoded = envelopeWant(method, first);
  if ("code" in decoded) return decoded;
  const second = envelopes[1];
  if (second) {
    const next = envelopeWant(method, second);
    if ("code" in next) return next;
    return { code: Code.Unimplemented, message: /extra input message/, rule: "two messages" };
  }
  if (incomplete)
    return {
      code: Code.InvalidArgument,
      message: /incomplete envelope/,
      rule: "body ends inside an envelope",
    };
  return handlerWant(method, decoded.message);
}

function envelopeWant(
  method: DescMethod,
  envelope: { flags: number; data: Uint8Array },
): Want | { message: unknown } {
  if ((envelope.flags & 1) === 1)
    return { code: Code.Internal, message: /^received compressed envelope/, rule: "compressed, no encoding" };
  return decodeBinary(method.input, envelope.data);
}

function decodeBinary(schema: DescMessage, data: Uint8Array): Want | { message: unknown } {
  try {
    return { message: fromBinary(schema, data) };
  } catch {
    return { code: Code.Internal, message: /^parse binary/, rule: "undecodable binary" };
  }
}

/** The answer to a Connect unary POST of `body` with `contentType` to `path`. */
export function connectWant(path: string, contentType: string, body: Uint8Array | string): Want {
  const method = methodOf(path);
  const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body;
  if (bytes.length > readMaxBytes)
    return { code: Code.ResourceExhausted, message: /readMaxBytes/, rule: "body over 4 MiB" };
  if (contentType === "application/json") {
    let message: unknown;
    try {
      message = fromJsonString(method.input, new TextDecoder().decode(bytes), { ignoreUnknownFields: true });
    } catch {
      return { code: Code.InvalidArgument, rule: "undecodable JSON" };
    }
    return handlerWant(method, message);
  }
  const decoded = decodeBinary(method.input, bytes);
  return "code" in decoded ? decoded : handlerWant(method, decoded.message);
}

// eslint-disable-next-line no-control-regex -- the ingress's own rule for ids (validate.ts)
const controlOrSpace = /[\s\u0000-\u001f\u007f-\u009f]/u;

/** The answer of the CRM's handler to a decoded request (no record exists for fuzzed ids). */
function handlerWant(method: DescMethod, message: unknown): Want {
  const m = message as { deploymentId?: string; status?: string };
  switch (method.name) {
    case "Deploy":
      return { code: Code.InvalidArgument, rule: "random unit" };
    case "ListClassRuntimes":
      return m.status && !knownStatus(m.status)
        ? { code: Code.InvalidArgument, message: /status/, rule: "unknown status filter" }
        : { code: 0, rule: "list" };
    default: {
      const id = m.deploymentId ?? "";
      if (id === "" || id.length > 253 || controlOrSpace.test(id))
        return { code: Code.InvalidArgument, message: /deployment_id/, rule: "id that names nothing" };
      return { code: Code.NotFound, rule: "unknown id" };
    }
  }
}

/** The status names ListClassRuntimes accepts (list.ts): a SummarizedStatus in any case and blanks, or NOT_FOUND. */
function knownStatus(status: string): boolean {
  const summarized = ["SUMMARY_UNKNOWN", "RUNNING", "PROGRESSING", "DEGRADED", "ERROR"];
  return summarized.includes(status.trim().toUpperCase()) || status.toUpperCase() === "NOT_FOUND";
}
