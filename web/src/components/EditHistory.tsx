// The "Edited" mark of a post that was edited: it opens the post's versions
// (GET /api/v1/statuses/:id/history), newest first, each with its warning and text.
// The post shows the history under its byline (EditHistory) while the mark is pressed.
import { formatDateTime, useT } from "../i18n";
import { useHistoryQuery } from "../statuses";

export function EditedMark({ editedAt, open, toggle }: { editedAt: string; open: boolean; toggle: () => void }) {
  const t = useT();
  return (
    <button type="button" className="edited link" aria-expanded={open} title={t("history.editedAt", { when: formatDateTime(editedAt) })} onClick={toggle}>
      {t("history.edited")}
    </button>
  );
}

export function EditHistory({ id }: { id: string }) {
  // Read again each time it opens: the post may have been edited since.
  const { data, error, isLoading } = useHistoryQuery(id, { refetchOnMountOrArgChange: true });
  const t = useT();
  if (isLoading) return <p className="muted">{t("common.loading")}</p>;
  if (error || !data) return <p className="error">{t("history.failed")}</p>;
  const versions = [...data].reverse();
  return (
    <ol className="history" aria-label={t("history.label")}>
      {versions.map((v, i) => (
        <li key={v.created_at + i}>
          <p className="muted">
            {i === versions.length - 1 ? t("history.posted") : t("history.edited")} <time dateTime={v.created_at}>{formatDateTime(v.created_at)}</time>
            {i === 0 ? ` ${t("history.current")}` : ""}
          </p>
          {v.spoiler_text ? <p className="spoiler">{v.spoiler_text}</p> : null}
          <div className="content" dangerouslySetInnerHTML={{ __html: v.content }} />
          {v.media_attachments.length > 0 ? <p className="muted">{t("history.attachments", { count: v.media_attachments.length })}</p> : null}
          {v.poll ? <p className="muted">{t("history.poll", { options: v.poll.options.map((o) => o.title).join(", ") })}</p> : null}
        </li>
      ))}
    </ol>
  );
}
