// The buttons under a post: reply (in its thread), boost, favourite and bookmark,
// each pressed or not as the server last said, with the counts beside them; on one's
// own post, edit (in the compose box) and delete (after a confirmation).
import { useState } from "react";
import { useNavigate } from "react-router";
import { useMeQuery } from "../api";
import { startEdit } from "../editSlice";
import type { Status } from "../entities";
import { useAppDispatch } from "../hooks";
import { formatNumber, useT } from "../i18n";
import { statusesApi, useActMutation, useDeleteStatusMutation, type StatusAction } from "../statuses";
import { threadPath } from "./StatusItem";

export function StatusActions({ status }: { status: Status }) {
  const navigate = useNavigate();
  const t = useT();
  const { data: me } = useMeQuery();
  const [act, { isLoading }] = useActMutation();
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
    </div>
  );
}

function OwnActions({ status }: { status: Status }) {
  const dispatch = useAppDispatch();
  const t = useT();
  const [confirming, setConfirming] = useState(false);
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
  const confirm = async () => {
    const done = await remove(status.id);
    if ("error" in done) setProblem(t("status.deleteFailed"));
    setConfirming(false);
  };
  return (
    <>
      <button type="button" onClick={() => void edit()}>
        {t("status.edit")}
      </button>
      {confirming ? (
        <span className="confirm" role="group" aria-label={t("status.confirmDeletion")}>
          {t("status.deleteQuestion")}{" "}
          <button type="button" className="danger" disabled={isLoading} onClick={() => void confirm()}>
            {t("status.deleteYes")}
          </button>
          <button type="button" onClick={() => setConfirming(false)}>
            {t("common.cancel")}
          </button>
        </span>
      ) : (
        <button type="button" onClick={() => setConfirming(true)}>
          {t("status.delete")}
        </button>
      )}
      {problem ? (
        <span className="error" role="alert">
          {problem}
        </span>
      ) : null}
    </>
  );
}
