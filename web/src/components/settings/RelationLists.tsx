// /web/settings/mutes and /web/settings/blocks: the accounts one muted (with how
// long each mute lasts, when the server says) or blocked, page by page, each with its Unmute or Unblock.
import { Link } from "react-router";
import type { Account, MutedAccount } from "../../entities";
import { useT } from "../../i18n";
import { muteLeft, useBlocksInfiniteQuery, useMutesInfiniteQuery, useRelateMutation } from "../../relations";
import { profilePath } from "../StatusItem";

export function MutedAccounts() {
  const t = useT();
  const q = useMutesInfiniteQuery(undefined, { refetchOnMountOrArgChange: true });
  const accounts = q.data?.pages.flatMap((p) => p.accounts) ?? [];
  return (
    <AccountList
      title={t("settings.mutes")}
      empty={t("relationLists.noMutes")}
      accounts={accounts}
      q={q}
      undo="unmute"
      detail={(a: MutedAccount) => (a.mute_expires_at ? t("relationLists.mutedFor", { left: muteLeft(a.mute_expires_at) }) : null)}
    />
  );
}

export function BlockedAccounts() {
  const t = useT();
  const q = useBlocksInfiniteQuery(undefined, { refetchOnMountOrArgChange: true });
  const accounts = q.data?.pages.flatMap((p) => p.accounts) ?? [];
  return <AccountList title={t("settings.blocks")} empty={t("relationLists.noBlocks")} accounts={accounts} q={q} undo="unblock" />;
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
  const t = useT();
  let body;
  if (q.isLoading) body = <p className="muted">{t("common.loading")}</p>;
  else if (q.error) body = <p className="error">{t("relationLists.failed")}</p>;
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
            <button type="button" disabled={isLoading} aria-label={t(undo === "unmute" ? "relationLists.unmuteName" : "relationLists.unblockName", { acct: a.acct })} onClick={() => void relate({ id: a.id, action: undo })}>
              {undo === "unmute" ? t("relations.unmute") : t("relations.unblock")}
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
          {q.isFetchingNextPage ? t("common.loading") : t("relationLists.more")}
        </button>
      ) : null}
    </section>
  );
}
