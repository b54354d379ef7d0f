// Search (/api/v2/search): accounts, statuses and hashtags for one query, added to the
// one API. A handle or a URL is resolved (fetched from its server when not known here),
// as every page that searches is a signed-in one.
import { api } from "./api";
import type { SearchResults } from "./entities";

export const searchApi = api.injectEndpoints({
  endpoints: (build) => ({
    search: build.query<SearchResults, string>({
      query: (q) => ({ url: "api/v2/search", params: { q, resolve: looksResolvable(q), limit: 20 } }),
    }),
  }),
});

export const { useSearchQuery } = searchApi;

/**
 * Whether a query names one account or post elsewhere (a handle, a URL), which the
 * server then fetches: a remote fetch for a plain word would only make it slower.
 */
export function looksResolvable(q: string): boolean {
  const t = q.trim();
  return /^@?[^\s@]+@[^\s@]+$/.test(t) || /^https?:\/\/\S+$/i.test(t);
}

/** The app's path of a hashtag's timeline. */
export const tagPath = (name: string) => `/web/tags/${encodeURIComponent(name)}`;
