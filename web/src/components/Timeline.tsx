// One timeline, read from the API, with the posts the stream brought waiting behind a
// "new posts" button rather than pushing the list down while it is read.
import { useState } from "react";
import { useTimelineQuery, type FixedKind, type TimelineKind } from "../api";
import { useAppDispatch, useAppSelector } from "../hooks";
import { loadOlder, showPending } from "../store";
import { StatusItem } from "./StatusItem";

export const titles: Record<FixedKind, string> = { home: "Home", local: "Local", federated: "Federated" };

/** A timeline as a page of its own, under its title. */
export function TimelinePage({ kind }: { kind: FixedKind }) {
  return (
    <>
      <h1>{titles[kind]}</h1>
      <Timeline key={kind} kind={kind} />
    </>
  );
}

export function Timeline({ kind }: { kind: TimelineKind }) {
  const dispatch = useAppDispatch();
  const { data, error, isLoading, refetch } = useTimelineQuery(kind);
  const pending = useAppSelector((s) => s.live.pending[kind]?.length ?? 0);
  const [older, setOlder] = useState<"idle" | "loading" | "end" | "failed">("idle");
  const more = () => {
    setOlder("loading");
    dispatch(loadOlder(kind)).then(
      (n) => setOlder(n === 0 ? "end" : "idle"),
      () => setOlder("failed"),
    );
  };
  if (isLoading) return <p className="muted">Loading…</p>;
  if (error) {
    return (
      <p className="error" role="alert">
        The timeline could not be loaded.{" "}
        <button type="button" onClick={() => void refetch()}>
          Retry
        </button>
      </p>
    );
  }
  return (
    <section aria-label={`${kind} timeline`}>
      <div aria-live="polite">
        {pending > 0 ? (
          <button type="button" className="new-posts" onClick={() => dispatch(showPending(kind))}>
            {pending === 1 ? "1 new post" : `${pending} new posts`}
          </button>
        ) : null}
      </div>
      {data && data.length > 0 ? (
        <ol className="timeline">
          {data.map((s) => (
            <StatusItem key={s.id} status={s} />
          ))}
        </ol>
      ) : null}
      {data && data.length > 0 ? (
        older === "end" ? (
          <p className="muted">That is all.</p>
        ) : (
          <button type="button" className="older" onClick={more} disabled={older === "loading"}>
            {older === "loading" ? "Loading…" : older === "failed" ? "Loading failed: try again" : "Load older posts"}
          </button>
        )
      ) : (
        <p className="muted">Nothing here yet.</p>
      )}
    </section>
  );
}
