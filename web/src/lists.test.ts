import { describe, expect, it } from "vitest";
import { listSettingsRequest, repliesPolicies } from "./lists";

describe("list settings", () => {
  it("are sent to PUT /api/v1/lists/:id as the replies policy and exclusive, the title left as it is", () => {
    expect(listSettingsRequest("7", { replies_policy: "none", exclusive: true })).toEqual({
      url: "api/v1/lists/7",
      method: "PUT",
      body: { replies_policy: "none", exclusive: true },
    });
    const body = listSettingsRequest("a/b", { replies_policy: "list", exclusive: false });
    expect(body.url).toBe("api/v1/lists/a%2Fb");
    expect(body.body).toEqual({ replies_policy: "list", exclusive: false });
    expect("title" in body.body).toBe(false);
  });

  it("offer Mastodon's three replies policies", () => {
    expect(repliesPolicies.map((p) => p.value)).toEqual(["followed", "list", "none"]);
  });
});
