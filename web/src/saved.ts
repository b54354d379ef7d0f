// The posts the signed-in user bookmarked or favourited, newest saved first, added to
// the one API. Their pages are ordered by when each was saved, not by the posts' ids,
// so the next page is the one the Link header names (rel="next"), as Mastodon documents.
import { api } from "./api";
import type { Status } from "./entities";

export type SavedKind = "bookmarks" | "favourites";

/** A page of statuses and the request of the next one (null: none). */
export interface LinkedPage {
  statuses: Status[];
  next: string | null;
}

export const savedApi = api.injectEndpoints({
  endpoints: (build) => ({
    saved: build.infiniteQuery<LinkedPage, SavedKind, string>({
      infiniteQueryOptions: {
        initialPageParam: "",
        getNextPageParam: (last) => last.next ?? undefined,
      },
      query: ({ queryArg, pageParam }) => pageParam || { url: `api/v1/${queryArg}`, params: { limit: 20 } },
      transformResponse: (statuses: Status[], meta) => ({
        statuses,
        next: statuses.length > 0 ? nextLink(meta?.response?.headers.get("Link")) : null,
      }),
    }),
  }),
});

export const { useSavedInfiniteQuery } = savedApi;

/**
 * The rel="next" address of a Link header, as a path of this origin without its
 * leading slash (the API's base is "/"); null when there is none.
 */
export function nextLink(header: string | null | undefined): string | null {
  for (const part of header?.split(",") ?? []) {
    const m = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (!m?.[1] || !/;\s*rel="?next"?/.test(m[2] ?? "")) continue;
    const u = new URL(m[1], "http://origin.invalid");
    return u.pathname.replace(/^\//, "") + u.search;
  }
  return null;
}
