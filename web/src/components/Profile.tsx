// /web/accounts/:id: a profile (header, avatar, names, bio, fields, counts), the
// follow, mute and block buttons as the relationship has them, and the account's
// posts page by page.
import { useParams } from "react-router";
import { useMeQuery } from "../api";
import { followState, useAccountQuery, useAccountStatusesInfiniteQuery, useFollowMutation, useRelationshipQuery } from "../accounts";
import type { Account } from "../entities";
import { ProfileRelations } from "./ProfileRelations";
import { StatusItem } from "./StatusItem";

export function Profile() {
  const { id = "" } = useParams();
  const { data: account, error, isLoading } = useAccountQuery(id);
  if (isLoading) return <p className="muted">Loading…</p>;
  if (error || !account) {
    return (
      <p className="error" role="alert">
        This profile could not be loaded.
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
  return (
    <section className="profile" aria-label="Profile">
      {a.header && !a.header.endsWith("/missing.png") ? <img className="header" src={a.header} alt="" /> : <div className="header" />}
      <div className="profile-top">
        <img className="avatar big" src={a.avatar} alt="" width={80} height={80} />
        <FollowButton account={a} />
      </div>
      <h1>{a.display_name || a.username}</h1>
      <p className="muted">
        @{a.acct}
        {a.locked ? " · approves followers" : ""}
        {a.bot ? " · automated" : ""}
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
          <strong>{a.statuses_count}</strong> posts
        </span>
        <span>
          <strong>{a.following_count}</strong> following
        </span>
        <span>
          <strong>{a.followers_count}</strong> followers
        </span>
      </p>
    </section>
  );
}

const followLabels = { following: "Unfollow", requested: "Requested", none: "Follow" } as const;

function FollowButton({ account }: { account: Account }) {
  const { data: me } = useMeQuery();
  const { data: rel } = useRelationshipQuery(account.id);
  const [follow, { isLoading }] = useFollowMutation();
  const state = followState(rel, me?.id === account.id);
  if (state === "self" || state === "unknown") return null;
  return (
    <div className="follow">
      {rel?.followed_by ? <span className="muted">Follows you</span> : null}
      <button
        type="button"
        className={state === "none" ? "primary" : undefined}
        disabled={isLoading}
        // A pending request is withdrawn as a follow is ended: by unfollowing.
        title={state === "requested" ? "Withdraw the follow request" : undefined}
        onClick={() => void follow({ id: account.id, follow: state === "none" })}
      >
        {followLabels[state]}
      </button>
    </div>
  );
}

function AccountStatuses({ id }: { id: string }) {
  const { data, error, isLoading, hasNextPage, fetchNextPage, isFetchingNextPage } = useAccountStatusesInfiniteQuery(id);
  if (isLoading) return <p className="muted">Loading…</p>;
  if (error) return <p className="error">The posts could not be loaded.</p>;
  const statuses = data?.pages.flat() ?? [];
  const ended = !hasNextPage || data?.pages.at(-1)?.length === 0;
  return (
    <section aria-label="Posts">
      {statuses.length > 0 ? (
        <ol className="timeline">
          {statuses.map((s) => (
            <StatusItem key={s.id} status={s} />
          ))}
        </ol>
      ) : null}
      {ended ? (
        <p className="muted">{statuses.length > 0 ? "That is all." : "No posts yet."}</p>
      ) : (
        <button type="button" className="older" onClick={() => void fetchNextPage()} disabled={isFetchingNextPage}>
          {isFetchingNextPage ? "Loading…" : "Load older posts"}
        </button>
      )}
    </section>
  );
}
