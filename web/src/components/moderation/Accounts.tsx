// /web/moderation/accounts: the accounts, newest first, filtered by origin, state and
// username; /web/moderation/accounts/:id: one account as moderators see it (email,
// role, dates, states), with approval or rejection of a pending sign-up, an action,
// and the reversal of each action in effect.
import { useState, type FormEvent } from "react";
import { Link } from "react-router";
import {
  accountStates,
  accountStatuses,
  adminAcct,
  adminErrorText,
  moderationPath,
  reversalsFor,
  undoLabels,
  useAccountDoMutation,
  useAdminAccountQuery,
  useAdminAccountsInfiniteQuery,
  type AccountFilter,
  type AccountStatus,
  type Origin,
} from "../../admin";
import type { AdminAccount } from "../../entities";
import { formatDateTime, useT, type MessageKey } from "../../i18n";
import { profilePath } from "../StatusItem";
import { ActionForm } from "./ActionForm";

const stateLabels: Record<string, MessageKey> = {
  Pending: "admin.status.pending",
  Suspended: "admin.status.suspended",
  Silenced: "admin.status.silenced",
  Disabled: "admin.status.disabled",
  Sensitized: "admin.state.sensitized",
  Active: "admin.status.active",
};

export function StateBadges({ account }: { account: AdminAccount }) {
  const t = useT();
  return (
    <span className="states">
      {accountStates(account).map((s) => (
        <span key={s} className={`state ${s.toLowerCase()}`}>
          {s in stateLabels ? t(stateLabels[s]!) : s}
        </span>
      ))}
    </span>
  );
}

export function AccountsPage() {
  const t = useT();
  const [filter, setFilter] = useState<AccountFilter>({ origin: "local", status: "", username: "" });
  const [typed, setTyped] = useState("");
  const q = useAdminAccountsInfiniteQuery(filter, { refetchOnMountOrArgChange: true });
  const accounts = q.data?.pages.flatMap((p) => p.items) ?? [];
  const search = (e: FormEvent) => {
    e.preventDefault();
    setFilter({ ...filter, username: typed });
  };
  let body;
  if (q.isLoading) body = <p className="muted">{t("common.loading")}</p>;
  else if (q.error) body = <p className="error">{t("adminAccounts.failed", { reason: adminErrorText(q.error) })}</p>;
  else if (accounts.length === 0) body = <p className="muted">{t("adminAccounts.none")}</p>;
  else {
    body = (
      <ul className="accounts admin-accounts" aria-label={t("moderation.accounts")}>
        {accounts.map((a) => (
          <li key={a.id} data-id={a.id}>
            <Link to={moderationPath("accounts", a.id)}>@{adminAcct(a)}</Link>
            {a.email ? <span className="muted">{a.email}</span> : null}
            <span className="spacer" />
            <StateBadges account={a} />
          </li>
        ))}
      </ul>
    );
  }
  return (
    <section aria-label={t("moderation.accounts")}>
      <form className="row filters-bar" aria-label={t("adminAccounts.filter")} onSubmit={search}>
        <select aria-label={t("adminAccounts.origin")} value={filter.origin} onChange={(e) => setFilter({ ...filter, origin: e.target.value as Origin })}>
          <option value="">{t("adminAccounts.localAndRemote")}</option>
          <option value="local">{t("adminAccounts.local")}</option>
          <option value="remote">{t("adminAccounts.remote")}</option>
        </select>
        <select aria-label={t("reports.state")} value={filter.status} onChange={(e) => setFilter({ ...filter, status: e.target.value as AccountStatus })}>
          {accountStatuses.map((s) => (
            <option key={s.value} value={s.value}>
              {t(s.label)}
            </option>
          ))}
        </select>
        <input type="search" aria-label={t("adminAccounts.username")} placeholder={t("adminAccounts.username")} value={typed} onChange={(e) => setTyped(e.target.value)} />
        <button type="submit">{t("search.label")}</button>
      </form>
      {body}
      {q.hasNextPage && accounts.length > 0 ? (
        <button type="button" className="older" disabled={q.isFetchingNextPage} onClick={() => void q.fetchNextPage()}>
          {q.isFetchingNextPage ? t("common.loading") : t("relationLists.more")}
        </button>
      ) : null}
    </section>
  );
}

export function AccountPage({ id }: { id: string }) {
  const { data: a, error, isLoading } = useAdminAccountQuery(id, { refetchOnMountOrArgChange: true });
  const [run, done] = useAccountDoMutation();
  const [rejecting, setRejecting] = useState(false);
  const [rejected, setRejected] = useState(false);
  const t = useT();
  if (rejected) return <p role="status">{t("adminAccounts.rejected")}</p>;
  if (isLoading) return <p className="muted">{t("common.loading")}</p>;
  if (error || !a) return <p className="error">{t("adminAccounts.accountFailed", { reason: adminErrorText(error) })}</p>;
  const reject = async () => {
    const out = await run({ id: a.id, verb: "reject" });
    setRejecting(false);
    if ("data" in out) setRejected(true);
  };
  return (
    <section aria-label={t("adminAccounts.account")} className="admin-account">
      <p>
        <Link to={moderationPath("accounts")}>← {t("moderation.accounts")}</Link>
      </p>
      <h2>@{adminAcct(a)}</h2>
      <dl className="facts">
        <dt>{t("reports.state")}</dt>
        <dd>
          <StateBadges account={a} />
        </dd>
        {a.domain ? null : (
          <>
            <dt>{t("adminAccounts.email")}</dt>
            <dd>{a.email ?? "—"}</dd>
            <dt>{t("adminAccounts.role")}</dt>
            <dd>{a.role?.name || t("reports.none")}</dd>
            <dt>{t("adminAccounts.confirmed")}</dt>
            <dd>{a.confirmed ? t("common.yes") : t("common.no")}</dd>
            <dt>{t("adminAccounts.approved")}</dt>
            <dd>{a.approved ? t("common.yes") : t("adminAccounts.waiting")}</dd>
            {a.invite_request ? (
              <>
                <dt>{t("adminAccounts.reason")}</dt>
                <dd>{a.invite_request}</dd>
              </>
            ) : null}
          </>
        )}
        <dt>{t("adminAccounts.joined")}</dt>
        <dd>{formatDateTime(a.created_at)}</dd>
        {a.account ? (
          <>
            <dt>{t("profile.label")}</dt>
            <dd>
              <Link to={profilePath(a.account.id)}>{a.account.display_name || a.account.username}</Link>
            </dd>
          </>
        ) : null}
      </dl>
      {!a.approved ? (
        <div className="row" role="group" aria-label={t("adminAccounts.signUp")}>
          <button type="button" className="primary" disabled={done.isLoading} onClick={() => void run({ id: a.id, verb: "approve" })}>
            {t("adminAccounts.approve")}
          </button>
          {rejecting ? (
            <>
              <span>{t("adminAccounts.rejectQuestion")}</span>
              <button type="button" className="danger" disabled={done.isLoading} onClick={() => void reject()}>
                {t("adminAccounts.rejectYes")}
              </button>
              <button type="button" onClick={() => setRejecting(false)}>
                {t("common.cancel")}
              </button>
            </>
          ) : (
            <button type="button" onClick={() => setRejecting(true)}>
              {t("notifications.reject")}
            </button>
          )}
        </div>
      ) : null}
      {reversalsFor(a).length > 0 ? (
        <div className="row" role="group" aria-label={t("adminAccounts.undo")}>
          {reversalsFor(a).map((u) => (
            <button key={u} type="button" disabled={done.isLoading} onClick={() => void run({ id: a.id, verb: u })}>
              {t(undoLabels[u])}
            </button>
          ))}
        </div>
      ) : null}
      {done.error ? (
        <p className="error" role="alert">
          {t("moderation.notDone", { reason: adminErrorText(done.error) })}
        </p>
      ) : null}
      <ActionForm key={a.id} account={a} />
    </section>
  );
}
