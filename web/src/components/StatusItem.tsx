// One post. Its content is HTML that the server sanitised when it stored it (as
// Mastodon's web app trusts its server's). A content warning hides the text and the
// media until opened.
import { useState } from "react";
import type { Status } from "../entities";

export function StatusItem({ status }: { status: Status }) {
  const shown = status.reblog ?? status;
  const [open, setOpen] = useState(false);
  const warned = shown.spoiler_text !== "";
  const a = shown.account;
  return (
    <li className="status" data-id={shown.id}>
      {status.reblog ? <p className="muted boosted">{status.account.display_name || status.account.username} boosted</p> : null}
      <div className="byline">
        <img className="avatar" src={a.avatar} alt="" width={40} height={40} loading="lazy" />
        <span className="name">{a.display_name || a.username}</span>
        <a className="acct muted" href={a.url}>
          @{a.acct}
        </a>
        <a className="when muted" href={shown.url ?? shown.uri}>
          <time dateTime={shown.created_at}>{new Date(shown.created_at).toLocaleString()}</time>
        </a>
      </div>
      {warned ? (
        <p className="spoiler">
          <span>{shown.spoiler_text}</span>{" "}
          <button type="button" aria-expanded={open} onClick={() => setOpen(!open)}>
            {open ? "Show less" : "Show more"}
          </button>
        </p>
      ) : null}
      {!warned || open ? (
        <>
          <div className="content" dangerouslySetInnerHTML={{ __html: shown.content }} />
          {shown.media_attachments.length > 0 ? (
            <div className="media">
              {shown.media_attachments.map((m) =>
                m.preview_url ? (
                  <a key={m.id} href={m.url ?? m.preview_url}>
                    <img src={m.preview_url} alt={m.description ?? ""} loading="lazy" />
                  </a>
                ) : null,
              )}
            </div>
          ) : null}
        </>
      ) : null}
    </li>
  );
}
