// /web/moderation/reports: the open reports (or the resolved ones), newest first, page
// by page; /web/moderation/reports/:id: one report (who filed it, against whom, their
// comment, category, cited rules and the posts attached), assigned to oneself or not,
// resolved or reopened, with an action on the reported account that resolves it.
import { useState } from "react";
import { Link } from "react-router";
import {
  adminAcct,
  adminErrorText,
  categoryLabels,
  moderationPath,
  useAdminReportQuery,
  useAdminReportsInfiniteQuery,
  useReportDoMutation,
} from "../../admin";
import { useMeQuery } from "../../api";
import type { AdminAccount, AdminReport } from "../../entities";
import { StatusItem } from "../StatusItem";
import { ActionForm } from "./ActionForm";
import { StateBadges } from "./Accounts";

export function ReportsPage() {
  const [resolved, setResolved] = useState(false);
  const q = useAdminReportsInfiniteQuery(resolved, { refetchOnMountOrArgChange: true });
  const reports = q.data?.pages.flatMap((p) => p.items) ?? [];
  let body;
  if (q.isLoading) body = <p className="muted">Loading…</p>;
  else if (q.error) body = <p className="error">The reports could not be loaded: {adminErrorText(q.error)}.</p>;
  else if (reports.length === 0) body = <p className="muted">{resolved ? "No resolved reports." : "No open reports."}</p>;
  else {
    body = (
      <ul className="reports" aria-label={resolved ? "Resolved reports" : "Open reports"}>
        {reports.map((r) => (
          <ReportItem key={r.id} report={r} />
        ))}
      </ul>
    );
  }
  return (
    <section aria-label="Reports">
      <div className="page-head">
        <h2>{resolved ? "Resolved reports" : "Open reports"}</h2>
        <label>
          <input type="checkbox" checked={resolved} onChange={(e) => setResolved(e.target.checked)} /> Show resolved
        </label>
      </div>
      {body}
      {q.hasNextPage && reports.length > 0 ? (
        <button type="button" className="older" disabled={q.isFetchingNextPage} onClick={() => void q.fetchNextPage()}>
          {q.isFetchingNextPage ? "Loading…" : "Load more"}
        </button>
      ) : null}
    </section>
  );
}

function ReportItem({ report: r }: { report: AdminReport }) {
  return (
    <li className="report" data-id={r.id}>
      <Link to={moderationPath("reports", r.id)}>
        Report on @{adminAcct(r.target_account)}
      </Link>
      <span className="muted">
        by @{adminAcct(r.account)} · {categoryLabels[r.category] ?? r.category} · {r.statuses.length} post{r.statuses.length === 1 ? "" : "s"} ·{" "}
        {new Date(r.created_at).toLocaleString()}
        {r.assigned_account ? ` · assigned to @${adminAcct(r.assigned_account)}` : ""}
      </span>
      {r.comment ? <span className="comment">“{r.comment}”</span> : null}
    </li>
  );
}

const accountLink = (a: AdminAccount) => <Link to={moderationPath("accounts", a.id)}>@{adminAcct(a)}</Link>;

export function ReportPage({ id }: { id: string }) {
  const { data: r, error, isLoading } = useAdminReportQuery(id, { refetchOnMountOrArgChange: true });
  const { data: me } = useMeQuery();
  const [act, done] = useReportDoMutation();
  if (isLoading) return <p className="muted">Loading…</p>;
  if (error || !r) return <p className="error">The report could not be loaded: {adminErrorText(error)}.</p>;
  const mine = r.assigned_account?.id === me?.id;
  const button = (verb: "assign_to_self" | "unassign" | "resolve" | "reopen", label: string) => (
    <button type="button" disabled={done.isLoading} onClick={() => void act({ id: r.id, verb })}>
      {label}
    </button>
  );
  return (
    <section aria-label="Report" className="report-page">
      <p>
        <Link to={moderationPath("reports")}>← Reports</Link>
      </p>
      <h2>Report on @{adminAcct(r.target_account)}</h2>
      <dl className="facts">
        <dt>State</dt>
        <dd className="report-state">
          {r.action_taken
            ? `Resolved${r.action_taken_by_account ? ` by @${adminAcct(r.action_taken_by_account)}` : ""}${r.action_taken_at ? ` on ${new Date(r.action_taken_at).toLocaleString()}` : ""}`
            : "Open"}
        </dd>
        <dt>Reported account</dt>
        <dd>
          {accountLink(r.target_account)} <StateBadges account={r.target_account} />
        </dd>
        <dt>Reported by</dt>
        <dd>{accountLink(r.account)}</dd>
        <dt>Filed</dt>
        <dd>{new Date(r.created_at).toLocaleString()}</dd>
        <dt>Category</dt>
        <dd>{categoryLabels[r.category] ?? r.category}</dd>
        <dt>Comment</dt>
        <dd>{r.comment || <span className="muted">None</span>}</dd>
        {r.rules.length > 0 ? (
          <>
            <dt>Rules cited</dt>
            <dd>
              <ol className="rules" aria-label="Rules cited">
                {r.rules.map((rule) => (
                  <li key={rule.id}>{rule.text}</li>
                ))}
              </ol>
            </dd>
          </>
        ) : null}
        <dt>Forwarded</dt>
        <dd>{r.forwarded ? "Yes" : "No"}</dd>
        <dt>Assigned to</dt>
        <dd>{r.assigned_account ? accountLink(r.assigned_account) : <span className="muted">No one</span>}</dd>
      </dl>
      <div className="row">
        {mine ? button("unassign", "Unassign") : button("assign_to_self", "Assign to me")}
        {r.action_taken ? button("reopen", "Reopen") : button("resolve", "Resolve")}
      </div>
      {done.error ? (
        <p className="error" role="alert">
          Not done: {adminErrorText(done.error)}
        </p>
      ) : null}
      <h3>Reported posts</h3>
      {r.statuses.length === 0 ? (
        <p className="muted">No posts attached.</p>
      ) : (
        <ol className="timeline" aria-label="Reported posts">
          {r.statuses.map((s) => (
            <StatusItem key={s.id} status={s} />
          ))}
        </ol>
      )}
      {r.action_taken ? null : <ActionForm key={r.target_account.id} account={r.target_account} reportId={r.id} />}
    </section>
  );
}
