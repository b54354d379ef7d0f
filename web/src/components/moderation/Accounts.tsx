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
import { profilePath } from "../StatusItem";
import { ActionForm } from "./ActionForm";

export function StateBadges({ account }: { account: AdminAccount }) {
  return (
    <span className="states">
      {accountStates(account).map((s) => (
        <span key={s} className={`state ${s.toLowerCase()}`}>
          {s}
        </span>
      ))}
    </span>
  );
}

export function AccountsPage() {
  const [filter, setFilter] = useState<AccountFilter>({ origin: "local", status: "", username: "" });
  const [typed, setTyped] = useState("");
  const q = useAdminAccountsInfiniteQuery(filter, { refetchOnMountOrArgChange: true });
  const accounts = q.data?.pages.flatMap((p) => p.items) ?? [];
  const search = (e: FormEvent) => {
    e.preventDefault();
    setFilter({ ...filter, username: typed });
  };
  let body;
  if (q.isLoading) body = <p className="muted">Loading…</p>;
  else if (q.error) body = <p className="error">The accounts could not be loaded: {adminErrorText(q.error)}.</p>;
  else if (accounts.length === 0) body = <p className="muted">No accounts match.</p>;
  else {
    body = (
      <ul className="accounts admin-accounts" aria-label="Accounts">
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
    <section aria-label="Accounts">
      <form className="row filters-bar" aria-label="Filter accounts" onSubmit={search}>
        <select aria-label="Origin" value={filter.origin} onChange={(e) => setFilter({ ...filter, origin: e.target.value as Origin })}>
          <option value="">Local and remote</option>
          <option value="local">Local</option>
          <option value="remote">Remote</option>
        </select>
        <select aria-label="State" value={filter.status} onChange={(e) => setFilter({ ...filter, status: e.target.value as AccountStatus })}>
          {accountStatuses.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
        <input type="search" aria-label="Username" placeholder="Username" value={typed} onChange={(e) => setTyped(e.target.value)} />
        <button type="submit">Search</button>
      </form>
      {body}
      {q.hasNextPage && accounts.length > 0 ? (
        <button type="button" className="older" disabled={q.isFetchingNextPage} onClick={() => void q.fetchNextPage()}>
          {q.isFetchingNextPage ? "Loading…" : "Load more"}
        </button>
      ) : null}
    </section>
  );
}

const date = (s: string) => new Date(s).toLocaleString();

export function AccountPage({ id }: { id: string }) {
  const { data: a, error, isLoading } = useAdminAccountQuery(id, { refetchOnMountOrArgChange: true });
  const [run, done] = useAccountDoMutation();
  const [rejecting, setRejecting] = useState(false);
  const [rejected, setRejected] = useState(false);
  if (rejected) return <p role="status">The sign-up was rejected and the account removed.</p>;
  if (isLoading) return <p className="muted">Loading…</p>;
  if (error || !a) return <p className="error">The account could not be loaded: {adminErrorText(error)}.</p>;
  const reject = async () => {
    const out = await run({ id: a.id, verb: "reject" });
    setRejecting(false);
    if ("data" in out) setRejected(true);
  };
  return (
    <section aria-label="Account" className="admin-account">
      <p>
        <Link to={moderationPath("accounts")}>← Accounts</Link>
      </p>
      <h2>@{adminAcct(a)}</h2>
      <dl className="facts">
        <dt>State</dt>
        <dd>
          <StateBadges account={a} />
        </dd>
        {a.domain ? null : (
          <>
            <dt>Email</dt>
            <dd>{a.email ?? "—"}</dd>
            <dt>Role</dt>
            <dd>{a.role?.name || "None"}</dd>
            <dt>Confirmed</dt>
            <dd>{a.confirmed ? "Yes" : "No"}</dd>
            <dt>Approved</dt>
            <dd>{a.approved ? "Yes" : "No, waiting for approval"}</dd>
            {a.invite_request ? (
              <>
                <dt>Reason given</dt>
                <dd>{a.invite_request}</dd>
              </>
            ) : null}
          </>
        )}
        <dt>Joined</dt>
        <dd>{date(a.created_at)}</dd>
        {a.account ? (
          <>
            <dt>Profile</dt>
            <dd>
              <Link to={profilePath(a.account.id)}>{a.account.display_name || a.account.username}</Link>
            </dd>
          </>
        ) : null}
      </dl>
      {!a.approved ? (
        <div className="row" role="group" aria-label="Sign-up">
          <button type="button" className="primary" disabled={done.isLoading} onClick={() => void run({ id: a.id, verb: "approve" })}>
            Approve
          </button>
          {rejecting ? (
            <>
              <span>Reject this sign-up and remove the account?</span>
              <button type="button" className="danger" disabled={done.isLoading} onClick={() => void reject()}>
                Yes, reject
              </button>
              <button type="button" onClick={() => setRejecting(false)}>
                Cancel
              </button>
            </>
          ) : (
            <button type="button" onClick={() => setRejecting(true)}>
              Reject
            </button>
          )}
        </div>
      ) : null}
      {reversalsFor(a).length > 0 ? (
        <div className="row" role="group" aria-label="Undo">
          {reversalsFor(a).map((u) => (
            <button key={u} type="button" disabled={done.isLoading} onClick={() => void run({ id: a.id, verb: u })}>
              {undoLabels[u]}
            </button>
          ))}
        </div>
      ) : null}
      {done.error ? (
        <p className="error" role="alert">
          Not done: {adminErrorText(done.error)}
        </p>
      ) : null}
      <ActionForm key={a.id} account={a} />
    </section>
  );
}
