import { afterEach, describe, expect, it, vi } from "vitest";
import { fakeServer } from "./adminTesting";
import { chartGeometry, dashboardApi, measureRange, trend, type Measure } from "./dashboard";

const measure = (values: number[], over: Partial<Measure> = {}): Measure => ({
  key: "new_users",
  unit: null,
  total: String(values.reduce((a, b) => a + b, 0)),
  previous_total: "0",
  data: values.map((v, i) => ({ date: `2026-12-0${i + 1}T00:00:00Z`, value: String(v) })),
  ...over,
});

afterEach(() => vi.unstubAllGlobals());

describe("dashboard", () => {
  it("asks for the last 30 UTC days, today included", () => {
    expect(measureRange(new Date("2026-12-07T23:30:00Z"))).toEqual({ start_at: "2026-11-08", end_at: "2026-12-07" });
    expect(measureRange(new Date("2026-03-01T00:10:00Z"), 2)).toEqual({ start_at: "2026-02-28", end_at: "2026-03-01" });
  });

  it("tells the change on the previous period", () => {
    expect(trend(measure([5, 5], { previous_total: "5" }))).toBe("+100% on the previous 30 days");
    expect(trend(measure([1], { previous_total: "4" }))).toBe("-75% on the previous 30 days");
    expect(trend(measure([0], { previous_total: "0" }))).toBe("as in the previous 30 days");
    expect(trend(measure([3], { previous_total: "0" }))).toBe("3 more than the previous 30 days");
    expect(trend(measure([3], { previous_total: undefined }))).toBe("");
  });

  it("draws a line scaled to the busiest day, from edge to edge", () => {
    const g = chartGeometry(measure([0, 2, 4]), 100, 50);
    expect(g.max).toBe(4);
    expect(g.points).toBe("0,50 50,25 100,0");
    expect(g.area).toBe("M0,50 L0,50 L50,25 L100,0 L100,50 Z");
  });

  it("lays a period without any on the floor, and reads bad values as none", () => {
    expect(chartGeometry(measure([0, 0]), 100, 50).points).toBe("0,50 100,50");
    const bad = measure([1], { data: [{ date: "2026-12-01T00:00:00Z", value: "n/a" }] });
    expect(chartGeometry(bad, 100, 50)).toMatchObject({ max: 0, points: "50,50" });
    expect(chartGeometry(measure([]), 100, 50)).toMatchObject({ points: "", area: "" });
  });

  it("asks for the five measures of the dashboard in one request", async () => {
    const { store, sent } = fakeServer(() => ({ body: [] }));
    await store.dispatch(dashboardApi.endpoints.measures.initiate({ start_at: "2026-11-08", end_at: "2026-12-07" }));
    expect(sent).toEqual([
      {
        method: "POST",
        path: "/api/v1/admin/measures",
        body: { keys: ["new_users", "active_users", "interactions", "opened_reports", "resolved_reports"], start_at: "2026-11-08", end_at: "2026-12-07" },
      },
    ]);
  });
});
