// The "Edited" mark of a post that was edited: it opens the post's versions
// (GET /api/v1/statuses/:id/history), newest first, each with its warning and text.
// The post shows the history under its byline (EditHistory) while the mark is pressed.
import { useHistoryQuery } from "../statuses";

export function EditedMark({ editedAt, open, toggle }: { editedAt: string; open: boolean; toggle: () => void }) {
  return (
    <button type="button" className="edited link" aria-expanded={open} title={`Edited ${new Date(editedAt).toLocaleString()}`} onClick={toggle}>
      Edited
    </button>
  );
}

export function EditHistory({ id }: { id: string }) {
  // Read again each time it opens: the post may have been edited since.
  const { data, error, isLoading } = useHistoryQuery(id, { refetchOnMountOrArgChange: true });
  if (isLoading) return <p className="muted">Loading…</p>;
  if (error || !data) return <p className="error">The history could not be loaded.</p>;
  const versions = [...data].reverse();
  return (
    <ol className="history" aria-label="Edit history">
      {versions.map((v, i) => (
        <li key={v.created_at + i}>
          <p className="muted">
            {i === versions.length - 1 ? "Posted" : "Edited"} <time dateTime={v.created_at}>{new Date(v.created_at).toLocaleString()}</time>
            {i === 0 ? " (current)" : ""}
          </p>
          {v.spoiler_text ? <p className="spoiler">{v.spoiler_text}</p> : null}
          <div className="content" dangerouslySetInnerHTML={{ __html: v.content }} />
          {v.media_attachments.length > 0 ? <p className="muted">{v.media_attachments.length} attachment(s)</p> : null}
          {v.poll ? <p className="muted">Poll: {v.poll.options.map((o) => o.title).join(", ")}</p> : null}
        </li>
      ))}
    </ol>
  );
}
