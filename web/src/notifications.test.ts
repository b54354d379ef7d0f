import { describe, expect, it } from "vitest";
import type { Notification } from "./entities";
import { notification, status } from "./fixtures";
import { describeWarning, newerId, notificationsApi, unreadCount } from "./notifications";
import { statusesApi } from "./statuses";
import { statusChanged } from "./statusCache";
import { makeStore } from "./store";
import { receive } from "./streaming";
import { api } from "./api";

describe("unread notifications", () => {
  it("compare ids as numbers", () => {
    expect(newerId("100", "99")).toBe(true);
    expect(newerId("99", "100")).toBe(false);
    expect(newerId("110", "109")).toBe(true);
    expect(newerId("5", "5")).toBe(false);
  });

  it("are those newer than the marker, or all without one", () => {
    const list = ["103", "102", "99"].map((id) => notification(id, "mention"));
    expect(unreadCount(list, "100")).toBe(2);
    expect(unreadCount(list, "103")).toBe(0);
    expect(unreadCount(list, undefined)).toBe(3);
  });
});

async function storeWith(list: Notification[]) {
  const store = makeStore("token");
  await store.dispatch(
    notificationsApi.util.upsertQueryData("notifications", undefined, { pages: [list], pageParams: [""] }),
  );
  return store;
}

const ids = (store: Awaited<ReturnType<typeof storeWith>>) =>
  notificationsApi.endpoints.notifications.select(undefined)(store.getState()).data?.pages.flat().map((n) => n.id);

describe("the stream's notifications", () => {
  it("go to the top of the list once", async () => {
    const store = await storeWith([notification("10", "follow")]);
    const msg = { stream: ["user"], event: "notification", payload: JSON.stringify(notification("11", "favourite", status("5"))) };
    receive(msg, store.dispatch, store.getState);
    receive(msg, store.dispatch, store.getState);
    expect(ids(store)).toEqual(["11", "10"]);
    expect(store.getState().live.pending.home).toEqual([]);
  });
});

describe("an action on a status", () => {
  it("changes every cached copy: timelines, boosts, threads, notifications", async () => {
    const store = await storeWith([notification("10", "favourite", status("5"))]);
    await store.dispatch(api.util.upsertQueryData("timeline", "home", [status("5"), status("6", { reblog: status("5") })]));
    await store.dispatch(statusesApi.util.upsertQueryData("context", "4", { ancestors: [], descendants: [status("5")] }));
    store.dispatch(statusChanged(status("5", { favourited: true, favourites_count: 1, content: "not copied" })));
    const home = api.endpoints.timeline.select("home")(store.getState()).data;
    expect(home?.[0]?.favourited).toBe(true);
    expect(home?.[0]?.content).toBe("<p>post 5</p>");
    expect(home?.[1]?.reblog?.favourites_count).toBe(1);
    expect(home?.[1]?.favourited).toBeUndefined();
    const ctx = statusesApi.endpoints.context.select("4")(store.getState()).data;
    expect(ctx?.descendants[0]?.favourited).toBe(true);
    const n = notificationsApi.endpoints.notifications.select(undefined)(store.getState()).data;
    expect(n?.pages[0]?.[0]?.status?.favourited).toBe(true);
  });
});

describe("moderation warnings", () => {
  const warning = {
    id: "7",
    action: "silence" as const,
    text: "Please stop.",
    status_ids: null,
    appeal: null,
    created_at: "2026-12-07T10:00:00Z",
  };

  it("tells what was done, then the moderators' text", () => {
    expect(describeWarning(warning)).toEqual(["Your account has been limited.", "Please stop."]);
  });

  it("tells a bare warning without text, and the state of its appeal", () => {
    expect(describeWarning({ ...warning, action: "none", text: "", appeal: { text: "sorry", state: "approved" } })).toEqual([
      "You have received a moderation warning.",
      "Your appeal was approved: the action is lifted.",
    ]);
  });
});
