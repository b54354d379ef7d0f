// /web/statuses/:id: a post in its thread, the posts it answers above it and the
// replies below, indented by depth, with a box to reply to it.
import { useLocation, useParams } from "react-router";
import { useInstanceQuery, useMeQuery } from "../api";
import { useAppSelector } from "../hooks";
import { useT } from "../i18n";
import { replyDepths, useContextQuery, useStatusQuery } from "../statuses";
import { Compose } from "./Compose";
import { StatusItem } from "./StatusItem";

export function Thread() {
  const { id = "" } = useParams();
  const replying = (useLocation().state as { reply?: boolean } | null)?.reply === true;
  const { data: status, error, isLoading } = useStatusQuery(id);
  const { data: context } = useContextQuery(id);
  const { data: me } = useMeQuery();
  const { data: instance } = useInstanceQuery();
  const gone = useAppSelector((s) => s.live.gone);
  const t = useT();
  if (isLoading) return <p className="muted">{t("common.loading")}</p>;
  if (error || !status) {
    return (
      <p className="error" role="alert">
        {t("thread.failed")}
      </p>
    );
  }
  // The page is about the original of a boost.
  const focus = status.reblog ?? status;
  if (gone.includes(focus.id)) {
    return (
      <p className="muted" role="status">
        {t("thread.deleted")}
      </p>
    );
  }
  const depths = replyDepths(focus.id, context?.descendants ?? []);
  return (
    <section aria-label={t("thread.title")}>
      <h1>{t("thread.title")}</h1>
      <ol className="timeline">
        {context?.ancestors.map((s) => <StatusItem key={s.id} status={s} />)}
        <StatusItem key={focus.id} status={focus} focused />
      </ol>
      {me ? (
        <Compose
          key={focus.id}
          maxCharacters={instance?.configuration.statuses.max_characters ?? 500}
          replyTo={{ status: focus, myAcct: me.acct }}
          autoFocus={replying}
        />
      ) : null}
      <ol className="timeline replies" aria-label={t("thread.replies")}>
        {context?.descendants.map((s) => <StatusItem key={s.id} status={s} depth={depths.get(s.id) ?? 1} />)}
      </ol>
    </section>
  );
}
