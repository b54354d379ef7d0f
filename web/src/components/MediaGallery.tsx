// A post's media: images, and video and audio with the browser's controls. Media
// marked sensitive are blurred behind a button until the reader chooses to see them,
// as Mastodon's web app does; each carries its description as alt text (a label for
// video and audio), also shown under it once visible.
import { useState } from "react";
import type { MediaAttachment } from "../entities";
import { useT } from "../i18n";

export function MediaGallery({ media, sensitive }: { media: MediaAttachment[]; sensitive: boolean }) {
  const [revealed, setRevealed] = useState(!sensitive);
  const t = useT();
  const shown = media.filter((m) => m.preview_url || (playable(m) && m.url));
  if (shown.length === 0) return null;
  return (
    <div className={revealed ? "media" : "media hidden"}>
      {shown.map((m) => (
        <figure key={m.id}>
          {revealed ? (
            <Shown m={m} />
          ) : m.preview_url ? (
            // The blurred preview is decoration until shown: its description is not read out yet.
            <img src={m.preview_url} alt="" aria-hidden="true" loading="lazy" />
          ) : (
            <div className="media-placeholder" aria-hidden="true" />
          )}
          {revealed && m.description ? <figcaption className="alt">{m.description}</figcaption> : null}
        </figure>
      ))}
      {revealed ? (
        sensitive ? (
          <button type="button" className="hide-media" onClick={() => setRevealed(false)}>
            {t("media.hide")}
          </button>
        ) : null
      ) : (
        <button type="button" className="reveal" onClick={() => setRevealed(true)}>
          {t("media.show")}
        </button>
      )}
    </div>
  );
}

const playable = (m: MediaAttachment) => m.type === "video" || m.type === "gifv" || m.type === "audio";

// Video and audio play in the page with the browser's controls; a GIF made video
// loops silently, as Mastodon's web app shows it; an image links to its original.
function Shown({ m }: { m: MediaAttachment }) {
  const label = m.description ?? undefined;
  if (m.type === "video" && m.url) {
    return <video src={m.url} poster={m.preview_url ?? undefined} controls preload="metadata" aria-label={label} />;
  }
  if (m.type === "gifv" && m.url) {
    return <video src={m.url} poster={m.preview_url ?? undefined} autoPlay loop muted playsInline aria-label={label} />;
  }
  if (m.type === "audio" && m.url) {
    return <audio src={m.url} controls preload="metadata" aria-label={label} />;
  }
  return (
    <a href={m.url ?? m.preview_url ?? undefined} target="_blank" rel="noopener noreferrer">
      <img src={m.preview_url ?? undefined} alt={m.description ?? ""} loading="lazy" />
    </a>
  );
}
