// One post. Its content is HTML that the server sanitised when it stored it (as
// Mastodon's web app trusts its server's). A content warning hides the text and the
// media until opened. Clicking the post (not one of its links or buttons) opens its
// thread; its author's name opens the profile, and so does a mention in the text; a
// hashtag in the text opens the tag's timeline. An edited post has an "Edited" mark
// that opens its history; a post the viewer's filters warn of shows collapsed under
// the filter's title until shown anyway, and one they blur hides its media.
import { useState, type MouseEvent } from "react";
import { Link, useNavigate } from "react-router";
import type { Status } from "../entities";
import { filterVerdict } from "../filters";
import { formatDateTime, useT } from "../i18n";
import { EditedMark, EditHistory } from "./EditHistory";
import { tagPath } from "../search";
import { MediaGallery } from "./MediaGallery";
import { PollView } from "./PollView";
import { StatusActions } from "./StatusActions";

export const threadPath = (id: string) => `/web/statuses/${id}`;
export const profilePath = (id: string) => `/web/accounts/${id}`;

export function StatusItem({ status, focused = false, depth = 0 }: { status: Status; focused?: boolean; depth?: number }) {
  const shown = status.reblog ?? status;
  const navigate = useNavigate();
  const t = useT();
  const [open, setOpen] = useState(false);
  const [showFiltered, setShowFiltered] = useState(false);
  const [history, setHistory] = useState(false);
  const verdict = filterVerdict(status);
  const warned = shown.spoiler_text !== "";
  const a = shown.account;

  const clicked = (e: MouseEvent<HTMLDivElement>) => {
    const target = e.target as HTMLElement;
    const link = target.closest("a");
    if (link) {
      if (e.ctrlKey || e.metaKey) return;
      const mention = shown.mentions.find((m) => m.url === link.href);
      // Servers mark a hashtag's link rel="tag" (Mastodon's also class "hashtag").
      const tag = link.relList.contains("tag") || link.classList.contains("hashtag") ? link.textContent?.replace(/^#/, "") : undefined;
      if (mention) {
        e.preventDefault();
        void navigate(profilePath(mention.id));
      } else if (tag) {
        e.preventDefault();
        void navigate(tagPath(tag));
      }
      return;
    }
    if (focused || target.closest("button, .poll") || window.getSelection()?.toString()) return;
    void navigate(threadPath(shown.id));
  };

  if (verdict.warn.length > 0 && !showFiltered) {
    return (
      <li className="status filtered" data-id={shown.id}>
        <p className="muted">
          {t("status.filtered", { titles: verdict.warn.join(", ") })}{" "}
          <button type="button" onClick={() => setShowFiltered(true)}>
            {t("status.showAnyway")}
          </button>
        </p>
      </li>
    );
  }

  return (
    <li
      className={focused ? "status focused" : "status"}
      data-id={shown.id}
      // Focused by the j and k shortcuts, not by Tab.
      tabIndex={-1}
      style={depth > 0 ? { marginLeft: `${Math.min(depth, 4) * 1.2}em` } : undefined}
    >
      {status.reblog ? (
        <p className="muted boosted">
          <Link to={profilePath(status.account.id)}>{status.account.display_name || status.account.username}</Link> {t("status.boosted")}
        </p>
      ) : null}
      <div className="byline">
        <Link to={profilePath(a.id)} className="author">
          <img className="avatar" src={a.avatar} alt="" width={40} height={40} loading="lazy" />
          <span className="name">{a.display_name || a.username}</span>
        </Link>
        <span className="acct muted">@{a.acct}</span>
        <Link className="when muted" to={threadPath(shown.id)}>
          <time dateTime={shown.created_at}>{formatDateTime(shown.created_at)}</time>
        </Link>
        {shown.edited_at ? <EditedMark editedAt={shown.edited_at} open={history} toggle={() => setHistory(!history)} /> : null}
      </div>
      {history ? <EditHistory id={shown.id} /> : null}
      {/* A click anywhere in the body opens the thread; the keyboard's way is the time link. */}
      <div className="body" onClick={clicked}>
        {warned ? (
          <p className="spoiler">
            <span>{shown.spoiler_text}</span>{" "}
            <button type="button" aria-expanded={open} onClick={() => setOpen(!open)}>
              {open ? t("status.showLess") : t("status.showMore")}
            </button>
          </p>
        ) : null}
        {!warned || open ? (
          <>
            <div className="content" dangerouslySetInnerHTML={{ __html: shown.content }} />
            <MediaGallery media={shown.media_attachments} sensitive={shown.sensitive || verdict.blur} />
            <PollView status={shown} />
          </>
        ) : null}
      </div>
      <StatusActions status={shown} />
    </li>
  );
}
