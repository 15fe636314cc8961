// Who is calling, as the ingress's pipeline hands it from the listener to the handlers:
// the transport peer (client address for failure counting, the identities of a client
// certificate the TLS layer verified) set per request from the Node request, and the
// principal the auth gate (auth-gate.ts) established, read by the in-flight bound, the
// audit and the request scope.
import { createContextKey, createContextValues, type ContextValues } from "@connectrpc/connect";
import type { connectNodeAdapter } from "@connectrpc/connect-node";
import {
  certificateIdentities,
  unauthenticated,
  type PeerCertificateFields,
  type Principal,
} from "@oaas/auth";

export interface Peer {
  /** The client address (failure counting per source). */
  readonly source: string;
  /** Identities of the verified client certificate (mTLS), else undefined. */
  readonly identities?: readonly string[];
}

export const peerKey = createContextKey<Peer>({ source: "unknown" }, { description: "transport peer" });
export const principalKey = createContextKey<Principal>(unauthenticated, {
  description: "the principal the auth gate established",
});
/** The namespace the call acts in, as the gate checked it (namespaced RPCs only). */
export const namespaceKey = createContextKey<string | undefined>(undefined, {
  description: "namespace the gate authorized",
});

type NodeServerRequest = Parameters<ReturnType<typeof connectNodeAdapter>>[0];

/** What a TLS socket adds (Node's TLSSocket; an HTTP/2 request's socket proxies it). */
interface MaybeTls {
  readonly remoteAddress?: string | undefined;
  readonly authorized?: boolean;
  getPeerCertificate?: () => PeerCertificateFields;
}

/** The per-request context values of a Node request: its peer (connect-node's contextValues option). */
export function peerValues(req: NodeServerRequest): ContextValues {
  const socket = req.socket as unknown as MaybeTls;
  const values = createContextValues();
  const certificate =
    socket.authorized === true && typeof socket.getPeerCertificate === "function"
      ? socket.getPeerCertificate()
      : undefined;
  values.set(peerKey, {
    source: socket.remoteAddress ?? "unknown",
    ...(certificate ? { identities: certificateIdentities(certificate) } : {}),
  });
  return values;
}
