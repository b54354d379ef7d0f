import { describe, expect, it } from "vitest";
import { conversationsApi, participants, unreadConversations, upsertConversation } from "./conversations";
import type { Conversation } from "./entities";
import { account, status } from "./fixtures";
import { makeStore } from "./store";
import { receive } from "./streaming";

const conv = (id: string, unread: boolean, lastId = id): Conversation => ({
  id,
  unread,
  accounts: [account("2", "b")],
  last_status: status(lastId, { visibility: "direct" }),
});

describe("direct messages", () => {
  it("put a conversation that changed at the top, once", () => {
    const list = [conv("1", false), conv("2", false)];
    expect(upsertConversation(list, conv("2", true, "9")).map((c) => [c.id, c.unread, c.last_status?.id])).toEqual([
      ["2", true, "9"],
      ["1", false, "1"],
    ]);
    expect(upsertConversation(list, conv("3", true)).map((c) => c.id)).toEqual(["3", "1", "2"]);
  });

  it("count the unread ones and name the participants", () => {
    expect(unreadConversations([conv("1", true), conv("2", false), conv("3", true)])).toBe(2);
    expect(unreadConversations(undefined)).toBe(0);
    const c = conv("1", false);
    c.accounts = [{ ...account("2", "b"), display_name: "Bee" }, account("3", "c@elsewhere.example")];
    expect(participants(c)).toBe("Bee, c");
    expect(participants({ ...c, accounts: [] })).toBe("Only you");
  });

  it("arrive live from the direct stream", async () => {
    const store = makeStore("token");
    await store.dispatch(conversationsApi.util.upsertQueryData("conversations", undefined, [conv("1", false), conv("2", false)]));
    receive({ stream: ["direct"], event: "conversation", payload: JSON.stringify(conv("1", true, "7")) }, store.dispatch, store.getState);
    const data = conversationsApi.endpoints.conversations.select()(store.getState()).data;
    expect(data?.map((c) => [c.id, c.unread, c.last_status?.id])).toEqual([
      ["1", true, "7"],
      ["2", false, "2"],
    ]);
    // A conversation's update is not a post of a timeline.
    expect(store.getState().live.pending.home).toEqual([]);
  });
});
