// The Mastodon API as RTK Query endpoints. The token comes from the auth slice; every
// request is same-origin. Timelines are cached per kind; the streaming connection
// (streaming.ts) adds live posts to the live slice, and showPending moves them in.
// Threads, profiles and notifications add their endpoints to this one API in
// statuses.ts, accounts.ts and notifications.ts.
import {
  createApi,
  fetchBaseQuery,
  type BaseQueryFn,
  type FetchArgs,
  type FetchBaseQueryError,
  type FetchBaseQueryMeta,
} from "@reduxjs/toolkit/query/react";
import { signedOut } from "./authSlice";
import type { CreateStatusParams, CredentialAccount, InstanceV2, Status } from "./entities";
import { deleted } from "./liveSlice";
import { forgetToken } from "./oauth";

/** The timelines of the navigation. */
export type FixedKind = "home" | "local" | "federated";
export const fixedKinds: FixedKind[] = ["home", "local", "federated"];
/** Every timeline: a hashtag's is "tag:name" (lower case), a list's "list:id". */
export type TimelineKind = FixedKind | `tag:${string}` | `list:${string}`;

export const tagKind = (name: string): TimelineKind => `tag:${name.toLowerCase()}`;
export const listKind = (id: string): TimelineKind => `list:${id}`;

/** The request of a timeline's page: the newest, or those older than maxId. */
export function timelineRequest(kind: TimelineKind, maxId?: string): FetchArgs {
  const params: Record<string, string | number | boolean> = { limit: pageSize };
  if (maxId) params["max_id"] = maxId;
  if (kind.startsWith("tag:")) return { url: `api/v1/timelines/tag/${encodeURIComponent(kind.slice(4))}`, params };
  if (kind.startsWith("list:")) return { url: `api/v1/timelines/list/${encodeURIComponent(kind.slice(5))}`, params };
  if (kind === "local") params["local"] = true;
  return { url: kind === "home" ? "api/v1/timelines/home" : "api/v1/timelines/public", params };
}

/** The timeline a page of the app shows (/web/home, /web/tags/:name, /web/lists/:id), if any. */
export function timelineOfPath(path: string): TimelineKind | null {
  const [, web, page, arg] = path.split("/");
  if (web !== "web" || !page) return null;
  if (page === "tags" && arg) return tagKind(decodeURIComponent(arg));
  if (page === "lists" && arg) return listKind(decodeURIComponent(arg));
  return (fixedKinds as string[]).includes(page) ? (page as FixedKind) : null;
}

/** The timelines whose pages are in the cache. */
export function cachedTimelines(state: { api: ReturnType<typeof api.reducer> }): TimelineKind[] {
  return Object.values(state.api.queries).flatMap((q) =>
    q?.endpointName === "timeline" && q.data !== undefined ? [q.originalArgs as TimelineKind] : [],
  );
}

export const pageSize = 40;

interface WithToken {
  auth: { token: string | null };
}

const fetchQuery = fetchBaseQuery({
  baseUrl: "/",
  prepareHeaders: (headers, { getState }) => {
    const token = (getState() as WithToken).auth.token;
    if (token) headers.set("Authorization", `Bearer ${token}`);
    headers.set("Accept", "application/json");
    return headers;
  },
});

/** A token the server no longer takes (revoked elsewhere, expired) signs the browser out. */
// The response's headers reach transformResponse in its meta (saved.ts reads Link).
const baseQuery: BaseQueryFn<string | FetchArgs, unknown, FetchBaseQueryError, object, FetchBaseQueryMeta> = async (args, ctx, extra) => {
  const result = await fetchQuery(args, ctx, extra);
  if (result.error?.status === 401 && (ctx.getState() as WithToken).auth.token) {
    forgetToken();
    ctx.dispatch(signedOut());
  }
  return result;
};

export const api = createApi({
  reducerPath: "api",
  baseQuery,
  tagTypes: ["Me", "Context", "Relationship", "Lists", "ListMembers", "Conversations", "Filters", "Mutes", "Blocks", "History", "Reports", "AdminAccounts", "DomainBlocks", "Rules", "ContentRules", "Webhooks", "Relays", "DomainAllows", "Announcements", "CustomEmoji", "Migration", "Scheduled"],
  endpoints: (build) => ({
    instance: build.query<InstanceV2, void>({ query: () => "api/v2/instance" }),
    me: build.query<CredentialAccount, void>({ query: () => "api/v1/accounts/verify_credentials", providesTags: ["Me"] }),
    timeline: build.query<Status[], TimelineKind>({
      query: (kind) => timelineRequest(kind),
    }),
    // Older pages are fetched here and appended to the timeline's cache (loadOlder).
    olderPage: build.query<Status[], { kind: TimelineKind; maxId: string }>({
      query: ({ kind, maxId }) => timelineRequest(kind, maxId),
      keepUnusedDataFor: 0,
    }),
    postStatus: build.mutation<Status, CreateStatusParams & { idempotencyKey: string }>({
      query: ({ idempotencyKey, ...body }) => ({
        url: "api/v1/statuses",
        method: "POST",
        body,
        headers: { "Idempotency-Key": idempotencyKey },
      }),
      // A reply is read again with the thread it joins.
      invalidatesTags: (_result, _error, arg) => (arg.in_reply_to_id ? ["Context"] : []),
      // A post of one's own shows at once at the top of home, as Mastodon's web app
      // shows it; the stream's copy of it is then known and dropped.
      async onQueryStarted(_arg, { dispatch, queryFulfilled }) {
        const { data } = await queryFulfilled;
        dispatch(api.util.updateQueryData("timeline", "home", (list) => prepend(list, [data])));
        dispatch(deleted(data.id)); // its stream copy may have come before the answer
      },
    }),
  }),
});

/** Puts statuses at the top of a timeline, skipping those it already shows. */
export function prepend(list: Status[], fresh: Status[]): Status[] {
  const seen = new Set(list.map((s) => s.id));
  const add = fresh.filter((s) => !seen.has(s.id));
  list.unshift(...add);
  return list;
}

export const { useInstanceQuery, useMeQuery, useTimelineQuery, usePostStatusMutation } = api;
