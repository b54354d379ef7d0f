import { renderToStaticMarkup } from "react-dom/server";
import { Provider } from "react-redux";
import { afterEach, describe, expect, it, vi } from "vitest";
import { fakeServer } from "./adminTesting";
import { ScheduledItem } from "./components/Scheduled";
import { scheduledApi, scheduledInstant, type ScheduledStatus } from "./scheduled";
import { makeStore } from "./store";

const item = (id: string, over: Partial<ScheduledStatus["params"]> = {}): ScheduledStatus => ({
  id,
  scheduled_at: "2026-12-24T18:00:00.000Z",
  params: { text: `later ${id}`, ...over },
  media_attachments: [],
});

afterEach(() => vi.unstubAllGlobals());

describe("scheduled posts", () => {
  it("are sent as a post with scheduled_at, cancelled by their id, and listed by the Link header's pages", async () => {
    const next = "http://herd.test/api/v1/scheduled_statuses?limit=20&max_id=3";
    const { store, sent } = fakeServer((r) =>
      r.method === "GET" && !r.path.includes("max_id") ? { body: [item("4")], headers: { Link: `<${next}>; rel="next"` } } : { body: r.method === "GET" ? [] : item("9") },
    );
    const at = scheduledInstant("2026-12-24T18:00");
    await store.dispatch(scheduledApi.endpoints.schedulePost.initiate({ status: "later", visibility: "public", scheduled_at: at, idempotencyKey: "k" }));
    await store.dispatch(scheduledApi.endpoints.cancelScheduled.initiate("4"));
    const first = await store.dispatch(scheduledApi.endpoints.scheduled.initiate(undefined, {}));
    expect(first.data?.pages[0]?.next).toBe("api/v1/scheduled_statuses?limit=20&max_id=3");
    await store.dispatch(scheduledApi.endpoints.scheduled.initiate(undefined, { direction: "forward" }));
    expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual([
      "POST /api/v1/statuses",
      "DELETE /api/v1/scheduled_statuses/4",
      "GET /api/v1/scheduled_statuses?limit=20",
      "GET /api/v1/scheduled_statuses?limit=20&max_id=3",
    ]);
    expect(sent[0]?.body).toEqual({ status: "later", visibility: "public", scheduled_at: new Date(2026, 11, 24, 18, 0).toISOString() });
  });

  it("take a local time as an instant, and nothing else", () => {
    expect(scheduledInstant("")).toBe("");
    expect(scheduledInstant("soon")).toBe("");
  });

  it("show their text (after the warning) and time, and a cancel button named after them", () => {
    const html = renderToStaticMarkup(
      <Provider store={makeStore("token")}>
        <ScheduledItem item={item("4", { spoiler_text: "cw" })} />
      </Provider>,
    );
    expect(html).toContain("<span>cw: later 4</span>");
    expect(html).toMatch(/for Dec 24, 2026/);
    expect(html).toContain('aria-label="Cancel the scheduled post cw: later 4"');
  });
});
