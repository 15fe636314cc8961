// I4, no spurious delete of a still-wanted child, from the API server's audit log of
// deletes (testkit startCluster auditDeletes): a child deleted while its record was
// wanted (a put of it acknowledged before the delete, and no delete of it sent since)
// is a violation, whoever deleted it (the CRM's prune or finalizer, the garbage
// collector). Pure: parsing and judging; the runner reads the file.
import type { LedgerEntry } from "./ledger.ts";
import type { Violation } from "./oracles.ts";

export interface DeleteEvent {
  /** ms since the run started (the audit stageTimestamp). */
  readonly atMs: number;
  /** "deployments", "services", "horizontalpodautoscalers". */
  readonly resource: string;
  readonly name: string;
  readonly user: string;
}

interface AuditEvent {
  verb?: string;
  stage?: string;
  stageTimestamp?: string;
  user?: { username?: string };
  objectRef?: { resource?: string; namespace?: string; name?: string };
  responseStatus?: { code?: number };
}

const childResources = new Set(["deployments", "services", "horizontalpodautoscalers"]);

/** The successful deletes of children in `namespace`, from audit JSON lines; other lines are skipped. */
export function parseDeletes(text: string, namespace: string, runStart: number): DeleteEvent[] {
  const out: DeleteEvent[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    let e: AuditEvent;
    try {
      e = JSON.parse(line) as AuditEvent;
    } catch {
      continue; // a line cut by a kill of the API server
    }
    const ref = e.objectRef;
    const code = e.responseStatus?.code ?? 0;
    if (e.verb !== "delete" || e.stage !== "ResponseComplete" || code < 200 || code > 299) continue;
    if (ref?.namespace !== namespace || !childResources.has(ref.resource ?? "") || !ref.name) continue;
    out.push({
      atMs: Date.parse(e.stageTimestamp ?? "") - runStart,
      resource: ref.resource ?? "",
      name: ref.name,
      user: e.user?.username ?? "",
    });
  }
  return out;
}

/**
 * I4 violations: deletes of a child (ownerOf maps a child name to its ledger id) at a
 * time its id was wanted: a put acknowledged before it, and no delete (acknowledged or
 * unknown) sent between that put and the child's delete.
 */
export function spuriousDeletes(
  deletes: readonly DeleteEvent[],
  entries: readonly LedgerEntry[],
  ownerOf: (childName: string) => string | undefined,
): Violation[] {
  const byId = new Map<string, LedgerEntry[]>();
  for (const e of entries) byId.set(e.id, [...(byId.get(e.id) ?? []), e]);
  const violations: Violation[] = [];
  for (const d of deletes) {
    const id = ownerOf(d.name);
    if (id === undefined) continue;
    const ops = (byId.get(id) ?? []).filter((e) => e.sentMs <= d.atMs).sort((a, b) => a.seq - b.seq);
    const lastPut = [...ops]
      .reverse()
      .find((e) => e.action === "put" && e.outcome === "ack" && e.doneMs <= d.atMs);
    if (!lastPut) continue;
    const deletedSince = ops.some(
      (e) => e.seq > lastPut.seq && e.action === "delete" && e.outcome !== "refused",
    );
    const deletedBefore = ops.some(
      (e) => e.seq < lastPut.seq && e.action === "delete" && e.outcome !== "refused" && e.doneMs > d.atMs,
    );
    if (!deletedSince && !deletedBefore)
      violations.push({
        invariant: "I4",
        id,
        message: `${d.resource}/${d.name} deleted by ${d.user} at +${d.atMs} ms while wanted (put #${lastPut.seq} acknowledged at +${lastPut.doneMs} ms)`,
      });
  }
  return violations;
}
