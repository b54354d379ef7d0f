import { describe, expect, it } from "vitest";
import { api } from "./api";
import { status } from "./fixtures";
import { makeStore, showPending } from "./store";
import { receive } from "./streaming";

async function storeShowing(...ids: string[]) {
  const store = makeStore("token");
  await store.dispatch(api.util.upsertQueryData("timeline", "home", ids.map((id) => status(id))));
  return store;
}

const shown = (store: Awaited<ReturnType<typeof storeShowing>>) =>
  api.endpoints.timeline.select("home")(store.getState()).data?.map((s) => s.id);

describe("live updates", () => {
  it("keeps new posts behind the button until shown, newest first", async () => {
    const store = await storeShowing("10");
    for (const id of ["11", "12", "12"]) {
      receive({ stream: ["user"], event: "update", payload: JSON.stringify(status(id)) }, store.dispatch, store.getState);
    }
    expect(store.getState().live.pending.home.map((s) => s.id)).toEqual(["12", "11"]);
    expect(shown(store)).toEqual(["10"]);
    store.dispatch(showPending("home"));
    expect(shown(store)).toEqual(["12", "11", "10"]);
    expect(store.getState().live.pending.home).toEqual([]);
  });

  it("ignores a post already shown, and files public posts under their timeline", async () => {
    const store = await storeShowing("10");
    receive({ stream: ["user"], event: "update", payload: JSON.stringify(status("10")) }, store.dispatch, store.getState);
    receive({ stream: ["public:local"], event: "update", payload: JSON.stringify(status("13")) }, store.dispatch, store.getState);
    expect(store.getState().live.pending.home).toEqual([]);
    expect(store.getState().live.pending.local.map((s) => s.id)).toEqual(["13"]);
  });

  it("removes a deleted post from the timeline and from what waits", async () => {
    const store = await storeShowing("10", "9");
    receive({ stream: ["user"], event: "update", payload: JSON.stringify(status("11")) }, store.dispatch, store.getState);
    receive({ stream: ["user"], event: "delete", payload: "9" }, store.dispatch, store.getState);
    receive({ stream: ["user"], event: "delete", payload: "11" }, store.dispatch, store.getState);
    expect(shown(store)).toEqual(["10"]);
    expect(store.getState().live.pending.home).toEqual([]);
  });
});
