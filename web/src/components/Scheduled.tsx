// The signed-in user's scheduled posts, under the compose box: read when opened, each
// with its time and text, cancelled on asking (the server then forgets it).
import { useState } from "react";
import { formatDateTime, useT } from "../i18n";
import { useCancelScheduledMutation, useScheduledInfiniteQuery, type ScheduledStatus } from "../scheduled";

export function ScheduledPosts() {
  const t = useT();
  const [open, setOpen] = useState(false);
  return (
    <details className="scheduled" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>{t("scheduled.title")}</summary>
      {open ? <ScheduledList /> : null}
    </details>
  );
}

function ScheduledList() {
  const t = useT();
  const q = useScheduledInfiniteQuery(undefined, { refetchOnMountOrArgChange: true });
  const items = q.data?.pages.flatMap((p) => p.items) ?? [];
  if (q.isLoading) return <p className="muted">{t("common.loading")}</p>;
  if (q.error) return <p className="error">{t("scheduled.failed")}</p>;
  if (items.length === 0) return <p className="muted">{t("scheduled.none")}</p>;
  return (
    <>
      <ul className="admin-items" aria-label={t("scheduled.title")}>
        {items.map((s) => (
          <ScheduledItem key={s.id} item={s} />
        ))}
      </ul>
      {q.hasNextPage ? (
        <button type="button" className="older" disabled={q.isFetchingNextPage} onClick={() => void q.fetchNextPage()}>
          {q.isFetchingNextPage ? t("common.loading") : t("scheduled.more")}
        </button>
      ) : null}
    </>
  );
}

export function ScheduledItem({ item: s }: { item: ScheduledStatus }) {
  const t = useT();
  const [cancel, { isLoading, isError }] = useCancelScheduledMutation();
  const text = s.params.spoiler_text ? `${s.params.spoiler_text}: ${s.params.text}` : s.params.text;
  const name = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  return (
    <li className="admin-item" data-scheduled={s.id}>
      <span className="admin-item-main">
        <span>{text}</span>
        <span className="muted">{t("scheduled.at", { when: formatDateTime(s.scheduled_at) })}</span>
      </span>
      <button type="button" disabled={isLoading} aria-label={t("scheduled.cancelOf", { text: name })} onClick={() => void cancel(s.id)}>
        {t("scheduled.cancel")}
      </button>
      {isError ? (
        <span className="error" role="alert">
          {t("scheduled.notCancelled")}
        </span>
      ) : null}
    </li>
  );
}
