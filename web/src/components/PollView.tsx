// A post's poll. Before the reader votes it offers its options (radio buttons, or
// checkboxes when several may be chosen) and a Vote button; once they voted, once it
// ended, and always to its author, it shows each option's share instead, the
// reader's own choices marked.
import { useState } from "react";
import { useMeQuery } from "../api";
import { pollShares, showResults } from "../compose";
import type { Status } from "../entities";
import { formatDateTime, formatNumber, useT } from "../i18n";
import { useVoteMutation } from "../statuses";

export function PollView({ status }: { status: Status }) {
  const poll = status.poll;
  const { data: me } = useMeQuery();
  const t = useT();
  const [chosen, setChosen] = useState<number[]>([]);
  const [vote, { isLoading, error }] = useVoteMutation();
  if (!poll) return null;
  const results = showResults(poll, me?.id === status.account.id);
  const shares = pollShares(poll);
  const own = new Set(poll.own_votes ?? []);
  const ends = poll.expires_at ? formatDateTime(poll.expires_at) : null;
  const voters = poll.voters_count ?? poll.votes_count;
  const pick = (i: number, on: boolean) =>
    setChosen(poll.multiple ? (on ? [...chosen, i] : chosen.filter((c) => c !== i)) : [i]);

  return (
    <form
      className="poll"
      aria-label={t("poll.label")}
      onSubmit={(e) => {
        e.preventDefault();
        if (chosen.length > 0) void vote({ status, choices: chosen });
      }}
    >
      {results ? (
        <ul>
          {poll.options.map((o, i) => (
            <li key={i} className={own.has(i) ? "option own" : "option"}>
              <span className="share">{formatNumber((shares[i] ?? 0) / 100, "percent")}</span> <span className="title">{o.title}</span>
              {own.has(i) ? <span className="muted"> {t("poll.yourVote")}</span> : null}
              <span className="bar" style={{ width: `${shares[i]}%` }} />
            </li>
          ))}
        </ul>
      ) : (
        <fieldset>
          <legend className="muted">{poll.multiple ? t("poll.chooseMany") : t("poll.chooseOne")}</legend>
          {poll.options.map((o, i) => (
            <label key={i}>
              <input
                type={poll.multiple ? "checkbox" : "radio"}
                name={`poll-${poll.id}`}
                checked={chosen.includes(i)}
                onChange={(e) => pick(i, e.target.checked)}
              />{" "}
              {o.title}
            </label>
          ))}
        </fieldset>
      )}
      <p className="muted">
        {t("poll.people", { count: voters, n: formatNumber(voters) })}
        {" · "}
        {poll.expired ? t("poll.closed") : ends ? t("poll.ends", { when: ends }) : t("poll.open")}
        {results ? null : (
          <>
            {" "}
            <button type="submit" disabled={chosen.length === 0 || isLoading}>
              {t("poll.vote")}
            </button>
          </>
        )}
      </p>
      {error ? (
        <p className="error" role="alert">
          {t("poll.voteFailed", { reason: (error as { data?: { error?: string } }).data?.error ?? t("common.networkError") })}
        </p>
      ) : null}
    </form>
  );
}
