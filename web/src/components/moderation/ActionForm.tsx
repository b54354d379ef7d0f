// The moderator's action on an account (from its page, or from a report, which the
// action then resolves): its kind, a note kept in the audit log, and a confirmation
// in words before anything is sent.
import { useState, type FormEvent } from "react";
import { actionLabels, actionQuestion, actionsFor, adminAcct, adminErrorText, useAccountActionMutation, type ActionType } from "../../admin";
import type { AdminAccount } from "../../entities";

export function ActionForm({ account, reportId }: { account: AdminAccount; reportId?: string }) {
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
    <form className="settings-form action-form" aria-label={`Action on @${acct}`} onSubmit={submit}>
      <fieldset disabled={confirming || isLoading}>
        <legend>Action on @{acct}</legend>
        {offered.map((t) => (
          <label key={t}>
            <input type="radio" name="action-type" checked={chosen === t} onChange={() => setType(t)} /> {actionLabels[t]}
          </label>
        ))}
      </fieldset>
      <label>
        Note (kept in the audit log)
        <textarea rows={3} value={text} disabled={confirming || isLoading} onChange={(e) => setText(e.target.value)} />
      </label>
      {confirming ? (
        <div className="row" role="group" aria-label="Confirm action">
          <span>{actionQuestion(chosen, acct)}</span>
          <button type="button" className="danger" disabled={isLoading} onClick={() => void confirm()}>
            Confirm
          </button>
          <button type="button" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </div>
      ) : (
        <div className="row">
          <button type="submit" className="primary">
            {reportId ? "Act and resolve the report" : "Take action"}
          </button>
        </div>
      )}
      {isSuccess && originalArgs ? <p role="status">Done: {actionLabels[originalArgs.type]}.</p> : null}
      {error ? (
        <p className="error" role="alert">
          The action was not taken: {adminErrorText(error)}
        </p>
      ) : null}
    </form>
  );
}
