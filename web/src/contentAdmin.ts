// Announcements (manage_announcements) and custom emoji (manage_custom_emojis), on
// Herd's admin API (/api/v1/admin/announcements and /api/v1/admin/custom_emojis:
// Mastodon keeps both in its web admin only). An announcement is written, given an
// optional event time (start, end, all day), published or withdrawn, and removed; a
// custom emoji is uploaded (PNG, GIF or WebP under 256 KB, as the server takes them),
// enabled or disabled, listed in the picker or not, put in a category, and removed.
import { translate } from "./i18n";
import { api } from "./api";
import { paged, pageOptions, type Page } from "./admin";

/** An announcement as moderators manage it (AdminAnnouncement on the server). */
export interface AdminAnnouncement {
  id: string;
  /** The text as written; content is the HTML people read. */
  text: string;
  content: string;
  starts_at: string | null;
  ends_at: string | null;
  all_day: boolean;
  published: boolean;
  scheduled_at: string | null;
  published_at: string | null;
  updated_at: string;
}

export type AnnouncementState = "published" | "scheduled" | "draft";

/** Whether people read it now, will from scheduled_at, or it is a draft (or withdrawn). */
export function announcementState(a: AdminAnnouncement): AnnouncementState {
  if (a.published) return "published";
  return a.scheduled_at ? "scheduled" : "draft";
}

export interface AnnouncementDraft {
  text: string;
  /** datetime-local values in the browser's time ("" for none). */
  startsAt: string;
  endsAt: string;
  allDay: boolean;
  /** For a new announcement: published at once, else kept as a draft. */
  publish: boolean;
  /**
   * The publication time (datetime-local, "" for none): a new announcement is published
   * from then on instead of now; a time in the past publishes it at once.
   */
  scheduledAt: string;
}

export const newAnnouncement = (): AnnouncementDraft => ({ text: "", startsAt: "", endsAt: "", allDay: false, publish: true, scheduledAt: "" });

const two = (n: number) => String(n).padStart(2, "0");

/** An instant as a datetime-local field shows it, in the browser's time ("" for null). */
export function localInput(iso: string | null): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}`;
}

/** A datetime-local value as an instant for the server ("" stays "": no time). */
export function instantOf(local: string): string {
  if (local.trim() === "") return "";
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? "" : d.toISOString();
}

export const announcementDraftOf = (a: AdminAnnouncement): AnnouncementDraft => ({
  text: a.text,
  startsAt: localInput(a.starts_at),
  endsAt: localInput(a.ends_at),
  allDay: a.all_day,
  publish: a.published,
  scheduledAt: localInput(a.scheduled_at),
});

/** Why the draft cannot be sent, or "" when it can: a text, and an end after the start. */
export function announcementProblem(d: AnnouncementDraft): string {
  if (d.text.trim() === "") return translate("announcements.textNeeded");
  const start = instantOf(d.startsAt);
  const end = instantOf(d.endsAt);
  const bad = (local: string) => local !== "" && instantOf(local) === "";
  if (bad(d.startsAt) || bad(d.endsAt) || bad(d.scheduledAt)) return translate("announcements.badTime");
  if (start !== "" && end !== "" && end <= start) return translate("announcements.endBeforeStart");
  return "";
}

/**
 * The form of an announcement: empty event times remove them; a publication time
 * schedules it (the server then publishes it from that time: "published" is not sent);
 * else a new one says whether it is published now.
 */
export function announcementBody(d: AnnouncementDraft, create: boolean): Record<string, string | boolean> {
  const body: Record<string, string | boolean> = {
    text: d.text.trim(),
    starts_at: instantOf(d.startsAt),
    ends_at: instantOf(d.endsAt),
    all_day: d.allDay,
  };
  const at = instantOf(d.scheduledAt);
  if (at !== "") body["scheduled_at"] = at;
  else if (create) body["published"] = d.publish;
  return body;
}

/** A custom emoji as moderators manage it; its id is the shortcode (@domain for a remote one). */
export interface AdminCustomEmoji {
  id: string;
  shortcode: string;
  domain: string | null;
  url: string;
  static_url: string;
  visible_in_picker: boolean;
  category: string | null;
  disabled: boolean;
  uri: string | null;
  updated_at: string;
}

/** The pictures the server takes for a custom emoji, and its size limit (less than 256 KB). */
export const emojiTypes = ["image/png", "image/gif", "image/webp"] as const;
export const maxEmojiBytes = 256 * 1024;

export interface EmojiDraft {
  shortcode: string;
  category: string;
  image: File | null;
}

export const newEmoji = (): EmojiDraft => ({ shortcode: "", category: "", image: null });

/** Why the emoji cannot be uploaded, or "" when it can (the server checks the picture itself). */
export function emojiProblem(d: EmojiDraft): string {
  const code = d.shortcode.trim();
  if (!/^[A-Za-z0-9_]{2,}$/.test(code)) return translate("emoji.shortcodeRule");
  if (!d.image) return translate("emoji.imageNeeded");
  if (!(emojiTypes as readonly string[]).includes(d.image.type)) return translate("emoji.imageType");
  if (d.image.size >= maxEmojiBytes) return translate("emoji.imageSize");
  return "";
}

/** The multipart form of an upload. */
export function emojiForm(d: EmojiDraft): FormData {
  const f = new FormData();
  f.append("shortcode", d.shortcode.trim());
  if (d.category.trim() !== "") f.append("category", d.category.trim());
  if (d.image) f.append("image", d.image);
  return f;
}

export type EmojiChange = Partial<{ category: string; visible_in_picker: boolean; disabled: boolean }>;

/** The emoji grouped by category (those without one first), each group in shortcode order as listed. */
export function byCategory(emoji: AdminCustomEmoji[]): [string, AdminCustomEmoji[]][] {
  const groups = new Map<string, AdminCustomEmoji[]>();
  for (const e of emoji) {
    const c = e.category ?? "";
    groups.set(c, [...(groups.get(c) ?? []), e]);
  }
  return [...groups.entries()].sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b)));
}

const path = (id: string) => encodeURIComponent(id);

/** Custom emoji a page: the most the server gives at once. */
export const emojiPage = 200;

export const contentAdminApi = api.injectEndpoints({
  endpoints: (build) => ({
    adminAnnouncements: build.query<AdminAnnouncement[], void>({
      query: () => "api/v1/admin/announcements",
      providesTags: ["Announcements"],
    }),
    saveAnnouncement: build.mutation<AdminAnnouncement, { id?: string; draft: AnnouncementDraft }>({
      query: ({ id, draft }) => ({
        url: id ? `api/v1/admin/announcements/${path(id)}` : "api/v1/admin/announcements",
        method: id ? "PUT" : "POST",
        body: announcementBody(draft, !id),
      }),
      invalidatesTags: ["Announcements"],
    }),
    announcementDo: build.mutation<AdminAnnouncement, { id: string; verb: "publish" | "unpublish" }>({
      query: ({ id, verb }) => ({ url: `api/v1/admin/announcements/${path(id)}/${verb}`, method: "POST" }),
      invalidatesTags: ["Announcements"],
    }),
    removeAnnouncement: build.mutation<unknown, string>({
      query: (id) => ({ url: `api/v1/admin/announcements/${path(id)}`, method: "DELETE" }),
      invalidatesTags: ["Announcements"],
    }),
    // The local emoji first, then the remote ones, 200 a page (the most a page holds);
    // the next page is the one the Link header names (by offset, keeping the search).
    adminEmoji: build.infiniteQuery<Page<AdminCustomEmoji>, string, string>({
      infiniteQueryOptions: pageOptions,
      query: ({ queryArg: shortcode, pageParam }) =>
        pageParam || { url: "api/v1/admin/custom_emojis", params: shortcode.trim() ? { limit: emojiPage, shortcode: shortcode.trim() } : { limit: emojiPage } },
      transformResponse: (items: AdminCustomEmoji[], meta) => paged(items, meta),
      providesTags: ["CustomEmoji"],
    }),
    uploadEmoji: build.mutation<AdminCustomEmoji, EmojiDraft>({
      query: (d) => ({ url: "api/v1/admin/custom_emojis", method: "POST", body: emojiForm(d) }),
      invalidatesTags: ["CustomEmoji"],
    }),
    changeEmoji: build.mutation<AdminCustomEmoji, { id: string; change: EmojiChange }>({
      query: ({ id, change }) => ({ url: `api/v1/admin/custom_emojis/${path(id)}`, method: "PATCH", body: change }),
      invalidatesTags: ["CustomEmoji"],
    }),
    removeEmoji: build.mutation<unknown, string>({
      query: (id) => ({ url: `api/v1/admin/custom_emojis/${path(id)}`, method: "DELETE" }),
      invalidatesTags: ["CustomEmoji"],
    }),
  }),
});

export const {
  useAdminAnnouncementsQuery,
  useSaveAnnouncementMutation,
  useAnnouncementDoMutation,
  useRemoveAnnouncementMutation,
  useAdminEmojiInfiniteQuery,
  useUploadEmojiMutation,
  useChangeEmojiMutation,
  useRemoveEmojiMutation,
} = contentAdminApi;
