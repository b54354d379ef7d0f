// /web/moderation/announcements: the announcements of the server, newest first, with
// where each stands (published, scheduled, draft); written with an optional event time
// (start, end, all day) and published at once or kept as a draft, edited in place,
// published or withdrawn, and removed after a confirmation.
import { useState, type FormEvent } from "react";
import { useDraft } from "./useDraft";
import { adminErrorText } from "../../admin";
import {
  announcementDraftOf,
  announcementProblem,
  announcementState,
  newAnnouncement,
  useAdminAnnouncementsQuery,
  useAnnouncementDoMutation,
  useRemoveAnnouncementMutation,
  useSaveAnnouncementMutation,
  type AdminAnnouncement,
  type AnnouncementDraft,
  type AnnouncementState,
} from "../../contentAdmin";
import { formatDate, formatDateTime, useT, type MessageKey } from "../../i18n";
import { Confirm } from "./Confirm";

export function Announcements() {
  const t = useT();
  const q = useAdminAnnouncementsQuery(undefined, { refetchOnMountOrArgChange: true });
  let body;
  if (q.isLoading) body = <p className="muted">{t("common.loading")}</p>;
  else if (q.error) body = <p className="error">{t("announcements.failed", { reason: adminErrorText(q.error) })}</p>;
  else if (!q.data || q.data.length === 0) body = <p className="muted">{t("announcements.none")}</p>;
  else {
    body = (
      <ul className="admin-items" aria-label={t("moderation.announcements")}>
        {q.data.map((a) => (
          <AnnouncementItem key={a.id} item={a} />
        ))}
      </ul>
    );
  }
  return (
    <section aria-label={t("moderation.announcements")}>
      <AnnouncementForm />
      <h2>{t("moderation.announcements")}</h2>
      {body}
    </section>
  );
}

const stateLabels: Record<AnnouncementState, MessageKey> = {
  published: "announcements.state.published",
  scheduled: "announcements.state.scheduled",
  draft: "announcements.state.draft",
};

/** When the event is, in words ("" when it has no time). */
function eventTime(a: AdminAnnouncement): string {
  const fmt = a.all_day ? formatDate : formatDateTime;
  if (a.starts_at && a.ends_at) return `${fmt(a.starts_at)} – ${fmt(a.ends_at)}`;
  if (a.starts_at) return fmt(a.starts_at);
  if (a.ends_at) return fmt(a.ends_at);
  return "";
}

export function AnnouncementItem({ item: a }: { item: AdminAnnouncement }) {
  const [editing, setEditing] = useState(false);
  const [act, { isLoading: acting, error: actError }] = useAnnouncementDoMutation();
  const [remove, { isLoading: removing, error: removeError }] = useRemoveAnnouncementMutation();
  const t = useT();
  const state = announcementState(a);
  const name = a.text.length > 40 ? `${a.text.slice(0, 40)}…` : a.text;
  if (editing) {
    return (
      <li className="admin-item" data-announcement={a.id}>
        <AnnouncementForm item={a} onDone={() => setEditing(false)} />
      </li>
    );
  }
  const when = eventTime(a);
  return (
    <li className="admin-item" data-announcement={a.id}>
      <span className="admin-item-main">
        <span className="announcement-text">{a.text}</span>
        {when ? <span className="muted">{a.all_day ? t("announcements.allDayWhen", { when }) : when}</span> : null}
        {state === "scheduled" && a.scheduled_at ? <span className="muted">{t("announcements.scheduledFor", { when: formatDateTime(a.scheduled_at) })}</span> : null}
      </span>
      <span className={`state ${state === "published" ? "active" : ""}`}>{t(stateLabels[state])}</span>
      <button type="button" aria-label={t("announcements.edit", { text: name })} onClick={() => setEditing(true)}>
        {t("status.edit")}
      </button>
      <button type="button" disabled={acting} onClick={() => void act({ id: a.id, verb: a.published ? "unpublish" : "publish" })}>
        {a.published ? t("announcements.unpublish") : t("announcements.publish")}
      </button>
      <Confirm
        label={t("announcements.remove", { text: name })}
        group={t("moderation.confirmRemoving", { name })}
        question={t("announcements.removeQuestion")}
        yes={t("moderation.yesRemove")}
        busy={removing}
        error={removeError}
        failed={t("moderation.notRemoved")}
        onConfirm={() => void remove(a.id)}
      />
      {actError ? (
        <span className="error" role="alert">
          {t("moderation.notDone", { reason: adminErrorText(actError) })}
        </span>
      ) : null}
    </li>
  );
}

function AnnouncementForm({ item, onDone }: { item?: AdminAnnouncement; onDone?: () => void }) {
  const [save, { isLoading, error, reset }] = useSaveAnnouncementMutation();
  const [d, change, setD] = useDraft<AnnouncementDraft>(() => (item ? announcementDraftOf(item) : newAnnouncement()), reset);
  const t = useT();
  const problem = announcementProblem(d);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (problem) return;
    const out = await save(item ? { id: item.id, draft: d } : { draft: d });
    if ("data" in out) {
      if (onDone) onDone();
      else setD(newAnnouncement());
    }
  };
  const name = item ? t("announcements.edit", { text: item.text.length > 40 ? `${item.text.slice(0, 40)}…` : item.text }) : t("announcements.add");
  const kind = d.allDay ? "date" : "datetime-local";
  // A date field takes the date part of the datetime-local value; the time is then midnight.
  const shown = (v: string) => (d.allDay ? v.slice(0, 10) : v);
  const stored = (v: string) => (d.allDay && v ? `${v}T00:00` : v);
  return (
    <form className="settings-form" aria-label={name} onSubmit={(e) => void submit(e)}>
      {item ? null : <h2>{t("announcements.add")}</h2>}
      <label>
        {t("announcements.text")}
        <textarea rows={3} value={d.text} onChange={(e) => change({ text: e.target.value })} />
      </label>
      <label>
        <input type="checkbox" checked={d.allDay} onChange={(e) => change({ allDay: e.target.checked })} /> {t("announcements.allDay")}
      </label>
      <div className="row">
        <label>
          {t("announcements.startsAt")}
          <input type={kind} value={shown(d.startsAt)} onChange={(e) => change({ startsAt: stored(e.target.value) })} />
        </label>
        <label>
          {t("announcements.endsAt")}
          <input type={kind} value={shown(d.endsAt)} onChange={(e) => change({ endsAt: stored(e.target.value) })} />
        </label>
      </div>
      <label>
        {item ? t("announcements.scheduleAgain") : t("announcements.scheduledAt")}
        <input type="datetime-local" value={d.scheduledAt} onChange={(e) => change({ scheduledAt: e.target.value })} />
      </label>
      {item || d.scheduledAt !== "" ? null : (
        <label>
          <input type="checkbox" checked={d.publish} onChange={(e) => change({ publish: e.target.checked })} /> {t("announcements.publishNow")}
        </label>
      )}
      {problem && d.text !== "" ? <p className="muted">{problem}</p> : null}
      <div className="row">
        <button type="submit" className="primary" disabled={isLoading || problem !== ""}>
          {item ? t("announcements.save") : t("announcements.addButton")}
        </button>
        {onDone ? (
          <button type="button" onClick={onDone}>
            {t("common.cancel")}
          </button>
        ) : null}
      </div>
      {error ? (
        <p className="error" role="alert">
          {t("announcements.notSaved", { reason: adminErrorText(error) })}
        </p>
      ) : null}
    </form>
  );
}
