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
import { formatDateTime, useT, type Translate } from "../../i18n";
import { StatusItem } from "../StatusItem";
import { ActionForm } from "./ActionForm";
import { StateBadges } from "./Accounts";

export function ReportsPage() {
  const t = useT();
  const [resolved, setResolved] = useState(false);
  const q = useAdminReportsInfiniteQuery(resolved, { refetchOnMountOrArgChange: true });
  const reports = q.data?.pages.flatMap((p) => p.items) ?? [];
  let body;
  if (q.isLoading) body = <p className="muted">{t("common.loading")}</p>;
  else if (q.error) body = <p className="error">{t("reports.failed", { reason: adminErrorText(q.error) })}</p>;
  else if (reports.length === 0) body = <p className="muted">{resolved ? t("reports.noResolved") : t("reports.noOpen")}</p>;
  else {
    body = (
      <ul className="reports" aria-label={resolved ? t("reports.resolved") : t("reports.open")}>
        {reports.map((r) => (
          <ReportItem key={r.id} report={r} />
        ))}
      </ul>
    );
  }
  return (
    <section aria-label={t("moderation.reports")}>
      <div className="page-head">
        <h2>{resolved ? t("reports.resolved") : t("reports.open")}</h2>
        <label>
          <input type="checkbox" checked={resolved} onChange={(e) => setResolved(e.target.checked)} /> {t("reports.showResolved")}
        </label>
      </div>
      {body}
      {q.hasNextPage && reports.length > 0 ? (
        <button type="button" className="older" disabled={q.isFetchingNextPage} onClick={() => void q.fetchNextPage()}>
          {q.isFetchingNextPage ? t("common.loading") : t("relationLists.more")}
        </button>
      ) : null}
    </section>
  );
}

function ReportItem({ report: r }: { report: AdminReport }) {
  const t = useT();
  return (
    <li className="report" data-id={r.id}>
      <Link to={moderationPath("reports", r.id)}>{t("reports.on", { acct: adminAcct(r.target_account) })}</Link>
      <span className="muted">
        {t("reports.by", { acct: adminAcct(r.account) })} · {category(r.category, t)} · {t("reports.posts", { count: r.statuses.length })} ·{" "}
        {formatDateTime(r.created_at)}
        {r.assigned_account ? ` · ${t("reports.assignedTo", { acct: adminAcct(r.assigned_account) })}` : ""}
      </span>
      {r.comment ? <span className="comment">“{r.comment}”</span> : null}
    </li>
  );
}

const category = (c: string, t: Translate) => (c in categoryLabels ? t(categoryLabels[c]!) : c);

const accountLink = (a: AdminAccount) => <Link to={moderationPath("accounts", a.id)}>@{adminAcct(a)}</Link>;

export function ReportPage({ id }: { id: string }) {
  const { data: r, error, isLoading } = useAdminReportQuery(id, { refetchOnMountOrArgChange: true });
  const { data: me } = useMeQuery();
  const [act, done] = useReportDoMutation();
  const t = useT();
  if (isLoading) return <p className="muted">{t("common.loading")}</p>;
  if (error || !r) return <p className="error">{t("reports.reportFailed", { reason: adminErrorText(error) })}</p>;
  const mine = r.assigned_account?.id === me?.id;
  const button = (verb: "assign_to_self" | "unassign" | "resolve" | "reopen", label: string) => (
    <button type="button" disabled={done.isLoading} onClick={() => void act({ id: r.id, verb })}>
      {label}
    </button>
  );
  return (
    <section aria-label={t("reports.report")} className="report-page">
      <p>
        <Link to={moderationPath("reports")}>← {t("moderation.reports")}</Link>
      </p>
      <h2>{t("reports.on", { acct: adminAcct(r.target_account) })}</h2>
      <dl className="facts">
        <dt>{t("reports.state")}</dt>
        <dd className="report-state">
          {r.action_taken
            ? [
                t("reports.resolvedState"),
                r.action_taken_by_account ? t("reports.by", { acct: adminAcct(r.action_taken_by_account) }) : "",
                r.action_taken_at ? t("reports.onDate", { when: formatDateTime(r.action_taken_at) }) : "",
              ]
                .filter((x) => x !== "")
                .join(" ")
            : t("reports.openState")}
        </dd>
        <dt>{t("reports.reportedAccount")}</dt>
        <dd>
          {accountLink(r.target_account)} <StateBadges account={r.target_account} />
        </dd>
        <dt>{t("reports.reportedBy")}</dt>
        <dd>{accountLink(r.account)}</dd>
        <dt>{t("reports.filed")}</dt>
        <dd>{formatDateTime(r.created_at)}</dd>
        <dt>{t("reports.category")}</dt>
        <dd>{category(r.category, t)}</dd>
        <dt>{t("reports.comment")}</dt>
        <dd>{r.comment || <span className="muted">{t("reports.none")}</span>}</dd>
        {r.rules.length > 0 ? (
          <>
            <dt>{t("reports.rulesCited")}</dt>
            <dd>
              <ol className="rules" aria-label={t("reports.rulesCited")}>
                {r.rules.map((rule) => (
                  <li key={rule.id}>{rule.text}</li>
                ))}
              </ol>
            </dd>
          </>
        ) : null}
        <dt>{t("reports.forwarded")}</dt>
        <dd>{r.forwarded ? t("common.yes") : t("common.no")}</dd>
        <dt>{t("reports.assignedToTitle")}</dt>
        <dd>{r.assigned_account ? accountLink(r.assigned_account) : <span className="muted">{t("lists.replies.none")}</span>}</dd>
      </dl>
      <div className="row">
        {mine ? button("unassign", t("reports.unassign")) : button("assign_to_self", t("reports.assignToMe"))}
        {r.action_taken ? button("reopen", t("reports.reopen")) : button("resolve", t("reports.resolve"))}
      </div>
      {done.error ? (
        <p className="error" role="alert">
          {t("moderation.notDone", { reason: adminErrorText(done.error) })}
        </p>
      ) : null}
      <h3>{t("reports.reportedPosts")}</h3>
      {r.statuses.length === 0 ? (
        <p className="muted">{t("reports.noPosts")}</p>
      ) : (
        <ol className="timeline" aria-label={t("reports.reportedPosts")}>
          {r.statuses.map((s) => (
            <StatusItem key={s.id} status={s} />
          ))}
        </ol>
      )}
      {r.action_taken ? null : <ActionForm key={r.target_account.id} account={r.target_account} reportId={r.id} />}
    </section>
  );
}
