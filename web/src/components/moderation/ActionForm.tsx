// The moderator's action on an account (from its page, or from a report, which the
// action then resolves): its kind, a note kept in the audit log, and a confirmation
// in words before anything is sent.
import { useState, type FormEvent } from "react";
import { actionLabels, actionQuestion, actionsFor, adminAcct, adminErrorText, useAccountActionMutation, type ActionType } from "../../admin";
import type { AdminAccount } from "../../entities";
import { useT } from "../../i18n";

export function ActionForm({ account, reportId }: { account: AdminAccount; reportId?: string }) {
  const t = useT();
  const offered = actionsFor(account);
  const [type, setType] = useState<ActionType>("none");
  const [text, setText] = useState("");
  const [confirming, setConfirming] = useState(false);
  const [act, { isLoading, error, isSuccess, reset, originalArgs }] = useAccountActionMutation();
  const acct = adminAcct(account);
  const chosen = offered.includes(type) ? type : "none";

  const submit = (e: FormEvent) => {
    e.preventDefault();
    reset();
    setConfirming(true);
  };
  const confirm = async () => {
    const done = await act({ id: account.id, type: chosen, text, reportId });
    setConfirming(false);
    if ("data" in done) setText("");
  };
  return (
    <form className="settings-form action-form" aria-label={t("actionForm.on", { acct })} onSubmit={submit}>
      <fieldset disabled={confirming || isLoading}>
        <legend>{t("actionForm.on", { acct })}</legend>
        {offered.map((a) => (
          <label key={a}>
            <input type="radio" name="action-type" checked={chosen === a} onChange={() => setType(a)} /> {t(actionLabels[a])}
          </label>
        ))}
      </fieldset>
      <label>
        {t("actionForm.note")}
        <textarea rows={3} value={text} disabled={confirming || isLoading} onChange={(e) => setText(e.target.value)} />
      </label>
      {confirming ? (
        <div className="row" role="group" aria-label={t("actionForm.confirmAction")}>
          <span>{actionQuestion(chosen, acct)}</span>
          <button type="button" className="danger" disabled={isLoading} onClick={() => void confirm()}>
            {t("actionForm.confirm")}
          </button>
          <button type="button" onClick={() => setConfirming(false)}>
            {t("common.cancel")}
          </button>
        </div>
      ) : (
        <div className="row">
          <button type="submit" className="primary">
            {reportId ? t("actionForm.resolve") : t("actionForm.take")}
          </button>
        </div>
      )}
      {isSuccess && originalArgs ? <p role="status">{t("actionForm.done", { action: t(actionLabels[originalArgs.type]) })}</p> : null}
      {error ? (
        <p className="error" role="alert">
          {t("actionForm.failed", { reason: adminErrorText(error) })}
        </p>
      ) : null}
    </form>
  );
}
