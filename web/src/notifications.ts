// Notifications: the list (page by page), the read marker that says which are new,
// and answers to follow requests, added to the one API. The streaming connection
// puts new notifications at the top of the cached first page (notificationArrived).
import { translate, type MessageKey } from "./i18n";
import { api } from "./api";
import type { AccountWarning, Markers, Notification, Relationship } from "./entities";
import type { AppThunk } from "./store";

export const notificationsApi = api.injectEndpoints({
  endpoints: (build) => ({
    notifications: build.infiniteQuery<Notification[], void, string>({
      infiniteQueryOptions: {
        initialPageParam: "",
        getNextPageParam: (last) => last.at(-1)?.id,
      },
      query: ({ pageParam }) => ({
        url: "api/v1/notifications",
        params: pageParam ? { limit: 30, max_id: pageParam } : { limit: 30 },
      }),
    }),
    markers: build.query<Markers, void>({
      query: () => ({ url: "api/v1/markers", params: { "timeline[]": "notifications" } }),
    }),
    // The marker moves at once on screen; the server's answer then replaces it.
    markRead: build.mutation<Markers, string>({
      query: (lastReadId) => ({
        url: "api/v1/markers",
        method: "POST",
        body: { notifications: { last_read_id: lastReadId } },
      }),
      async onQueryStarted(lastReadId, { dispatch, queryFulfilled }) {
        const patch = dispatch(
          notificationsApi.util.updateQueryData("markers", undefined, (m) => {
            m.notifications = { last_read_id: lastReadId, version: m.notifications?.version ?? 0, updated_at: new Date().toISOString() };
          }),
        );
        try {
          const { data } = await queryFulfilled;
          dispatch(notificationsApi.util.upsertQueryData("markers", undefined, data));
        } catch {
          patch.undo();
        }
      },
    }),
    answerFollowRequest: build.mutation<Relationship, { accountId: string; accept: boolean }>({
      query: ({ accountId, accept }) => ({
        url: `api/v1/follow_requests/${encodeURIComponent(accountId)}/${accept ? "authorize" : "reject"}`,
        method: "POST",
      }),
      invalidatesTags: (_r, _e, { accountId }) => [{ type: "Relationship", id: accountId }],
    }),
  }),
});

export const { useNotificationsInfiniteQuery, useMarkersQuery, useMarkReadMutation, useAnswerFollowRequestMutation } =
  notificationsApi;

/** Whether id a is newer than b: ids are decimal snowflakes, so longer is newer. */
export function newerId(a: string, b: string): boolean {
  return a.length !== b.length ? a.length > b.length : a > b;
}

/** How many of the notifications are newer than the last read one (all, without a marker). */
export function unreadCount(list: Notification[], lastReadId: string | undefined): number {
  return lastReadId === undefined ? list.length : list.filter((n) => newerId(n.id, lastReadId)).length;
}

/** Puts a notification from the stream at the top of the list, once. */
export function notificationArrived(n: Notification): AppThunk {
  return (dispatch) => {
    dispatch(
      notificationsApi.util.updateQueryData("notifications", undefined, (data) => {
        const first = data.pages[0];
        if (!first) return;
        if (data.pages.some((page) => page.some((x) => x.id === n.id))) return;
        first.unshift(n);
      }),
    );
  };
}

/** What a moderation warning did, as Mastodon's web app words it. */
const warned: Record<AccountWarning["action"], MessageKey> = {
  none: "warning.none",
  disable: "warning.disable",
  mark_statuses_as_sensitive: "warning.markSensitive",
  delete_statuses: "warning.deleteStatuses",
  sensitive: "warning.sensitive",
  silence: "warning.silence",
  suspend: "warning.suspend",
};

const appealed: Record<NonNullable<AccountWarning["appeal"]>["state"], MessageKey> = {
  pending: "warning.appealPending",
  approved: "warning.appealApproved",
  rejected: "warning.appealRejected",
};

/** The lines a moderation warning is told in: what was done, the moderators' text, and
 * the state of its appeal. The notification names the warned account itself, so the
 * warning is not told as coming from it. */
export function describeWarning(w: AccountWarning): string[] {
  const lines = [translate(warned[w.action] ?? warned.none)];
  if (w.text) lines.push(w.text);
  if (w.appeal) lines.push(translate(appealed[w.appeal.state]));
  return lines;
}
