// Every PM list route answers one bounded page (@oaas/pm-api paging.ts owns the rule):
// the handler fetches one item past the page, and this cuts the page and, when more
// follow, names the next one in the Link header. The body stays a bare array.
import { cutPage, nextPageHeader, nextPageLink, pageAsk, type PageAsk } from "@oaas/pm-api";
import type { FastifyReply, FastifyRequest } from "fastify";

/** The page a request asks for, and the `limit`/`offset` to fetch it with (one item more). */
export function pageOf(query: { readonly limit?: number; readonly offset?: number }): {
  readonly ask: PageAsk;
  readonly fetch: { readonly limit: number; readonly offset: number };
} {
  const ask = pageAsk(query);
  return { ask, fetch: { limit: ask.limit + 1, offset: ask.offset } };
}

/**
 * The page out of `fetched` (what the fetch of pageOf returned), with the Link header
 * (rel="next") set on `reply` when another page follows.
 */
export function sendPage<T>(
  request: FastifyRequest,
  reply: FastifyReply,
  ask: PageAsk,
  fetched: readonly T[],
): T[] {
  const { items, next } = cutPage(ask, fetched);
  if (next !== undefined) void reply.header(nextPageHeader, nextPageLink(request.url, next));
  return items;
}
