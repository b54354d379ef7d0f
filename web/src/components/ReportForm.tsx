// The form that reports a post and its author to the moderators: the category, the
// server rules broken (from the instance), a comment, and for a remote author whether
// their server is told too. Sent, it says so and offers nothing more.
import { useState, type FormEvent } from "react";
import { useInstanceQuery } from "../api";
import type { Status } from "../entities";
import { useT } from "../i18n";
import { newReport, reportBody, reportCategories, reportProblem, useReportMutation, type ReportDraft } from "../reports";

export function ReportForm({ status, onClose }: { status: Status; onClose: () => void }) {
  const t = useT();
  const rules = useInstanceQuery().data?.rules ?? [];
  const [send, { isLoading, isSuccess, isError, reset }] = useReportMutation();
  const [d, setD] = useState<ReportDraft>(newReport);
  const change = (c: Partial<ReportDraft>) => {
    reset();
    setD({ ...d, ...c });
  };
  const acct = status.account.acct;
  const remote = acct.includes("@");
  const problem = reportProblem(d);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!problem) void send(reportBody(status.account.id, [status.id], d, remote));
  };
  if (isSuccess) {
    return (
      <p className="muted" role="status">
        {t("report.sent", { acct })}{" "}
        <button type="button" onClick={onClose}>
          {t("report.close")}
        </button>
      </p>
    );
  }
  return (
    <form className="settings-form report" aria-label={t("report.of", { acct })} onSubmit={submit}>
      <fieldset>
        <legend>{t("report.why")}</legend>
        {reportCategories.map((c) =>
          c.value === "violation" && rules.length === 0 ? null : (
            <label key={c.value}>
              <input type="radio" name={`category-${status.id}`} checked={d.category === c.value} onChange={() => change({ category: c.value })} /> {t(c.label)}
            </label>
          ),
        )}
      </fieldset>
      {d.category === "violation" ? (
        <fieldset>
          <legend>{t("report.rules")}</legend>
          {rules.map((r) => (
            <label key={r.id}>
              <input
                type="checkbox"
                checked={d.ruleIds.includes(r.id)}
                onChange={(e) => change({ ruleIds: e.target.checked ? [...d.ruleIds, r.id] : d.ruleIds.filter((id) => id !== r.id) })}
              />{" "}
              {r.text}
            </label>
          ))}
        </fieldset>
      ) : null}
      <label>
        {t("report.comment")}
        <textarea rows={3} value={d.comment} onChange={(e) => change({ comment: e.target.value })} />
      </label>
      {remote ? (
        <label>
          <input type="checkbox" checked={d.forward} onChange={(e) => change({ forward: e.target.checked })} /> {t("report.forward", { domain: acct.split("@")[1] ?? "" })}
        </label>
      ) : null}
      {problem ? <p className="muted">{t(problem)}</p> : null}
      <div className="row">
        <button type="submit" className="primary" disabled={isLoading || problem !== ""}>
          {t("report.send")}
        </button>
        <button type="button" onClick={onClose}>
          {t("common.cancel")}
        </button>
      </div>
      {isError ? (
        <p className="error" role="alert">
          {t("report.notSent")}
        </p>
      ) : null}
    </form>
  );
}
