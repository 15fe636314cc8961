// Paging of every PM list route, decided once: the page a request asks for (`limit`
// defaults to @oaas/models defaultPageSize, at most maxPageSize; `offset` from 0: the
// query names of the reference implementation's list filters), and how an answer says
// where the next page is. The body stays the bare JSON array the reference clients read;
// the next page is a `Link: <url>; rel="next"` header (RFC 8288, as GitHub's REST API
// pages), sent only when more items follow. Pure: the PM sets the header
// (services/pm/src/api/paging.ts), oaasctl follows it (services/cli/src/pm-client.ts).
import { defaultPageSize } from "@oaas/models";

/** The response header naming the next page. */
export const nextPageHeader = "link";

/** One page of a list: `limit` items from `offset`. */
export interface PageAsk {
  readonly limit: number;
  readonly offset: number;
}

/** The page a list request asks for: its `limit` (default defaultPageSize) and `offset` (default 0). */
export function pageAsk(query: { readonly limit?: number; readonly offset?: number }): PageAsk {
  return { limit: query.limit ?? defaultPageSize, offset: query.offset ?? 0 };
}

/**
 * Cuts one page out of `fetched`, the items from the page's offset on of which at least
 * `limit + 1` were fetched when that many exist (the one past the page tells whether
 * another follows). `next` is the page after it, or undefined when this one is the last.
 */
export function cutPage<T>(
  ask: PageAsk,
  fetched: readonly T[],
): { readonly items: T[]; readonly next: PageAsk | undefined } {
  const items = fetched.slice(0, ask.limit);
  const more = fetched.length > ask.limit && ask.limit > 0;
  return { items, next: more ? { limit: ask.limit, offset: ask.offset + ask.limit } : undefined };
}

/**
 * The Link header value for `next`: the request's own path and query (`requestUrl`, e.g.
 * `/api/v1/packages?tags=a&limit=10`) with `limit` and `offset` set to the next page's, so
 * every filter carries over.
 */
export function nextPageLink(requestUrl: string, next: PageAsk): string {
  const url = new URL(requestUrl, "http://pm.invalid");
  url.searchParams.set("limit", String(next.limit));
  url.searchParams.set("offset", String(next.offset));
  return `<${url.pathname}${url.search}>; rel="next"`;
}

/**
 * The next page's path and query (`/api/v1/packages?limit=10&offset=10`) from a Link
 * header value, or undefined when it has no `rel="next"` link.
 */
export function nextPagePath(header: string | null | undefined): string | undefined {
  for (const link of (header ?? "").split(",")) {
    const match = /^\s*<([^>]*)>(.*)$/.exec(link);
    if (match && /;\s*rel="?next"?(\s*;|\s*$)/i.test(match[2] ?? "")) return match[1];
  }
  return undefined;
}
