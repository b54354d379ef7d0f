import { describe, expect, it } from "vitest";
import { status } from "./fixtures";
import { nextLink, savedApi } from "./saved";
import { statusChanged } from "./statusCache";
import { makeStore } from "./store";

describe("bookmarks and favourites", () => {
  it("page on by the Link header's next address", () => {
    const link =
      '<https://h.example/api/v1/bookmarks?limit=20&max_id=77>; rel="next", <https://h.example/api/v1/bookmarks?limit=20&min_id=90>; rel="prev"';
    expect(nextLink(link)).toBe("api/v1/bookmarks?limit=20&max_id=77");
    expect(nextLink('<https://h.example/api/v1/favourites?min_id=5>; rel="prev"')).toBe(null);
    expect(nextLink(null)).toBe(null);
  });

  it("take an action's new state, as every cached copy does", async () => {
    const store = makeStore("token");
    await store.dispatch(
      savedApi.util.upsertQueryData("saved", "bookmarks", { pages: [{ statuses: [status("5")], next: null }], pageParams: [""] }),
    );
    store.dispatch(statusChanged(status("5", { bookmarked: true })));
    const data = savedApi.endpoints.saved.select("bookmarks")(store.getState()).data;
    expect(data?.pages[0]?.statuses[0]?.bookmarked).toBe(true);
  });
});
