// /web/settings/mutes and /web/settings/blocks: the accounts one muted (with how
// long each mute lasts, when the server says) or blocked, page by page, each with its Unmute or Unblock.
import { Link } from "react-router";
import type { Account, MutedAccount } from "../../entities";
import { muteLeft, useBlocksInfiniteQuery, useMutesInfiniteQuery, useRelateMutation } from "../../relations";
import { profilePath } from "../StatusItem";

export function MutedAccounts() {
  const q = useMutesInfiniteQuery(undefined, { refetchOnMountOrArgChange: true });
  const accounts = q.data?.pages.flatMap((p) => p.accounts) ?? [];
  return (
    <AccountList
      title="Muted accounts"
      empty="You have not muted anyone."
      accounts={accounts}
      q={q}
      undo="unmute"
      detail={(a: MutedAccount) => (a.mute_expires_at ? `Muted for ${muteLeft(a.mute_expires_at)}` : null)}
    />
  );
}

export function BlockedAccounts() {
  const q = useBlocksInfiniteQuery(undefined, { refetchOnMountOrArgChange: true });
  const accounts = q.data?.pages.flatMap((p) => p.accounts) ?? [];
  return <AccountList title="Blocked accounts" empty="You have not blocked anyone." accounts={accounts} q={q} undo="unblock" />;
}

interface Paged {
  isLoading: boolean;
  error?: unknown;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => unknown;
}

function AccountList<A extends Account>(props: {
  title: string;
  empty: string;
  accounts: A[];
  q: Paged;
  undo: "unmute" | "unblock";
  detail?: (a: A) => string | null;
}) {
  const { title, empty, accounts, q, undo, detail } = props;
  const [relate, { isLoading }] = useRelateMutation();
  let body;
  if (q.isLoading) body = <p className="muted">Loading…</p>;
  else if (q.error) body = <p className="error">The accounts could not be loaded.</p>;
  else if (accounts.length === 0) body = <p className="muted">{empty}</p>;
  else {
    body = (
      <ul className="accounts" aria-label={title}>
        {accounts.map((a) => (
          <li key={a.id}>
            <img className="avatar" src={a.avatar} alt="" width={32} height={32} loading="lazy" />
            <Link to={profilePath(a.id)}>{a.display_name || a.username}</Link>
            <span className="muted">@{a.acct}</span>
            {detail?.(a) ? <span className="muted">{detail(a)}</span> : null}
            <span className="spacer" />
            <button type="button" disabled={isLoading} aria-label={`${undo === "unmute" ? "Unmute" : "Unblock"} @${a.acct}`} onClick={() => void relate({ id: a.id, action: undo })}>
              {undo === "unmute" ? "Unmute" : "Unblock"}
            </button>
          </li>
        ))}
      </ul>
    );
  }
  return (
    <section aria-label={title}>
      <h2>{title}</h2>
      {body}
      {q.hasNextPage && accounts.length > 0 ? (
        <button type="button" className="older" disabled={q.isFetchingNextPage} onClick={() => void q.fetchNextPage()}>
          {q.isFetchingNextPage ? "Loading…" : "Load more"}
        </button>
      ) : null}
    </section>
  );
}
