// /web/moderation/dashboard: the server's measures over the last 30 days, each a
// total, its change on the 30 days before, and a small SVG line chart of the days
// (its title names the busiest day, for those who cannot see the drawing).
import { useState } from "react";
import { adminErrorText } from "../../admin";
import { chartGeometry, measureRange, measureTitles, trend, useMeasuresQuery, type DashboardKey, type Measure } from "../../dashboard";

const W = 240;
const H = 60;

export function Dashboard() {
  // The range is fixed when the page opens, so the query's key stays the same while it is open.
  const [range] = useState(() => measureRange(new Date()));
  const q = useMeasuresQuery(range, { refetchOnMountOrArgChange: true });
  let body;
  if (q.isLoading) body = <p className="muted">Loading…</p>;
  else if (q.error) body = <p className="error">The measures could not be loaded: {adminErrorText(q.error)}.</p>;
  else {
    body = (
      <ul className="measures" aria-label="Measures">
        {(q.data ?? []).map((m) => (
          <MeasureCard key={m.key} measure={m} />
        ))}
      </ul>
    );
  }
  return (
    <section aria-label="Dashboard">
      <h2>
        The last 30 days ({range.start_at} to {range.end_at}, UTC)
      </h2>
      {body}
    </section>
  );
}

export function MeasureCard({ measure: m }: { measure: Measure }) {
  const title = measureTitles[m.key as DashboardKey] ?? m.key;
  const g = chartGeometry(m, W, H);
  const busiest = g.values.indexOf(g.max);
  const peak = g.max > 0 && busiest >= 0 ? `most on ${m.data[busiest]?.date.slice(0, 10)}: ${g.max}` : "none on any day";
  return (
    <li className="measure" data-measure={m.key}>
      <span className="measure-title">{title}</span>
      <strong className="measure-total">{m.total}</strong>
      <span className="muted">{trend(m)}</span>
      <svg className="chart" viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-label={`${title} a day: ${peak}`}>
        <title>{`${title} a day: ${peak}`}</title>
        <path className="chart-area" d={g.area} />
        <polyline className="chart-line" points={g.points} />
      </svg>
    </li>
  );
}
