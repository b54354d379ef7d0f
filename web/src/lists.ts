// Lists: the signed-in user's lists (made, renamed, deleted, their settings changed)
// and their members (added from those the user follows, removed), added to the one API. A list's timeline is
// one of the timelines (api.ts, kind "list:id").
import type { MessageKey } from "./i18n";
import { api, cachedTimelines, listKind } from "./api";
import type { Account, List } from "./entities";

/** Whose replies a list's timeline shows, as Mastodon's web app names the choices. */
export const repliesPolicies: { value: List["replies_policy"]; label: MessageKey }[] = [
  { value: "followed", label: "lists.replies.followed" },
  { value: "list", label: "lists.replies.list" },
  { value: "none", label: "lists.replies.none" },
];

export interface ListSettings {
  replies_policy: List["replies_policy"];
  /** The members' posts show in this list only, not in home. */
  exclusive: boolean;
}

/** PUT /api/v1/lists/:id with the settings (the title is kept: the server changes only what is sent). */
export const listSettingsRequest = (id: string, s: ListSettings) => ({
  url: `api/v1/lists/${encodeURIComponent(id)}`,
  method: "PUT",
  body: { replies_policy: s.replies_policy, exclusive: s.exclusive },
});

export const listsApi = api.injectEndpoints({
  endpoints: (build) => ({
    lists: build.query<List[], void>({ query: () => "api/v1/lists", providesTags: ["Lists"] }),
    list: build.query<List, string>({
      query: (id) => `api/v1/lists/${encodeURIComponent(id)}`,
      providesTags: ["Lists"],
    }),
    createList: build.mutation<List, string>({
      query: (title) => ({ url: "api/v1/lists", method: "POST", body: { title } }),
      invalidatesTags: ["Lists"],
    }),
    renameList: build.mutation<List, { id: string; title: string }>({
      query: ({ id, title }) => ({ url: `api/v1/lists/${encodeURIComponent(id)}`, method: "PUT", body: { title } }),
      invalidatesTags: ["Lists"],
    }),
    // The list's timeline and home answer to other rules now: those read are read again.
    changeListSettings: build.mutation<List, { id: string; settings: ListSettings }>({
      query: ({ id, settings }) => listSettingsRequest(id, settings),
      invalidatesTags: ["Lists"],
      async onQueryStarted({ id }, { dispatch, getState, queryFulfilled }) {
        await queryFulfilled;
        const cached = cachedTimelines(getState() as Parameters<typeof cachedTimelines>[0]);
        for (const kind of [listKind(id), "home" as const]) {
          if (cached.includes(kind)) void dispatch(api.endpoints.timeline.initiate(kind, { subscribe: false, forceRefetch: true }));
        }
      },
    }),
    deleteList: build.mutation<unknown, string>({
      query: (id) => ({ url: `api/v1/lists/${encodeURIComponent(id)}`, method: "DELETE" }),
      invalidatesTags: ["Lists"],
    }),
    // limit=0: all the members at once, as Mastodon's web app reads them.
    listMembers: build.query<Account[], string>({
      query: (id) => ({ url: `api/v1/lists/${encodeURIComponent(id)}/accounts`, params: { limit: 0 } }),
      providesTags: (_r, _e, id) => [{ type: "ListMembers", id }],
    }),
    // A new member's recent posts join the list's timeline on the server: it is read again.
    changeMember: build.mutation<unknown, { id: string; accountId: string; add: boolean }>({
      query: ({ id, accountId, add }) => ({
        url: `api/v1/lists/${encodeURIComponent(id)}/accounts`,
        method: add ? "POST" : "DELETE",
        params: { "account_ids[]": accountId },
      }),
      invalidatesTags: (_r, _e, { id }) => [{ type: "ListMembers", id }],
      async onQueryStarted({ id }, { dispatch, queryFulfilled }) {
        await queryFulfilled;
        void dispatch(api.endpoints.timeline.initiate(listKind(id), { subscribe: false, forceRefetch: true }));
      },
    }),
    // Only followed accounts can be members (Mastodon's rule).
    followedAccounts: build.query<Account[], string>({
      query: (q) => ({ url: "api/v1/accounts/search", params: { q, following: true, limit: 10 } }),
    }),
  }),
});

export const {
  useListsQuery,
  useListQuery,
  useCreateListMutation,
  useRenameListMutation,
  useChangeListSettingsMutation,
  useDeleteListMutation,
  useListMembersQuery,
  useChangeMemberMutation,
  useFollowedAccountsQuery,
} = listsApi;

export const listPath = (id: string) => `/web/lists/${encodeURIComponent(id)}`;
