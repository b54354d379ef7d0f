import { describe, expect, it } from "vitest";
import { api } from "./api";
import { conversationsApi } from "./conversations";
import { notification, status } from "./fixtures";
import { notificationsApi } from "./notifications";
import { patchStatuses, removeStatus } from "./statusCache";
import { statusesApi } from "./statuses";
import { makeStore } from "./store";
import { receive } from "./streaming";

describe("edits and deletions", () => {
  it("take a deleted post, its boosts and the notifications about it out of every list", () => {
    const boost = status("20", { reblog: status("5") });
    const value = {
      pages: [[status("4"), status("5"), boost], [notification("30", "favourite", status("5")), notification("31", "follow")]],
      ancestors: [status("5"), status("6")],
      descendants: [status("7")],
    };
    removeStatus(value, "5");
    expect(value.pages[0]?.map((s) => s.id)).toEqual(["4"]);
    expect(value.pages[1]?.map((n) => n.id)).toEqual(["31"]);
    expect(value.ancestors.map((s) => s.id)).toEqual(["6"]);
    expect(value.descendants.map((s) => s.id)).toEqual(["7"]);
  });

  it("give every copy the edited text, warning and media, but keep the viewer's own state", () => {
    const copy = status("5", { favourited: true, content: "<p>old</p>" });
    const boost = status("20", { reblog: status("5", { content: "<p>old</p>" }) });
    const value = [copy, boost];
    const edited = status("5", { content: "<p>new</p>", spoiler_text: "cw", edited_at: "2026-12-07T00:00:00.000Z", favourited: false });
    patchStatuses(value, edited, ["content", "spoiler_text", "edited_at"]);
    expect([copy.content, copy.spoiler_text, copy.edited_at, copy.favourited]).toEqual(["<p>new</p>", "cw", "2026-12-07T00:00:00.000Z", true]);
    expect(boost.reblog?.content).toBe("<p>new</p>");
  });

  it("apply status.update and delete from the stream to timelines, threads, notifications and conversations", async () => {
    const store = makeStore("token");
    await store.dispatch(api.util.upsertQueryData("timeline", "home", [status("5"), status("4")]));
    await store.dispatch(statusesApi.util.upsertQueryData("status", "5", status("5")));
    await store.dispatch(statusesApi.util.upsertQueryData("context", "3", { ancestors: [status("5")], descendants: [status("6")] }));
    await store.dispatch(
      notificationsApi.util.upsertQueryData("notifications", undefined, { pages: [[notification("9", "mention", status("5"))]], pageParams: [""] }),
    );
    await store.dispatch(
      conversationsApi.util.upsertQueryData("conversations", undefined, [{ id: "1", unread: false, accounts: [], last_status: status("5") }]),
    );
    const edited = status("5", { content: "<p>edited</p>", edited_at: "2026-12-07T00:00:00.000Z" });
    receive({ stream: ["user"], event: "status.update", payload: JSON.stringify(edited) }, store.dispatch, store.getState);
    const s = store.getState();
    expect(api.endpoints.timeline.select("home")(s).data?.[0]?.content).toBe("<p>edited</p>");
    expect(statusesApi.endpoints.status.select("5")(s).data?.edited_at).toBe("2026-12-07T00:00:00.000Z");
    expect(statusesApi.endpoints.context.select("3")(s).data?.ancestors[0]?.content).toBe("<p>edited</p>");
    expect(notificationsApi.endpoints.notifications.select()(s).data?.pages[0]?.[0]?.status?.content).toBe("<p>edited</p>");
    expect(conversationsApi.endpoints.conversations.select()(s).data?.[0]?.last_status?.content).toBe("<p>edited</p>");
    // An edit is no new post.
    expect(s.live.pending.home).toEqual([]);

    receive({ stream: ["user"], event: "delete", payload: "5" }, store.dispatch, store.getState);
    const t = store.getState();
    expect(api.endpoints.timeline.select("home")(t).data?.map((x) => x.id)).toEqual(["4"]);
    expect(statusesApi.endpoints.context.select("3")(t).data?.ancestors).toEqual([]);
    expect(notificationsApi.endpoints.notifications.select()(t).data?.pages[0]).toEqual([]);
    expect(t.live.gone).toEqual(["5"]);
  });
});
