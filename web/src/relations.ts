// Muting and blocking an account, and the lists of those muted and blocked, added
// to the one API. Each answer is the relationship as it now is; the lists are read
// again after a change.
import { translate, type MessageKey } from "./i18n";
import { accountsApi } from "./accounts";
import { api } from "./api";
import type { Account, MutedAccount, Relationship } from "./entities";
import { pollExpiries } from "./compose";
import { nextLink } from "./saved";

/** The mute lengths offered, in seconds (0: until unmuted), as Mastodon's web app offers them: a poll's, or none. */
export const muteDurations: { seconds: number; label?: MessageKey }[] = [
  { seconds: 0, label: "duration.indefinitely" },
  ...pollExpiries,
];

export type RelationAction = "mute" | "unmute" | "block" | "unblock";

export interface AccountsPage<A> {
  accounts: A[];
  next: string | null;
}

export const relationsApi = api.injectEndpoints({
  endpoints: (build) => ({
    relate: build.mutation<Relationship, { id: string; action: RelationAction; duration?: number; notifications?: boolean }>({
      query: ({ id, action, duration, notifications }) => ({
        url: `api/v1/accounts/${encodeURIComponent(id)}/${action}`,
        method: "POST",
        ...(action === "mute" ? { body: { duration: duration ?? 0, notifications: notifications ?? true } } : {}),
      }),
      invalidatesTags: (_r, _e, { action }) => [action.endsWith("mute") ? "Mutes" : "Blocks"],
      async onQueryStarted({ id }, { dispatch, queryFulfilled }) {
        const { data } = await queryFulfilled;
        dispatch(accountsApi.util.upsertQueryData("relationship", id, data));
      },
    }),
    mutes: build.infiniteQuery<AccountsPage<MutedAccount>, void, string>({
      infiniteQueryOptions: { initialPageParam: "", getNextPageParam: (last) => last.next ?? undefined },
      query: ({ pageParam }) => pageParam || { url: "api/v1/mutes", params: { limit: 40 } },
      transformResponse: (accounts: MutedAccount[], meta) => ({ accounts, next: accounts.length > 0 ? nextLink(meta?.response?.headers.get("Link")) : null }),
      providesTags: ["Mutes"],
    }),
    blocks: build.infiniteQuery<AccountsPage<Account>, void, string>({
      infiniteQueryOptions: { initialPageParam: "", getNextPageParam: (last) => last.next ?? undefined },
      query: ({ pageParam }) => pageParam || { url: "api/v1/blocks", params: { limit: 40 } },
      transformResponse: (accounts: Account[], meta) => ({ accounts, next: accounts.length > 0 ? nextLink(meta?.response?.headers.get("Link")) : null }),
      providesTags: ["Blocks"],
    }),
  }),
});

export const { useRelateMutation, useMutesInfiniteQuery, useBlocksInfiniteQuery } = relationsApi;

/** How much longer a mute lasts, in words, from when it ends. */
export function muteLeft(expiresAt: string, now = Date.now()): string {
  const minutes = Math.max(0, Math.round((Date.parse(expiresAt) - now) / 60_000));
  if (minutes < 60) return translate("relations.minutesLeft", { count: minutes });
  const hours = Math.round(minutes / 60);
  if (hours < 48) return translate("relations.hoursLeft", { count: hours });
  return translate("relations.daysLeft", { count: Math.round(hours / 24) });
}
