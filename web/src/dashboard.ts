// The dashboard's figures (view_dashboard): Mastodon's measures over the last 30
// days (POST /api/v1/admin/measures), and the geometry of the small SVG charts that
// draw them (no chart library: a line over the days, scaled to the highest day).
import { translate, type MessageKey } from "./i18n";
import { api } from "./api";

/** Mastodon's Admin::Measure: a total over the period, and one value a day. */
export interface Measure {
  key: string;
  unit: string | null;
  total: string;
  previous_total?: string;
  data: { date: string; value: string }[];
}

export const dashboardKeys = ["new_users", "active_users", "interactions", "opened_reports", "resolved_reports"] as const;
export type DashboardKey = (typeof dashboardKeys)[number];

export const measureTitles: Record<DashboardKey, MessageKey> = {
  new_users: "dashboard.newUsers",
  active_users: "dashboard.activeUsers",
  interactions: "dashboard.interactions",
  opened_reports: "dashboard.openedReports",
  resolved_reports: "dashboard.resolvedReports",
};

export const DASHBOARD_DAYS = 30;

const day = (d: Date) => d.toISOString().slice(0, 10);

/** The days asked for: the last `days` UTC days, today included. */
export function measureRange(now: Date, days = DASHBOARD_DAYS): { start_at: string; end_at: string } {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - (days - 1)));
  return { start_at: day(start), end_at: day(now) };
}

/** The change from the previous period, in words ("" when there is no previous total). */
export function trend(m: Measure): string {
  if (m.previous_total === undefined) return "";
  const now = Number(m.total);
  const before = Number(m.previous_total);
  if (!Number.isFinite(now) || !Number.isFinite(before)) return "";
  if (before === 0) return now === 0 ? translate("dashboard.same") : translate("dashboard.moreThan", { n: now });
  const pct = Math.round(((now - before) / before) * 100);
  if (pct === 0) return translate("dashboard.same");
  return translate("dashboard.change", { pct: `${pct > 0 ? "+" : ""}${pct}%` });
}

export interface ChartGeometry {
  /** The polyline's points, "x,y x,y …", one per day. */
  points: string;
  /** The area under the line, as a closed path. */
  area: string;
  max: number;
  values: number[];
}

/** The line of a measure in a width × height box (y grows downwards; a flat 0 lies on the floor). */
export function chartGeometry(m: Measure, width: number, height: number): ChartGeometry {
  const values = m.data.map((p) => {
    const n = Number(p.value);
    return Number.isFinite(n) && n > 0 ? n : 0;
  });
  const max = Math.max(0, ...values);
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  const xy = values.map((v, i) => {
    const x = values.length > 1 ? i * step : width / 2;
    const y = max > 0 ? height - (v / max) * height : height;
    return `${round(x)},${round(y)}`;
  });
  const area = xy.length > 0 ? `M${round(values.length > 1 ? 0 : width / 2)},${height} L${xy.join(" L")} L${round(values.length > 1 ? width : width / 2)},${height} Z` : "";
  return { points: xy.join(" "), area, max, values };
}

const round = (n: number) => Math.round(n * 10) / 10;

export const dashboardApi = api.injectEndpoints({
  endpoints: (build) => ({
    measures: build.query<Measure[], { start_at: string; end_at: string }>({
      query: (range) => ({ url: "api/v1/admin/measures", method: "POST", body: { keys: dashboardKeys, ...range } }),
    }),
  }),
});

export const { useMeasuresQuery } = dashboardApi;
