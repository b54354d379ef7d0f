import { afterEach, describe, expect, it, vi } from "vitest";
import { fakeServer } from "./adminTesting";
import {
  announcementBody,
  announcementDraftOf,
  announcementProblem,
  announcementState,
  byCategory,
  contentAdminApi,
  emojiForm,
  emojiProblem,
  instantOf,
  localInput,
  maxEmojiBytes,
  newAnnouncement,
  newEmoji,
  type AdminAnnouncement,
  type AdminCustomEmoji,
} from "./contentAdmin";

const at = "2026-12-01T00:00:00.000Z";

const announcement = (over: Partial<AdminAnnouncement> = {}): AdminAnnouncement => ({
  id: "7",
  text: "Maintenance tonight",
  content: "<p>Maintenance tonight</p>",
  starts_at: null,
  ends_at: null,
  all_day: false,
  published: true,
  scheduled_at: null,
  published_at: at,
  updated_at: at,
  ...over,
});

const emoji = (shortcode: string, category: string | null, domain: string | null = null): AdminCustomEmoji => ({
  id: domain ? `${shortcode}@${domain}` : shortcode,
  shortcode,
  domain,
  url: `https://herd.test/${shortcode}.png`,
  static_url: `https://herd.test/${shortcode}.png`,
  visible_in_picker: true,
  category,
  disabled: false,
  uri: null,
  updated_at: at,
});

afterEach(() => vi.unstubAllGlobals());

describe("announcements", () => {
  it("are published, scheduled, or drafts", () => {
    expect(announcementState(announcement())).toBe("published");
    expect(announcementState(announcement({ published: false, scheduled_at: "2026-12-24T00:00:00.000Z" }))).toBe("scheduled");
    expect(announcementState(announcement({ published: false, published_at: null }))).toBe("draft");
  });

  it("turn the browser's local times into instants and back", () => {
    const local = "2026-12-24T18:30";
    const iso = instantOf(local);
    expect(new Date(iso).getTime()).toBe(new Date(2026, 11, 24, 18, 30).getTime());
    expect(localInput(iso)).toBe(local);
    expect(instantOf("")).toBe("");
    expect(instantOf("not a time")).toBe("");
    expect(localInput(null)).toBe("");
  });

  it("need a text and an end after the start", () => {
    expect(announcementProblem(newAnnouncement())).toBe("An announcement needs a text.");
    const d = { ...newAnnouncement(), text: "Party", startsAt: "2026-12-24T18:00", endsAt: "2026-12-24T17:00" };
    expect(announcementProblem(d)).toBe("The end must come after the start.");
    expect(announcementProblem({ ...d, endsAt: "2026-12-24T23:00" })).toBe("");
    expect(announcementProblem({ ...d, endsAt: "" })).toBe("");
  });

  it("send empty times to remove them, and say whether a new one is published", () => {
    const d = { ...newAnnouncement(), text: " Party ", startsAt: "2026-12-24T18:00", allDay: true, publish: false };
    expect(announcementBody(d, true)).toEqual({ text: "Party", starts_at: instantOf("2026-12-24T18:00"), ends_at: "", all_day: true, published: false });
    expect(announcementBody(d, false)).not.toHaveProperty("published");
  });

  it("are edited from what the server holds", () => {
    const a = announcement({ starts_at: instantOf("2026-12-24T18:00"), all_day: true });
    expect(announcementDraftOf(a)).toEqual({ text: "Maintenance tonight", startsAt: "2026-12-24T18:00", endsAt: "", allDay: true, publish: true, scheduledAt: "" });
    const later = announcement({ published: false, published_at: null, scheduled_at: instantOf("2026-12-31T09:15") });
    expect(announcementDraftOf(later).scheduledAt).toBe("2026-12-31T09:15");
  });

  it("are scheduled by a publication time, which the server then publishes them from", () => {
    const d = { ...newAnnouncement(), text: "New year", scheduledAt: "2026-12-31T23:59", publish: false };
    expect(announcementProblem(d)).toBe("");
    expect(announcementBody(d, true)).toEqual({ text: "New year", starts_at: "", ends_at: "", all_day: false, scheduled_at: instantOf("2026-12-31T23:59") });
    expect(announcementBody(d, false)).toEqual({ text: "New year", starts_at: "", ends_at: "", all_day: false, scheduled_at: instantOf("2026-12-31T23:59") });
    // Without one, an edit leaves the publication as it is.
    expect(announcementBody({ ...d, scheduledAt: "" }, false)).not.toHaveProperty("scheduled_at");
    expect(announcementProblem({ ...d, scheduledAt: "soon" })).toBe("A time is not valid.");
  });

  it("are created, edited, published, withdrawn and removed on their own paths", async () => {
    const { store, sent } = fakeServer(() => ({ body: announcement() }));
    const draft = { ...newAnnouncement(), text: "Hello" };
    await store.dispatch(contentAdminApi.endpoints.saveAnnouncement.initiate({ draft }));
    await store.dispatch(contentAdminApi.endpoints.saveAnnouncement.initiate({ id: "7", draft }));
    await store.dispatch(contentAdminApi.endpoints.announcementDo.initiate({ id: "7", verb: "unpublish" }));
    await store.dispatch(contentAdminApi.endpoints.announcementDo.initiate({ id: "7", verb: "publish" }));
    await store.dispatch(contentAdminApi.endpoints.removeAnnouncement.initiate("7"));
    expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual([
      "POST /api/v1/admin/announcements",
      "PUT /api/v1/admin/announcements/7",
      "POST /api/v1/admin/announcements/7/unpublish",
      "POST /api/v1/admin/announcements/7/publish",
      "DELETE /api/v1/admin/announcements/7",
    ]);
    expect(sent[0]?.body).toEqual({ text: "Hello", starts_at: "", ends_at: "", all_day: false, published: true });
  });
});

describe("custom emoji", () => {
  const png = (size: number) => new File([new Uint8Array(size)], "blob.png", { type: "image/png" });

  it("need a shortcode of two letters, digits or _, and a PNG, GIF or WebP under 256 KB", () => {
    expect(emojiProblem(newEmoji())).toBe("A shortcode has at least two letters, digits or underscores.");
    expect(emojiProblem({ ...newEmoji(), shortcode: "blob-cat", image: png(10) })).toBe("A shortcode has at least two letters, digits or underscores.");
    expect(emojiProblem({ ...newEmoji(), shortcode: "blob_cat" })).toBe("Choose a picture.");
    const jpeg = new File([new Uint8Array(10)], "x.jpg", { type: "image/jpeg" });
    expect(emojiProblem({ ...newEmoji(), shortcode: "blob_cat", image: jpeg })).toBe("The picture must be a PNG, GIF or WebP.");
    expect(emojiProblem({ ...newEmoji(), shortcode: "blob_cat", image: png(maxEmojiBytes) })).toBe("The picture must be less than 256 KB.");
    expect(emojiProblem({ ...newEmoji(), shortcode: "blob_cat", image: png(maxEmojiBytes - 1) })).toBe("");
  });

  it("are uploaded as a multipart form, the category only when given", () => {
    const image = png(10);
    const f = emojiForm({ shortcode: " blobcat ", category: "", image });
    expect(f.get("shortcode")).toBe("blobcat");
    expect(f.has("category")).toBe(false);
    expect((f.get("image") as File).size).toBe(10);
    expect(emojiForm({ shortcode: "blobcat", category: " Cats ", image }).get("category")).toBe("Cats");
  });

  it("are grouped by category, those without one first", () => {
    const groups = byCategory([emoji("zz", "Zed"), emoji("aa", null), emoji("cat", "Cats"), emoji("bb", "Cats")]);
    expect(groups.map(([c, l]) => `${c}:${l.map((e) => e.id).join(",")}`)).toEqual([":aa", "Cats:cat,bb", "Zed:zz"]);
  });

  it("are listed with the search, changed and removed by their id (a remote one's with its domain), the list read again after each", async () => {
    const { store, sent } = fakeServer(() => ({ body: [] }));
    await store.dispatch(contentAdminApi.endpoints.adminEmoji.initiate(" blob ", {}));
    await store.dispatch(contentAdminApi.endpoints.changeEmoji.initiate({ id: "blob@far.example", change: { disabled: true } }));
    await store.dispatch(contentAdminApi.endpoints.removeEmoji.initiate("blob"));
    expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual([
      "GET /api/v1/admin/custom_emojis?limit=200&shortcode=blob",
      "PATCH /api/v1/admin/custom_emojis/blob%40far.example",
      "GET /api/v1/admin/custom_emojis?limit=200&shortcode=blob",
      "DELETE /api/v1/admin/custom_emojis/blob",
      "GET /api/v1/admin/custom_emojis?limit=200&shortcode=blob",
    ]);
    expect(sent[1]?.body).toEqual({ disabled: true });
  });

  it("are read 200 a page, the next page from the Link header's address, which keeps the search", async () => {
    const next = "http://herd.test/api/v1/admin/custom_emojis?limit=200&offset=200&shortcode=blob";
    const { store, sent } = fakeServer((r) =>
      r.path.includes("offset=200")
        ? { body: [emoji("blob_last", null)] }
        : { body: Array.from({ length: 200 }, (_, i) => emoji(`blob_${i}`, null)), headers: { Link: `<${next}>; rel="next"` } },
    );
    const first = await store.dispatch(contentAdminApi.endpoints.adminEmoji.initiate("blob", {}));
    expect(first.data?.pages[0]?.next).toBe("api/v1/admin/custom_emojis?limit=200&offset=200&shortcode=blob");
    const both = await store.dispatch(contentAdminApi.endpoints.adminEmoji.initiate("blob", { direction: "forward" }));
    expect(both.data?.pages.flatMap((p) => p.items)).toHaveLength(201);
    expect(both.data?.pages[1]?.next).toBe(null);
    expect(sent.map((r) => r.path)).toEqual(["/api/v1/admin/custom_emojis?limit=200&shortcode=blob", "/api/v1/admin/custom_emojis?limit=200&offset=200&shortcode=blob"]);
  });
});
