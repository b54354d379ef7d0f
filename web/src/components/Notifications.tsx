// /web/notifications: what happened to the signed-in user, newest first, live from
// the stream. The ones newer than the read marker are marked new; showing them moves
// the marker to the newest, which clears the count in the navigation. A report or a
// sign-up told to moderators links to its moderation page.
import { useEffect, useState } from "react";
import { Link } from "react-router";
import type { Notification } from "../entities";
import {
  describeWarning,
  newerId,
  useAnswerFollowRequestMutation,
  useMarkersQuery,
  useMarkReadMutation,
  useNotificationsInfiniteQuery,
} from "../notifications";
import { useT, type MessageKey } from "../i18n";
import { moderationPath } from "../roles";
import { profilePath, StatusItem } from "./StatusItem";

const said: Record<string, MessageKey> = {
  mention: "notifications.mention",
  status: "notifications.status",
  reblog: "notifications.reblog",
  favourite: "notifications.favourite",
  follow: "notifications.follow",
  follow_request: "notifications.followRequest",
  poll: "notifications.poll",
  update: "notifications.update",
  "admin.sign_up": "notifications.signUp",
  "admin.report": "notifications.report",
  severed_relationships: "notifications.severed",
};

export function Notifications() {
  const { data, error, isLoading, hasNextPage, fetchNextPage, isFetchingNextPage } = useNotificationsInfiniteQuery();
  const { data: markers, isSuccess: markersRead } = useMarkersQuery();
  const [markRead] = useMarkReadMutation();
  const t = useT();
  const list = data?.pages.flat() ?? [];
  const newest = list[0]?.id;
  const lastRead = markers?.notifications?.last_read_id;
  // What was new when the page opened stays marked while it is read: the marker as it
  // was first read here (null until then; undefined when there is none).
  const [seenBefore, setSeenBefore] = useState<string | undefined | null>(null);
  useEffect(() => {
    if (markersRead && seenBefore === null) setSeenBefore(lastRead);
  }, [markersRead, seenBefore, lastRead]);

  useEffect(() => {
    if (markersRead && newest && (!lastRead || newerId(newest, lastRead))) void markRead(newest);
  }, [markersRead, newest, lastRead, markRead]);

  if (isLoading) return <p className="muted">{t("common.loading")}</p>;
  if (error) return <p className="error">{t("notifications.failed")}</p>;
  const ended = !hasNextPage || data?.pages.at(-1)?.length === 0;
  return (
    <section aria-label={t("notifications.title")}>
      <h1>{t("notifications.title")}</h1>
      {list.length === 0 ? <p className="muted">{t("notifications.empty")}</p> : null}
      <ol className="timeline">
        {list.map((n) => (
          <NotificationItem key={n.id} n={n} fresh={seenBefore !== null && (seenBefore === undefined || newerId(n.id, seenBefore))} />
        ))}
      </ol>
      {list.length > 0 ? (
        ended ? (
          <p className="muted">{t("timeline.end")}</p>
        ) : (
          <button type="button" className="older" onClick={() => void fetchNextPage()} disabled={isFetchingNextPage}>
            {isFetchingNextPage ? t("common.loading") : t("notifications.older")}
          </button>
        )
      ) : null}
    </section>
  );
}

function NotificationItem({ n, fresh }: { n: Notification; fresh: boolean }) {
  const t = useT();
  const who = n.account.display_name || n.account.username;
  const w = n.moderation_warning;
  if (n.type === "moderation_warning" && w) {
    // From the moderators, though the notification names the warned account itself.
    return (
      <li className={fresh ? "notification unread" : "notification"} data-type={n.type}>
        {describeWarning(w).map((line, i) => (
          <p key={i} className={i === 0 ? "what" : undefined}>
            {line}
          </p>
        ))}
      </li>
    );
  }
  return (
    <li className={fresh ? "notification unread" : "notification"} data-type={n.type}>
      <p className="what">
        <Link to={profilePath(n.account.id)}>{who}</Link> {n.type in said ? t(said[n.type]!) : n.type}
      </p>
      {n.type === "follow_request" ? <FollowRequest accountId={n.account.id} /> : null}
      {n.type === "admin.report" && n.report ? (
        <p>
          <Link to={moderationPath("reports", n.report.id)}>{t("notifications.openReport", { acct: n.report.target_account.acct })}</Link>
        </p>
      ) : null}
      {n.type === "admin.sign_up" ? (
        <p>
          <Link to={moderationPath("accounts", n.account.id)}>{t("notifications.reviewAccount")}</Link>
        </p>
      ) : null}
      {n.status ? (
        <ol className="timeline">
          <StatusItem status={n.status} />
        </ol>
      ) : null}
    </li>
  );
}

function FollowRequest({ accountId }: { accountId: string }) {
  const [answer, { isLoading, isSuccess, originalArgs, isError }] = useAnswerFollowRequestMutation();
  const t = useT();
  if (isSuccess) return <p className="muted">{originalArgs?.accept ? t("notifications.accepted") : t("notifications.rejected")}</p>;
  return (
    <p className="row">
      <button type="button" className="primary" disabled={isLoading} onClick={() => void answer({ accountId, accept: true })}>
        {t("notifications.accept")}
      </button>{" "}
      <button type="button" disabled={isLoading} onClick={() => void answer({ accountId, accept: false })}>
        {t("notifications.reject")}
      </button>
      {isError ? <span className="error"> {t("notifications.answerFailed")}</span> : null}
    </p>
  );
}
