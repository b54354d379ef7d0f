// Profiles: an account, its statuses page by page, and the signed-in user's
// relationship to it, with follow and unfollow, added to the one API.
import { api } from "./api";
import type { Account, Relationship, Status } from "./entities";

export const accountsApi = api.injectEndpoints({
  endpoints: (build) => ({
    account: build.query<Account, string>({ query: (id) => `api/v1/accounts/${encodeURIComponent(id)}` }),
    relationship: build.query<Relationship | null, string>({
      query: (id) => ({ url: "api/v1/accounts/relationships", params: { "id[]": id } }),
      transformResponse: (list: Relationship[]) => list[0] ?? null,
      providesTags: (_r, _e, id) => [{ type: "Relationship", id }],
    }),
    follow: build.mutation<Relationship, { id: string; follow: boolean }>({
      query: ({ id, follow }) => ({
        url: `api/v1/accounts/${encodeURIComponent(id)}/${follow ? "follow" : "unfollow"}`,
        method: "POST",
      }),
      async onQueryStarted({ id }, { dispatch, queryFulfilled }) {
        const { data } = await queryFulfilled;
        dispatch(accountsApi.util.upsertQueryData("relationship", id, data));
      },
    }),
    // Pages go back from the newest by max_id; an empty page is the end.
    accountStatuses: build.infiniteQuery<Status[], string, string>({
      infiniteQueryOptions: {
        initialPageParam: "",
        getNextPageParam: (last) => last.at(-1)?.id,
      },
      query: ({ queryArg, pageParam }) => ({
        url: `api/v1/accounts/${encodeURIComponent(queryArg)}/statuses`,
        params: pageParam ? { limit: 20, max_id: pageParam } : { limit: 20 },
      }),
    }),
  }),
});

export const { useAccountQuery, useRelationshipQuery, useFollowMutation, useAccountStatusesInfiniteQuery } = accountsApi;

export type FollowState = "self" | "unknown" | "following" | "requested" | "none";

/** What the follow button offers, from the relationship (null: not read yet). */
export function followState(rel: Relationship | null | undefined, isSelf: boolean): FollowState {
  if (isSelf) return "self";
  if (!rel) return "unknown";
  if (rel.following) return "following";
  if (rel.requested) return "requested";
  return "none";
}
