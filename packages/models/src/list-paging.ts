// How the PM pages through a CRM's ListClassRuntimes (limit/offset over a list the CRM
// sorts by record name, so pages are stable): ask a page, move on by what came back, and
// when the CRM answers RESOURCE_EXHAUSTED because the page would exceed the 4 MiB message
// limit of default gRPC clients, ask again from the same offset with fewer records. The
// CRM names how many fit as data (the oaas.crm.v1.PageTooLarge error detail, packages/proto
// paging.proto; services/crm deployments/list.ts); the PM takes that hint when the CRM
// sent it and halves the page otherwise (an older CRM), so a missing hint costs a few
// more calls, never a failure. Pure: services/pm/src/crm/list-pages.ts makes the calls
// within one deadline.

/** One ListClassRuntimes page to ask for. */
export interface PageAsk {
  readonly offset: number;
  /** At least 1. */
  readonly limit: number;
}

/**
 * Records per page the PM asks for first: the CRM's own default page size (deployments/
 * list.ts defaultPageSize), so small records take one call per hundred as before.
 */
export const firstPageLimit = 100;

/** The first page; `limit` caps it when the caller needs fewer records in all. */
export function firstPage(wanted?: number): PageAsk {
  return { offset: 0, limit: wanted === undefined ? firstPageLimit : clampLimit(wanted) };
}

/**
 * What follows a page that brought `received` records: done when it came back short
 * (the list has no more), or longer than asked (a CRM that ignores limit sent the whole
 * list), or when `wanted` records (the caller's offset + limit) are in; else the next
 * page, at the same size.
 */
export function afterPage(
  asked: PageAsk,
  received: number,
  collected: number,
  wanted?: number,
): PageAsk | "done" {
  if (received !== asked.limit) return "done";
  if (wanted !== undefined && collected >= wanted) return "done";
  return { offset: asked.offset + received, limit: asked.limit };
}

/**
 * The same page again with fewer records after the CRM said it is too large
 * (RESOURCE_EXHAUSTED): `hintedLimit`, the limit it named in its oaas.crm.v1.PageTooLarge
 * error detail, when that is smaller than the page; else half the page (a CRM older than
 * the detail names none). "too-large" when the page was a single record: that record
 * alone is over the limit, and no page size can bring it.
 */
export function afterTooLarge(asked: PageAsk, hintedLimit: number | undefined): PageAsk | "too-large" {
  if (asked.limit <= 1) return "too-large";
  const named = hintedLimit ?? NaN;
  const limit =
    Number.isInteger(named) && named >= 1 && named < asked.limit ? named : Math.floor(asked.limit / 2);
  return { offset: asked.offset, limit: clampLimit(limit) };
}

function clampLimit(limit: number): number {
  return Math.max(1, Math.min(firstPageLimit, Math.floor(limit)));
}
