import { describe, expect, it } from "vitest";
import { api, listKind, tagKind, timelineOfPath, timelineRequest } from "./api";
import { status } from "./fixtures";
import { makeStore, showPending } from "./store";
import { kindOf, receive, subscriptionOf } from "./streaming";

describe("hashtag and list timelines", () => {
  it("are read from their own endpoints, older pages by max_id", () => {
    expect(timelineRequest(tagKind("News"), "9")).toEqual({ url: "api/v1/timelines/tag/news", params: { limit: 40, max_id: "9" } });
    expect(timelineRequest(listKind("7"))).toEqual({ url: "api/v1/timelines/list/7", params: { limit: 40 } });
    expect(timelineRequest("local")).toEqual({ url: "api/v1/timelines/public", params: { limit: 40, local: true } });
  });

  it("are known from the address, and subscribed to by their stream", () => {
    expect(timelineOfPath("/web/tags/Caf%C3%A9")).toBe("tag:café");
    expect(timelineOfPath("/web/lists/7")).toBe("list:7");
    expect(timelineOfPath("/web/lists")).toBe(null);
    expect(timelineOfPath("/web/local")).toBe("local");
    expect(timelineOfPath("/web/search")).toBe(null);
    expect(subscriptionOf("tag:news")).toEqual({ stream: "hashtag", tag: "news" });
    expect(subscriptionOf("list:7")).toEqual({ stream: "list", list: "7" });
    expect(subscriptionOf("federated")).toEqual({ stream: "public" });
    expect(subscriptionOf("home")).toBe(null);
    expect(kindOf(["hashtag", "News"])).toBe("tag:news");
    expect(kindOf(["list", "7"])).toBe("list:7");
    expect(kindOf(["user"])).toBe("home");
  });

  it("keep their stream's posts behind the button, and lose deleted ones", async () => {
    const store = makeStore("token");
    await store.dispatch(api.util.upsertQueryData("timeline", "tag:news", [status("10"), status("9")]));
    await store.dispatch(api.util.upsertQueryData("timeline", "list:7", [status("9")]));
    const send = (stream: string[], event: string, payload: string) => receive({ stream, event, payload }, store.dispatch, store.getState);
    send(["hashtag", "News"], "update", JSON.stringify(status("11")));
    send(["hashtag", "News"], "update", JSON.stringify(status("10")));
    send(["list", "7"], "update", JSON.stringify(status("12")));
    expect(store.getState().live.pending["tag:news"]?.map((s) => s.id)).toEqual(["11"]);
    expect(store.getState().live.pending["list:7"]?.map((s) => s.id)).toEqual(["12"]);
    store.dispatch(showPending("tag:news"));
    send(["user"], "delete", "9");
    const ids = (kind: "tag:news" | "list:7") => api.endpoints.timeline.select(kind)(store.getState()).data?.map((s) => s.id);
    expect(ids("tag:news")).toEqual(["11", "10"]);
    expect(ids("list:7")).toEqual([]);
  });
});
