// The buttons under a post: reply (in its thread), boost, favourite and bookmark,
// each pressed or not as the server last said, with the counts beside them; on one's
// own post, edit (in the compose box), delete, and delete and redraft (each after a
// confirmation; the compose box then starts from the deleted post); on another's,
// report (the form opens under the post).
import { useState } from "react";
import { useNavigate } from "react-router";
import { useMeQuery } from "../api";
import { redraftOf, startEdit } from "../editSlice";
import type { Status } from "../entities";
import { useAppDispatch } from "../hooks";
import { formatNumber, useT } from "../i18n";
import { ReportForm } from "./ReportForm";
import { statusesApi, useActMutation, useDeleteStatusMutation, type StatusAction } from "../statuses";
import { threadPath } from "./StatusItem";

export function StatusActions({ status }: { status: Status }) {
  const navigate = useNavigate();
  const t = useT();
  const { data: me } = useMeQuery();
  const [act, { isLoading }] = useActMutation();
  const [reporting, setReporting] = useState(false);
  const toggle = (on: boolean | undefined, action: StatusAction, undo: StatusAction) => {
    void act({ id: status.id, action: on ? undo : action });
  };
  // Private and direct posts cannot be boosted (Mastodon refuses it).
  const boostable = status.visibility === "public" || status.visibility === "unlisted";
  return (
    <div className="actions" role="group" aria-label={t("status.actions")}>
      <button type="button" data-action="reply" onClick={() => void navigate(threadPath(status.id), { state: { reply: true } })}>
        {t("status.reply")} <span className="count">{formatNumber(status.replies_count)}</span>
      </button>
      <button
        type="button"
        data-action="boost"
        aria-pressed={status.reblogged ?? false}
        disabled={isLoading || !boostable}
        onClick={() => toggle(status.reblogged, "reblog", "unreblog")}
      >
        {t("status.boost")} <span className="count">{formatNumber(status.reblogs_count)}</span>
      </button>
      <button
        type="button"
        data-action="favourite"
        aria-pressed={status.favourited ?? false}
        disabled={isLoading}
        onClick={() => toggle(status.favourited, "favourite", "unfavourite")}
      >
        {t("status.favourite")} <span className="count">{formatNumber(status.favourites_count)}</span>
      </button>
      <button
        type="button"
        aria-pressed={status.bookmarked ?? false}
        disabled={isLoading}
        onClick={() => toggle(status.bookmarked, "bookmark", "unbookmark")}
      >
        {t("status.bookmark")}
      </button>
      {me && me.id === status.account.id ? <OwnActions status={status} /> : null}
      {me && me.id !== status.account.id ? (
        <button type="button" aria-expanded={reporting} onClick={() => setReporting(!reporting)}>
          {t("status.report")}
        </button>
      ) : null}
      {reporting ? <ReportForm status={status} onClose={() => setReporting(false)} /> : null}
    </div>
  );
}

function OwnActions({ status }: { status: Status }) {
  const dispatch = useAppDispatch();
  const t = useT();
  const [problem, setProblem] = useState<string | null>(null);
  const [remove, { isLoading }] = useDeleteStatusMutation();
  const edit = async () => {
    setProblem(null);
    try {
      const source = await dispatch(statusesApi.endpoints.source.initiate(status.id, { subscribe: false, forceRefetch: true })).unwrap();
      dispatch(startEdit({ status, source }));
    } catch {
      setProblem(t("status.editFailed"));
    }
  };
  const [confirming, setConfirming] = useState<"delete" | "redraft" | null>(null);
  const confirm = async () => {
    const done = await remove(status.id);
    if ("error" in done) setProblem(t("status.deleteFailed"));
    // The answer holds the text as written: the compose box starts from it.
    else if (confirming === "redraft") dispatch(startEdit(redraftOf(done.data)));
    setConfirming(null);
  };
  return (
    <>
      <button type="button" onClick={() => void edit()}>
        {t("status.edit")}
      </button>
      {confirming ? (
        <span className="confirm" role="group" aria-label={t("status.confirmDeletion")}>
          {confirming === "redraft" ? t("status.redraftQuestion") : t("status.deleteQuestion")}{" "}
          <button type="button" className="danger" disabled={isLoading} onClick={() => void confirm()}>
            {confirming === "redraft" ? t("status.redraft") : t("status.deleteYes")}
          </button>
          <button type="button" onClick={() => setConfirming(null)}>
            {t("common.cancel")}
          </button>
        </span>
      ) : (
        <>
          <button type="button" onClick={() => setConfirming("delete")}>
            {t("status.delete")}
          </button>
          <button type="button" onClick={() => setConfirming("redraft")}>
            {t("status.redraft")}
          </button>
        </>
      )}
      {problem ? (
        <span className="error" role="alert">
          {problem}
        </span>
      ) : null}
    </>
  );
}
