// A post's poll. Before the reader votes it offers its options (radio buttons, or
// checkboxes when several may be chosen) and a Vote button; once they voted, once it
// ended, and always to its author, it shows each option's share instead, the
// reader's own choices marked.
import { useState } from "react";
import { useMeQuery } from "../api";
import { pollShares, showResults } from "../compose";
import type { Status } from "../entities";
import { useVoteMutation } from "../statuses";

export function PollView({ status }: { status: Status }) {
  const poll = status.poll;
  const { data: me } = useMeQuery();
  const [chosen, setChosen] = useState<number[]>([]);
  const [vote, { isLoading, error }] = useVoteMutation();
  if (!poll) return null;
  const results = showResults(poll, me?.id === status.account.id);
  const shares = pollShares(poll);
  const own = new Set(poll.own_votes ?? []);
  const ends = poll.expires_at ? new Date(poll.expires_at).toLocaleString() : null;
  const pick = (i: number, on: boolean) =>
    setChosen(poll.multiple ? (on ? [...chosen, i] : chosen.filter((c) => c !== i)) : [i]);

  return (
    <form
      className="poll"
      aria-label="Poll"
      onSubmit={(e) => {
        e.preventDefault();
        if (chosen.length > 0) void vote({ status, choices: chosen });
      }}
    >
      {results ? (
        <ul>
          {poll.options.map((o, i) => (
            <li key={i} className={own.has(i) ? "option own" : "option"}>
              <span className="share">{shares[i]}%</span> <span className="title">{o.title}</span>
              {own.has(i) ? <span className="muted"> (your vote)</span> : null}
              <span className="bar" style={{ width: `${shares[i]}%` }} />
            </li>
          ))}
        </ul>
      ) : (
        <fieldset>
          <legend className="muted">{poll.multiple ? "Choose one or more" : "Choose one"}</legend>
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
        {poll.voters_count ?? poll.votes_count} {(poll.voters_count ?? poll.votes_count) === 1 ? "person" : "people"}
        {" · "}
        {poll.expired ? "Closed" : ends ? `Ends ${ends}` : "Open"}
        {results ? null : (
          <>
            {" "}
            <button type="submit" disabled={chosen.length === 0 || isLoading}>
              Vote
            </button>
          </>
        )}
      </p>
      {error ? (
        <p className="error" role="alert">
          The vote was not counted: {(error as { data?: { error?: string } }).data?.error ?? "network error"}
        </p>
      ) : null}
    </form>
  );
}
