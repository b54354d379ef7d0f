// The compose box's attachments: each picked or pasted file with its upload's
// progress, then "Processing…" until the server has processed it, then its preview (a click on it picks the focal point, marked by a dot),
// an alt text field and a Remove button; and the poll
// editor (2 to 4 options, its length, one or several choices).
import type { MouseEvent } from "react";
import type { MediaAttachment } from "../entities";
import { focusOfClick, focusPosition, type Focus } from "../focus";
import { sentShare } from "../upload";
import { maxPollOptions, minPollOptions, pollExpiries, type DraftPoll } from "../compose";

export interface Draft {
  key: string;
  name: string;
  /** "image", "video", "audio" (a file's), or an attachment's type. */
  kind: string;
  progress: number;
  media?: MediaAttachment;
  error?: string;
  description: string;
  /** The focal point picked on the preview, if any. */
  focus?: Focus;
  /** An attachment of the post being edited: kept, its description as it is. */
  kept?: boolean;
}

interface MediaDraftsProps {
  drafts: Draft[];
  change: (key: string, description: string) => void;
  focus: (key: string, focus: Focus) => void;
  remove: (key: string) => void;
}

export function MediaDrafts({ drafts, change, focus, remove }: MediaDraftsProps) {
  if (drafts.length === 0) return null;
  return (
    <ul className="drafts" aria-label="Attachments">
      {drafts.map((d) => (
        <li key={d.key}>
          {d.media?.preview_url && !d.kept && d.kind === "image" ? (
            <FocalPoint draft={d} pick={(f) => focus(d.key, f)} />
          ) : d.media?.preview_url ? (
            <img src={d.media.preview_url} alt="" width={64} height={64} />
          ) : (
            <span className="muted">
              {d.name}
              {d.kind !== "image" ? ` (${d.kind})` : ""}
            </span>
          )}
          <div className="draft-body">
            {d.error ? (
              <span className="error">{d.error}</span>
            ) : d.kept ? (
              <span className="muted">{d.description || "No description"}</span>
            ) : d.media ? (
              <input
                type="text"
                aria-label={`Alt text for ${d.name}`}
                placeholder={d.kind === "audio" ? "Describe it for people who cannot hear it" : "Describe it for people who cannot see it"}
                value={d.description}
                onChange={(e) => change(d.key, e.target.value)}
              />
            ) : d.progress < sentShare ? (
              <progress aria-label={`Uploading ${d.name}`} max={1} value={d.progress} />
            ) : (
              // Sent: the server is processing it (a video's takes a while); posting waits.
              <span className="processing" role="status">
                <progress aria-label={`Processing ${d.name}`} />
                Processing…
              </span>
            )}
          </div>
          <button type="button" aria-label={`Remove ${d.name}`} onClick={() => remove(d.key)}>
            Remove
          </button>
        </li>
      ))}
    </ul>
  );
}

// The preview at its own proportions, so that a click's place on it is its place on the image.
function FocalPoint({ draft, pick }: { draft: Draft; pick: (f: Focus) => void }) {
  const click = (e: MouseEvent<HTMLButtonElement>) => {
    const img = e.currentTarget.querySelector("img");
    if (!img) return;
    const r = img.getBoundingClientRect();
    pick(focusOfClick(e.clientX - r.left, e.clientY - r.top, r.width, r.height));
  };
  const at = draft.focus ? focusPosition(draft.focus) : null;
  const label = draft.focus ? `Focal point of ${draft.name}: ${draft.focus.x},${draft.focus.y}` : `Focal point of ${draft.name}: pick it`;
  return (
    <button type="button" className="focal" aria-label={label} title="Click the point to keep in view when the image is cropped" onClick={click}>
      <img src={draft.media?.preview_url ?? undefined} alt="" width={96} />
      {at ? <span className="focus-dot" style={{ left: `${at.left}%`, top: `${at.top}%` }} /> : null}
    </button>
  );
}

export function PollEditor({ poll, change }: { poll: DraftPoll; change: (p: DraftPoll) => void }) {
  const setOption = (i: number, v: string) => change({ ...poll, options: poll.options.map((o, j) => (j === i ? v : o)) });
  return (
    <fieldset className="poll-editor" aria-label="Poll">
      {poll.options.map((o, i) => (
        <div className="row" key={i}>
          <input type="text" aria-label={`Option ${i + 1}`} placeholder={`Option ${i + 1}`} value={o} onChange={(e) => setOption(i, e.target.value)} />
          {poll.options.length > minPollOptions ? (
            <button type="button" aria-label={`Remove option ${i + 1}`} onClick={() => change({ ...poll, options: poll.options.filter((_, j) => j !== i) })}>
              ×
            </button>
          ) : null}
        </div>
      ))}
      <div className="row">
        {poll.options.length < maxPollOptions ? (
          <button type="button" onClick={() => change({ ...poll, options: [...poll.options, ""] })}>
            Add option
          </button>
        ) : null}
        <label>
          <input type="checkbox" checked={poll.multiple} onChange={(e) => change({ ...poll, multiple: e.target.checked })} /> Several choices
        </label>
        <select aria-label="Poll length" value={poll.expiresIn} onChange={(e) => change({ ...poll, expiresIn: Number(e.target.value) })}>
          {pollExpiries.map((x) => (
            <option key={x.seconds} value={x.seconds}>
              {x.label}
            </option>
          ))}
        </select>
      </div>
    </fieldset>
  );
}
