// /web/settings/migration: moving the account, as Mastodon's settings offer it. The
// accounts one moves from (aliases: the new account must list the old one before the
// old one moves), the move to another account with one's followers (password
// asked, once in 30 days), a redirect that only shows the account as moved, and the
// cancel of either mark.
import { useState, type FormEvent } from "react";
import { useT } from "../../i18n";
import {
  cooldownDays,
  migrationErrorText,
  useAddAliasMutation,
  useCancelRedirectMutation,
  useMigrationQuery,
  useMoveAccountMutation,
  useRemoveAliasMutation,
  type MoveKind,
} from "../../migration";

export function MigrationSettings() {
  const t = useT();
  const q = useMigrationQuery(undefined, { refetchOnMountOrArgChange: true });
  const [cancel, cancelState] = useCancelRedirectMutation();
  if (q.isLoading) return <p className="muted">{t("common.loading")}</p>;
  if (!q.data) return <p className="error">{t("migration.failed")}</p>;
  const state = q.data;
  const days = cooldownDays(state.cooldown_until);
  return (
    <div className="migration">
      {state.moved_to ? (
        <p role="status">
          {t("migration.movedTo", { acct: state.moved_to.acct })}{" "}
          <button type="button" disabled={cancelState.isLoading} onClick={() => void cancel()}>
            {t("migration.cancel")}
          </button>
        </p>
      ) : null}
      {cancelState.error ? <p className="error">{migrationErrorText(cancelState.error)}</p> : null}
      <Aliases aliases={state.aliases} />
      <h2>{t("migration.moveTitle")}</h2>
      <p className="muted">{t("migration.moveHint")}</p>
      {days > 0 ? <p className="muted">{t("migration.cooldown", { days })}</p> : null}
      <MoveForm kind="move" />
      <h2>{t("migration.redirectTitle")}</h2>
      <p className="muted">{t("migration.redirectHint")}</p>
      <MoveForm kind="redirect" />
    </div>
  );
}

function Aliases({ aliases }: { aliases: { uri: string; account: { acct: string } | null }[] }) {
  const t = useT();
  const [acct, setAcct] = useState("");
  const [add, addState] = useAddAliasMutation();
  const [remove, removeState] = useRemoveAliasMutation();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void add(acct.trim()).unwrap().then(() => setAcct(""), () => undefined);
  };
  const error = addState.error ?? removeState.error;
  return (
    <>
      <h2>{t("migration.aliasesTitle")}</h2>
      <p className="muted">{t("migration.aliasesHint")}</p>
      <ul aria-label={t("migration.aliasesTitle")}>
        {aliases.map((a) => (
          <li key={a.uri}>
            {a.account ? `@${a.account.acct}` : a.uri}{" "}
            <button type="button" disabled={removeState.isLoading} onClick={() => void remove(a.uri)}>
              {t("migration.removeAlias")}
            </button>
          </li>
        ))}
      </ul>
      <form onSubmit={submit}>
        <label>
          {t("migration.handle")} <input value={acct} onChange={(e) => setAcct(e.target.value)} placeholder="user@example.com" required />
        </label>
        <button type="submit" disabled={addState.isLoading}>
          {t("migration.addAlias")}
        </button>
      </form>
      {error ? <p className="error">{migrationErrorText(error)}</p> : null}
    </>
  );
}

function MoveForm({ kind }: { kind: MoveKind }) {
  const t = useT();
  const [acct, setAcct] = useState("");
  const [password, setPassword] = useState("");
  const [move, state] = useMoveAccountMutation();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void move({ kind, acct, password }).unwrap().then(() => setPassword(""), () => undefined);
  };
  return (
    <form onSubmit={submit}>
      <label>
        {t("migration.handle")} <input value={acct} onChange={(e) => setAcct(e.target.value)} placeholder="user@example.com" required />
      </label>
      <label>
        {t("migration.password")} <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} required />
      </label>
      <button type="submit" disabled={state.isLoading}>
        {t(kind === "move" ? "migration.move" : "migration.redirect")}
      </button>
      {state.error ? <p className="error">{migrationErrorText(state.error)}</p> : null}
    </form>
  );
}
