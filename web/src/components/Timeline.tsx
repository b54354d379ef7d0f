// One timeline, read from the API, with the posts the stream brought waiting behind a
// "new posts" button rather than pushing the list down while it is read.
import { useState } from "react";
import { useTimelineQuery, type FixedKind, type TimelineKind } from "../api";
import { useAppDispatch, useAppSelector } from "../hooks";
import { useT, type MessageKey } from "../i18n";
import { loadOlder, showPending } from "../store";
import { StatusItem } from "./StatusItem";

export const titles: Record<FixedKind, MessageKey> = { home: "timeline.home", local: "timeline.local", federated: "timeline.federated" };

/** A timeline as a page of its own, under its title. */
export function TimelinePage({ kind }: { kind: FixedKind }) {
  const t = useT();
  return (
    <>
      <h1>{t(titles[kind])}</h1>
      <Timeline key={kind} kind={kind} />
    </>
  );
}

export function Timeline({ kind }: { kind: TimelineKind }) {
  const dispatch = useAppDispatch();
  const t = useT();
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
  if (isLoading) return <p className="muted">{t("common.loading")}</p>;
  if (error) {
    return (
      <p className="error" role="alert">
        {t("timeline.failed")}{" "}
        <button type="button" onClick={() => void refetch()}>
          {t("common.retry")}
        </button>
      </p>
    );
  }
  return (
    <section aria-label={t("timeline.label", { kind })}>
      <div aria-live="polite">
        {pending > 0 ? (
          <button type="button" className="new-posts" onClick={() => dispatch(showPending(kind))}>
            {t("timeline.newPosts", { count: pending })}
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
          <p className="muted">{t("timeline.end")}</p>
        ) : (
          <button type="button" className="older" onClick={more} disabled={older === "loading"}>
            {older === "loading" ? t("common.loading") : older === "failed" ? t("timeline.olderFailed") : t("timeline.older")}
          </button>
        )
      ) : (
        <p className="muted">{t("timeline.empty")}</p>
      )}
    </section>
  );
}
