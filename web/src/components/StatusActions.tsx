// The buttons under a post: reply (in its thread), boost, favourite and bookmark,
// each pressed or not as the server last said, with the counts beside them.
import { useNavigate } from "react-router";
import type { Status } from "../entities";
import { useActMutation, type StatusAction } from "../statuses";
import { threadPath } from "./StatusItem";

export function StatusActions({ status }: { status: Status }) {
  const navigate = useNavigate();
  const [act, { isLoading }] = useActMutation();
  const toggle = (on: boolean | undefined, action: StatusAction, undo: StatusAction) => {
    void act({ id: status.id, action: on ? undo : action });
  };
  // Private and direct posts cannot be boosted (Mastodon refuses it).
  const boostable = status.visibility === "public" || status.visibility === "unlisted";
  return (
    <div className="actions" role="group" aria-label="Actions">
      <button type="button" onClick={() => void navigate(threadPath(status.id), { state: { reply: true } })}>
        Reply <span className="count">{status.replies_count}</span>
      </button>
      <button
        type="button"
        aria-pressed={status.reblogged ?? false}
        disabled={isLoading || !boostable}
        onClick={() => toggle(status.reblogged, "reblog", "unreblog")}
      >
        Boost <span className="count">{status.reblogs_count}</span>
      </button>
      <button
        type="button"
        aria-pressed={status.favourited ?? false}
        disabled={isLoading}
        onClick={() => toggle(status.favourited, "favourite", "unfavourite")}
      >
        Favourite <span className="count">{status.favourites_count}</span>
      </button>
      <button
        type="button"
        aria-pressed={status.bookmarked ?? false}
        disabled={isLoading}
        onClick={() => toggle(status.bookmarked, "bookmark", "unbookmark")}
      >
        Bookmark
      </button>
    </div>
  );
}
