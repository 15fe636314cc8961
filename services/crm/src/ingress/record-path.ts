// The path and query of the record routes beside the RPCs,
// GET /api/v1/records/{deployment_id}/<leaf>[?namespace=ns]: one parser for all of them
// (history-route.ts, status-route.ts), so a deployment id and a namespace are accepted or
// refused by the same rules on every route, and by the same rules as the RPCs' (the id
// as GetDeploymentStatus checks it, the namespace as x-namespace).
import { deploymentIdProblems } from "../deployments/validate.ts";
import { namespaceFrom } from "./metadata.ts";

/** A record route's request, or why it is refused (answer 400 with `error`). */
export type RecordRequest =
  | {
      readonly ok: true;
      /** The percent-decoded deployment id. */
      readonly id: string;
      /** ?namespace= when given, else the CRM's configured namespace. */
      readonly namespace: string;
      /** The whole query, for a route's own parameters (e.g. history's limit). */
      readonly query: URLSearchParams;
    }
  | { readonly ok: false; readonly error: string };

const pattern = /^\/api\/v1\/records\/([^/]+)\/([^/]+)$/;

/**
 * Parses `requestUrl` (path and query) when its path is /api/v1/records/{id}/`leaf`;
 * undefined for any other path (the next handler's). Refused: an id that is not valid
 * percent-encoding, or that GetDeploymentStatus would refuse (empty, over 253
 * characters, whitespace or control characters); a namespace that is not a DNS-1123
 * label. Messages never quote more than a bounded piece of the input.
 */
export function parseRecordRequest(
  requestUrl: string,
  leaf: string,
  defaultNamespace: string,
): RecordRequest | undefined {
  const url = new URL(requestUrl, "http://crm");
  const match = pattern.exec(url.pathname);
  if (!match?.[1] || match[2] !== leaf) return undefined;
  let id: string;
  try {
    id = decodeURIComponent(match[1]);
  } catch {
    return { ok: false, error: "the deployment id in the path is not valid percent-encoding" };
  }
  const idProblems = deploymentIdProblems(id, "deployment_id");
  if (idProblems.length > 0)
    return { ok: false, error: idProblems.map((p) => `${p.field}: ${p.message}`).join("; ") };
  const resolved = namespaceFrom(url.searchParams.get("namespace"), defaultNamespace);
  if (!("namespace" in resolved)) return { ok: false, error: `namespace: ${resolved.message}` };
  return { ok: true, id, namespace: resolved.namespace, query: url.searchParams };
}
