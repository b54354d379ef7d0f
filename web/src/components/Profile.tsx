// /web/accounts/:id: a profile (header, avatar, names, bio, fields, counts), the
// follow, mute and block buttons as the relationship has them, and the account's
// posts page by page.
import { useParams } from "react-router";
import { useMeQuery } from "../api";
import { followState, useAccountQuery, useAccountStatusesInfiniteQuery, useFollowMutation, useRelationshipQuery } from "../accounts";
import type { Account } from "../entities";
import { formatNumber, useT } from "../i18n";
import { ProfileRelations } from "./ProfileRelations";
import { StatusItem } from "./StatusItem";

export function Profile() {
  const { id = "" } = useParams();
  const { data: account, error, isLoading } = useAccountQuery(id);
  const t = useT();
  if (isLoading) return <p className="muted">{t("common.loading")}</p>;
  if (error || !account) {
    return (
      <p className="error" role="alert">
        {t("profile.failed")}
      </p>
    );
  }
  return (
    <>
      <AccountHeader account={account} />
      <AccountStatuses key={account.id} id={account.id} />
    </>
  );
}

function AccountHeader({ account: a }: { account: Account }) {
  const { data: me } = useMeQuery();
  const t = useT();
  return (
    <section className="profile" aria-label={t("profile.label")}>
      {a.header && !a.header.endsWith("/missing.png") ? <img className="header" src={a.header} alt="" /> : <div className="header" />}
      <div className="profile-top">
        <img className="avatar big" src={a.avatar} alt="" width={80} height={80} />
        <FollowButton account={a} />
      </div>
      <h1>{a.display_name || a.username}</h1>
      <p className="muted">
        @{a.acct}
        {a.locked ? ` · ${t("profile.approvesFollowers")}` : ""}
        {a.bot ? ` · ${t("profile.automated")}` : ""}
      </p>
      {/* The bio and field values are HTML the server sanitised, as a post's content. */}
      <div className="content note" dangerouslySetInnerHTML={{ __html: a.note }} />
      {a.fields.length > 0 ? (
        <dl className="fields">
          {a.fields.map((f, i) => (
            <div key={i} className={f.verified_at ? "verified" : undefined}>
              <dt>{f.name}</dt>
              <dd dangerouslySetInnerHTML={{ __html: f.value }} />
            </div>
          ))}
        </dl>
      ) : null}
      {me && me.id !== a.id ? <ProfileRelations account={a} /> : null}
      <p className="counts">
        <span>
          <strong>{formatNumber(a.statuses_count)}</strong> {t("profile.posts", { count: a.statuses_count })}
        </span>
        <span>
          <strong>{formatNumber(a.following_count)}</strong> {t("profile.following")}
        </span>
        <span>
          <strong>{formatNumber(a.followers_count)}</strong> {t("profile.followers", { count: a.followers_count })}
        </span>
      </p>
    </section>
  );
}

const followLabels = { following: "profile.unfollow", requested: "profile.requested", none: "profile.follow" } as const;

function FollowButton({ account }: { account: Account }) {
  const { data: me } = useMeQuery();
  const { data: rel } = useRelationshipQuery(account.id);
  const [follow, { isLoading }] = useFollowMutation();
  const t = useT();
  const state = followState(rel, me?.id === account.id);
  if (state === "self" || state === "unknown") return null;
  return (
    <div className="follow">
      {rel?.followed_by ? <span className="muted">{t("profile.followsYou")}</span> : null}
      <button
        type="button"
        className={state === "none" ? "primary" : undefined}
        disabled={isLoading}
        // A pending request is withdrawn as a follow is ended: by unfollowing.
        title={state === "requested" ? t("profile.withdraw") : undefined}
        onClick={() => void follow({ id: account.id, follow: state === "none" })}
      >
        {t(followLabels[state])}
      </button>
    </div>
  );
}

function AccountStatuses({ id }: { id: string }) {
  const { data, error, isLoading, hasNextPage, fetchNextPage, isFetchingNextPage } = useAccountStatusesInfiniteQuery(id);
  const t = useT();
  if (isLoading) return <p className="muted">{t("common.loading")}</p>;
  if (error) return <p className="error">{t("profile.postsFailed")}</p>;
  const statuses = data?.pages.flat() ?? [];
  const ended = !hasNextPage || data?.pages.at(-1)?.length === 0;
  return (
    <section aria-label={t("profile.postsLabel")}>
      {statuses.length > 0 ? (
        <ol className="timeline">
          {statuses.map((s) => (
            <StatusItem key={s.id} status={s} />
          ))}
        </ol>
      ) : null}
      {ended ? (
        <p className="muted">{statuses.length > 0 ? t("timeline.end") : t("profile.noPosts")}</p>
      ) : (
        <button type="button" className="older" onClick={() => void fetchNextPage()} disabled={isFetchingNextPage}>
          {isFetchingNextPage ? t("common.loading") : t("timeline.older")}
        </button>
      )}
    </section>
  );
}
