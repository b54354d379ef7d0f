// /web/moderation/dashboard: the server's measures over the last 30 days, each a
// total, its change on the 30 days before, and a small SVG line chart of the days
// (its title names the busiest day, for those who cannot see the drawing).
import { useState } from "react";
import { adminErrorText } from "../../admin";
import { useT, type MessageKey } from "../../i18n";
import { chartGeometry, measureRange, measureTitles, trend, useMeasuresQuery, type DashboardKey, type Measure } from "../../dashboard";

const W = 240;
const H = 60;

export function Dashboard() {
  const t = useT();
  // The range is fixed when the page opens, so the query's key stays the same while it is open.
  const [range] = useState(() => measureRange(new Date()));
  const q = useMeasuresQuery(range, { refetchOnMountOrArgChange: true });
  let body;
  if (q.isLoading) body = <p className="muted">{t("common.loading")}</p>;
  else if (q.error) body = <p className="error">{t("dashboard.failed", { reason: adminErrorText(q.error) })}</p>;
  else {
    body = (
      <ul className="measures" aria-label={t("dashboard.measures")}>
        {(q.data ?? []).map((m) => (
          <MeasureCard key={m.key} measure={m} />
        ))}
      </ul>
    );
  }
  return (
    <section aria-label={t("moderation.dashboard")}>
      <h2>{t("dashboard.range", { start: range.start_at, end: range.end_at })}</h2>
      {body}
    </section>
  );
}

export function MeasureCard({ measure: m }: { measure: Measure }) {
  const t = useT();
  const key = measureTitles[m.key as DashboardKey] as MessageKey | undefined;
  const title = key ? t(key) : m.key;
  const g = chartGeometry(m, W, H);
  const busiest = g.values.indexOf(g.max);
  const peak = g.max > 0 && busiest >= 0 ? t("dashboard.peak", { day: m.data[busiest]?.date.slice(0, 10) ?? "", n: g.max }) : t("dashboard.noPeak");
  return (
    <li className="measure" data-measure={m.key}>
      <span className="measure-title">{title}</span>
      <strong className="measure-total">{m.total}</strong>
      <span className="muted">{trend(m)}</span>
      <svg className="chart" viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-label={t("dashboard.chart", { title, peak })}>
        <title>{t("dashboard.chart", { title, peak })}</title>
        <path className="chart-area" d={g.area} />
        <polyline className="chart-line" points={g.points} />
      </svg>
    </li>
  );
}
