// The compose box: text, an optional content warning, and the visibility; given the
// post it answers, a reply (reply.ts says how it starts). The limit
// is the instance's max_characters, counted in code points (Mastodon counts URLs as
// 23 characters; this count does not, so it errs on the safe side).
import { useState, type FormEvent } from "react";
import { usePostStatusMutation } from "../api";
import type { Status, Visibility } from "../entities";
import { newVerifier } from "../oauth";
import { replyMentions, replyVisibility } from "../reply";

const visibilities: { value: Visibility; label: string }[] = [
  { value: "public", label: "Public" },
  { value: "unlisted", label: "Quiet public" },
  { value: "private", label: "Followers only" },
  { value: "direct", label: "Mentioned people only" },
];

interface ComposeProps {
  maxCharacters: number;
  /** The post answered, and who answers it (their acct, left out of the mentions). */
  replyTo?: { status: Status; myAcct: string };
  autoFocus?: boolean;
}

export function Compose({ maxCharacters, replyTo, autoFocus = false }: ComposeProps) {
  const parent = replyTo?.status;
  const start = () => (replyTo ? replyMentions(replyTo.status, replyTo.myAcct) : "");
  const [text, setText] = useState(start);
  const [warn, setWarn] = useState(parent ? parent.spoiler_text !== "" : false);
  const [spoiler, setSpoiler] = useState(parent?.spoiler_text ?? "");
  const [visibility, setVisibility] = useState<Visibility>(parent ? replyVisibility(parent.visibility, "public") : "public");
  const [key, setKey] = useState(newVerifier);
  const [post, { isLoading, error }] = usePostStatusMutation();
  const left = maxCharacters - [...text].length - (warn ? [...spoiler].length : 0);
  const canPost = text.trim() !== "" && left >= 0 && !isLoading;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!canPost) return;
    const sent = await post({
      status: text,
      visibility,
      idempotencyKey: key,
      ...(parent ? { in_reply_to_id: parent.id } : {}),
      ...(warn && spoiler.trim() !== "" ? { spoiler_text: spoiler, sensitive: true } : {}),
    });
    if ("data" in sent) {
      setText(start());
      setSpoiler(parent?.spoiler_text ?? "");
      setWarn(parent ? parent.spoiler_text !== "" : false);
      setKey(newVerifier());
    }
  };

  return (
    <form className="compose" onSubmit={(e) => void submit(e)} aria-label={parent ? "Reply" : "New post"}>
      {warn ? (
        <input
          type="text"
          aria-label="Content warning"
          placeholder="Content warning"
          value={spoiler}
          onChange={(e) => setSpoiler(e.target.value)}
        />
      ) : null}
      <textarea
        aria-label={parent ? "Your reply" : "What's on your mind?"}
        placeholder={parent ? "Your reply" : "What's on your mind?"}
        autoFocus={autoFocus}
        rows={5}
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
      <div className="row">
        <label>
          <input type="checkbox" checked={warn} onChange={(e) => setWarn(e.target.checked)} /> Content warning
        </label>
        <select aria-label="Visibility" value={visibility} onChange={(e) => setVisibility(e.target.value as Visibility)}>
          {visibilities.map((v) => (
            <option key={v.value} value={v.value}>
              {v.label}
            </option>
          ))}
        </select>
      </div>
      <div className="row">
        <span className={left < 0 ? "error" : "muted"} aria-label="Characters left">
          {left}
        </span>
        <button type="submit" className="primary" disabled={!canPost}>
          {isLoading ? "Posting…" : parent ? "Reply" : "Post"}
        </button>
      </div>
      {error ? (
        <p className="error" role="alert">
          {describe(error)}
        </p>
      ) : null}
    </form>
  );
}

function describe(error: unknown): string {
  const e = error as { status?: number | string; data?: { error?: string } };
  return `The post was not sent: ${e.data?.error ?? String(e.status ?? "network error")}`;
}
