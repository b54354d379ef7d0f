import { describe, expect, it } from "vitest";
import { account, status } from "./fixtures";
import { replyMentions, replyVisibility } from "./reply";
import { replyDepths } from "./statuses";
import { followState } from "./accounts";

describe("replies", () => {
  it("mention the author and the post's mentions once each, never oneself", () => {
    const s = status("1", {
      account: account("1", "ann"),
      mentions: [
        { id: "2", username: "me", acct: "me", url: "" },
        { id: "3", username: "cy", acct: "cy@far.example", url: "" },
        { id: "1", username: "ann", acct: "ann", url: "" },
      ],
    });
    expect(replyMentions(s, "me")).toBe("@ann @cy@far.example ");
    expect(replyMentions(status("2", { account: account("2", "me") }), "me")).toBe("");
  });

  it("are no more public than the post they answer", () => {
    expect(replyVisibility("private", "public")).toBe("private");
    expect(replyVisibility("direct", "unlisted")).toBe("direct");
    expect(replyVisibility("public", "unlisted")).toBe("unlisted");
    expect(replyVisibility("unlisted", "public")).toBe("unlisted");
  });

  it("indent by their depth under the focused post", () => {
    const d = replyDepths("1", [
      status("2", { in_reply_to_id: "1" }),
      status("3", { in_reply_to_id: "2" }),
      status("4", { in_reply_to_id: "3" }),
      status("5", { in_reply_to_id: "1" }),
      status("6", { in_reply_to_id: "99" }),
    ]);
    expect(Object.fromEntries(d)).toEqual({ "2": 1, "3": 2, "4": 3, "5": 1, "6": 1 });
  });
});

describe("the follow button", () => {
  const rel = { id: "2", following: false, followed_by: true, requested: false, blocking: false, muting: false };
  it("offers what the relationship allows", () => {
    expect(followState(rel, true)).toBe("self");
    expect(followState(undefined, false)).toBe("unknown");
    expect(followState(rel, false)).toBe("none");
    expect(followState({ ...rel, requested: true }, false)).toBe("requested");
    expect(followState({ ...rel, following: true }, false)).toBe("following");
  });
});
