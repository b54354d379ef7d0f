// The compose box's attachments: each picked or pasted file with its upload's
// progress, then "Processing…" until the server has processed it, then its preview (a click on it picks the focal point, marked by a dot),
// an alt text field and a Remove button; and the poll
// editor (2 to 4 options, its length, one or several choices).
import type { MouseEvent } from "react";
import type { MediaAttachment } from "../entities";
import { focusOfClick, focusPosition, type Focus } from "../focus";
import { formatDuration, useT } from "../i18n";
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
  const t = useT();
  if (drafts.length === 0) return null;
  return (
    <ul className="drafts" aria-label={t("compose.attachments")}>
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
              <span className="muted">{d.description || t("compose.noDescription")}</span>
            ) : d.media ? (
              <input
                type="text"
                aria-label={t("compose.altFor", { name: d.name })}
                placeholder={d.kind === "audio" ? t("compose.describeAudio") : t("compose.describeImage")}
                value={d.description}
                onChange={(e) => change(d.key, e.target.value)}
              />
            ) : d.progress < sentShare ? (
              <progress aria-label={t("compose.uploading", { name: d.name })} max={1} value={d.progress} />
            ) : (
              // Sent: the server is processing it (a video's takes a while); posting waits.
              <span className="processing" role="status">
                <progress aria-label={t("compose.processingName", { name: d.name })} />
                {t("compose.processing")}
              </span>
            )}
          </div>
          <button type="button" aria-label={t("compose.removeName", { name: d.name })} onClick={() => remove(d.key)}>
            {t("compose.remove")}
          </button>
        </li>
      ))}
    </ul>
  );
}

// The preview at its own proportions, so that a click's place on it is its place on the image.
function FocalPoint({ draft, pick }: { draft: Draft; pick: (f: Focus) => void }) {
  const t = useT();
  const click = (e: MouseEvent<HTMLButtonElement>) => {
    const img = e.currentTarget.querySelector("img");
    if (!img) return;
    const r = img.getBoundingClientRect();
    pick(focusOfClick(e.clientX - r.left, e.clientY - r.top, r.width, r.height));
  };
  const at = draft.focus ? focusPosition(draft.focus) : null;
  const label = draft.focus
    ? t("compose.focalPoint", { name: draft.name, x: draft.focus.x, y: draft.focus.y })
    : t("compose.focalPointPick", { name: draft.name });
  return (
    <button type="button" className="focal" aria-label={label} title={t("compose.focalHelp")} onClick={click}>
      <img src={draft.media?.preview_url ?? undefined} alt="" width={96} />
      {at ? <span className="focus-dot" style={{ left: `${at.left}%`, top: `${at.top}%` }} /> : null}
    </button>
  );
}

export function PollEditor({ poll, change }: { poll: DraftPoll; change: (p: DraftPoll) => void }) {
  const t = useT();
  const setOption = (i: number, v: string) => change({ ...poll, options: poll.options.map((o, j) => (j === i ? v : o)) });
  return (
    <fieldset className="poll-editor" aria-label={t("poll.label")}>
      {poll.options.map((o, i) => (
        <div className="row" key={i}>
          <input
            type="text"
            aria-label={t("compose.option", { n: i + 1 })}
            placeholder={t("compose.option", { n: i + 1 })}
            value={o}
            onChange={(e) => setOption(i, e.target.value)}
          />
          {poll.options.length > minPollOptions ? (
            <button type="button" aria-label={t("compose.removeOption", { n: i + 1 })} onClick={() => change({ ...poll, options: poll.options.filter((_, j) => j !== i) })}>
              ×
            </button>
          ) : null}
        </div>
      ))}
      <div className="row">
        {poll.options.length < maxPollOptions ? (
          <button type="button" onClick={() => change({ ...poll, options: [...poll.options, ""] })}>
            {t("compose.addOption")}
          </button>
        ) : null}
        <label>
          <input type="checkbox" checked={poll.multiple} onChange={(e) => change({ ...poll, multiple: e.target.checked })} /> {t("compose.severalChoices")}
        </label>
        <select aria-label={t("compose.pollLength")} value={poll.expiresIn} onChange={(e) => change({ ...poll, expiresIn: Number(e.target.value) })}>
          {pollExpiries.map((x) => (
            <option key={x.seconds} value={x.seconds}>
              {x.label ? t(x.label) : formatDuration(x.seconds)}
            </option>
          ))}
        </select>
      </div>
    </fieldset>
  );
}
