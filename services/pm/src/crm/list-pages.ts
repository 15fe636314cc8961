// Every class runtime of one cluster, paged: the CRM answers ListClassRuntimes a page at a
// time (100 records unless asked for fewer) and refuses a page over the 4 MiB message
// limit with RESOURCE_EXHAUSTED naming how many records fit (the oaas.crm.v1.PageTooLarge
// error detail). The PM asks page after page, smaller when told (half the page when an
// older CRM names nothing), and aggregates, all within one deadline (asking
// for "everything" failed as soon as a few records were large). The paging decisions are
// @oaas/models list-paging.ts; this file makes the calls.
import { Code, ConnectError } from "@connectrpc/connect";
import { afterPage, afterTooLarge, firstPage, type PageAsk } from "@oaas/models";
import { PageTooLargeSchema, type DeploymentUnit, type ListClassRuntimesRequest } from "@oaas/proto";
import { CrmError } from "./errors.ts";
import type { CallContext, CrmManager } from "./manager.ts";

/** The longest one cluster's listing may take, every page and retry included, ms. */
export const listDeadlineMs = 15_000;

export type ListFilter = Partial<Omit<ListClassRuntimesRequest, "$typeName" | "limit" | "offset">>;

/**
 * The units of `cluster` matching `filter`, in the CRM's order (record name). `wanted`:
 * the caller needs only that many from the start (its offset + limit); paging stops once
 * they are in. Throws CrmError: a page's failure as the manager classed it; "answered"
 * DEADLINE_EXCEEDED when the pages took longer than `deadlineMs` (the PM's own budget,
 * not counted against the cluster); "answered" RESOURCE_EXHAUSTED when one record alone
 * exceeds the message limit.
 */
export async function listEveryPage(
  crm: CrmManager,
  cluster: string,
  filter: ListFilter,
  ctx: CallContext,
  options: { readonly wanted?: number; readonly deadlineMs?: number } = {},
): Promise<DeploymentUnit[]> {
  const deadlineMs = options.deadlineMs ?? listDeadlineMs;
  const signal = AbortSignal.timeout(deadlineMs);
  const items: DeploymentUnit[] = [];
  let pages = 0;
  let ask: PageAsk | "done" = firstPage(options.wanted);
  while (ask !== "done") {
    const asked: PageAsk = ask;
    try {
      const res = await crm.list(
        cluster,
        { ...filter, offset: asked.offset, limit: asked.limit },
        ctx,
        signal,
      );
      pages++;
      items.push(...res.items);
      ask = afterPage(asked, res.items.length, items.length, options.wanted);
    } catch (error) {
      if (signal.aborted) {
        const why = `listing took longer than ${deadlineMs} ms (${items.length} records in ${pages} pages)`;
        throw new CrmError(cluster, "answered", Code.DeadlineExceeded, `cluster "${cluster}": ${why}`, {
          cause: error,
        });
      }
      if (!(error instanceof CrmError) || error.code !== Code.ResourceExhausted) throw error;
      const smaller = afterTooLarge(asked, hintedLimit(error));
      if (smaller === "too-large") throw error;
      ask = smaller;
    }
  }
  return items;
}

/**
 * The page size a CRM's RESOURCE_EXHAUSTED names in its oaas.crm.v1.PageTooLarge detail
 * (the ConnectError the CrmError was made from); undefined when it names none (a CRM
 * older than the detail, or a refusal for another reason).
 */
export function hintedLimit(error: CrmError): number | undefined {
  if (!(error.cause instanceof ConnectError)) return undefined;
  return error.cause.findDetails(PageTooLargeSchema)[0]?.maxLimit;
}
