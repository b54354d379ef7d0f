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
} from "@reduxjs/toolkit/query/react";
import { signedOut } from "./authSlice";
import type { Account, CreateStatusParams, InstanceV2, Status } from "./entities";
import { deleted } from "./liveSlice";
import { forgetToken } from "./oauth";

export type TimelineKind = "home" | "local" | "federated";

/** The request of a timeline's page: the newest, or those older than maxId. */
export function timelineRequest(kind: TimelineKind, maxId?: string): FetchArgs {
  const params: Record<string, string | number | boolean> = { limit: pageSize };
  if (kind === "local") params["local"] = true;
  if (maxId) params["max_id"] = maxId;
  return { url: kind === "home" ? "api/v1/timelines/home" : "api/v1/timelines/public", params };
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
const baseQuery: BaseQueryFn<string | FetchArgs, unknown, FetchBaseQueryError> = async (args, ctx, extra) => {
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
  tagTypes: ["Me", "Context", "Relationship"],
  endpoints: (build) => ({
    instance: build.query<InstanceV2, void>({ query: () => "api/v2/instance" }),
    me: build.query<Account, void>({ query: () => "api/v1/accounts/verify_credentials", providesTags: ["Me"] }),
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
