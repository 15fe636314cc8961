// The identities a client certificate presents, in the forms the clients file lists:
// `CN=<subject common name>`, and one `DNS:`, `URI:` or `IP:` entry per subjectAltName
// (RFC 5280 §4.2.1.6; SPIFFE IDs are URI SANs). Pure: takes what Node's
// TLSSocket.getPeerCertificate() returns.
import type { ClientEntry } from "./auth-file.ts";

/** The parts of Node's PeerCertificate this module reads. */
export interface PeerCertificateFields {
  readonly subject?: { readonly CN?: string | readonly string[] } | null;
  /** Node's form: `DNS:a.example, URI:spiffe://x, IP Address:10.0.0.1`. */
  readonly subjectaltname?: string;
}

/** Every identity string the certificate proves, e.g. ["CN=pm", "DNS:pm.oaas.svc"]. */
export function certificateIdentities(cert: PeerCertificateFields): readonly string[] {
  const identities: string[] = [];
  const cn = cert.subject?.CN;
  for (const name of typeof cn === "string" ? [cn] : (cn ?? [])) identities.push(`CN=${name}`);
  for (const part of (cert.subjectaltname ?? "").split(/,\s*/)) {
    const colon = part.indexOf(":");
    if (colon < 0) continue;
    const kind = part.slice(0, colon);
    const value = part.slice(colon + 1);
    if (kind === "DNS" || kind === "URI") identities.push(`${kind}:${value}`);
    else if (kind === "IP Address") identities.push(`IP:${value}`);
  }
  return identities;
}

/** The first allowlist entry the certificate matches (file order), or undefined: a certificate from the CA alone is not enough. */
export function matchClient(
  identities: readonly string[],
  allowed: readonly ClientEntry[],
): ClientEntry | undefined {
  return allowed.find((entry) => identities.includes(entry.identity));
}
