// A post's media. Media marked sensitive are blurred behind a button until the reader
// chooses to see them, as Mastodon's web app does; each image carries its
// description as alt text, also shown under it once visible.
import { useState } from "react";
import type { MediaAttachment } from "../entities";

export function MediaGallery({ media, sensitive }: { media: MediaAttachment[]; sensitive: boolean }) {
  const [revealed, setRevealed] = useState(!sensitive);
  const shown = media.filter((m) => m.preview_url);
  if (shown.length === 0) return null;
  return (
    <div className={revealed ? "media" : "media hidden"}>
      {shown.map((m) => (
        <figure key={m.id}>
          {revealed ? (
            <a href={m.url ?? m.preview_url ?? undefined} target="_blank" rel="noopener noreferrer">
              <img src={m.preview_url ?? undefined} alt={m.description ?? ""} loading="lazy" />
            </a>
          ) : (
            // The blurred preview is decoration until shown: its description is not read out yet.
            <img src={m.preview_url ?? undefined} alt="" aria-hidden="true" loading="lazy" />
          )}
          {revealed && m.description ? <figcaption className="alt">{m.description}</figcaption> : null}
        </figure>
      ))}
      {revealed ? (
        sensitive ? (
          <button type="button" className="hide-media" onClick={() => setRevealed(false)}>
            Hide media
          </button>
        ) : null
      ) : (
        <button type="button" className="reveal" onClick={() => setRevealed(true)}>
          Sensitive content: show
        </button>
      )}
    </div>
  );
}
