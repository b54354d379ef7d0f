// Entities for the unit tests, as the API would send them, with what a test sets.
import type { Account, Notification, NotificationType, Status } from "./entities";

export function account(id: string, acct = `user${id}`): Account {
  return {
    id,
    username: acct.split("@")[0] ?? acct,
    acct,
    display_name: "",
    url: `https://example.com/@${acct}`,
    avatar: "",
    avatar_static: "",
    note: "",
    locked: false,
    bot: false,
    emojis: [],
    header: "",
    header_static: "",
    followers_count: 0,
    following_count: 0,
    statuses_count: 0,
    fields: [],
  };
}

export function status(id: string, over: Partial<Status> = {}): Status {
  return {
    id,
    uri: `https://example.com/users/a/statuses/${id}`,
    url: null,
    created_at: "2026-12-06T00:00:00.000Z",
    account: account("1", "a"),
    content: `<p>post ${id}</p>`,
    visibility: "public",
    sensitive: false,
    spoiler_text: "",
    media_attachments: [],
    reblog: null,
    replies_count: 0,
    reblogs_count: 0,
    favourites_count: 0,
    in_reply_to_id: null,
    mentions: [],
    ...over,
  };
}

export function notification(id: string, type: NotificationType, s?: Status): Notification {
  return { id, type, created_at: "2026-12-06T00:00:00.000Z", account: account("2", "b"), status: s ?? null };
}
