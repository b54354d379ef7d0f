// The compose box: text, an optional content warning, and the visibility; given the
// post it answers, a reply (reply.ts says how it starts). The limit
// is the instance's max_characters, counted in code points (Mastodon counts URLs as
// 23 characters; this count does not, so it errs on the safe side). Up to four
// images, or one video or audio file, of the types the instance's configuration
// lists, picked or pasted, upload at once (upload.ts; the post waits while the server
// processes them) and take their alt text and an image its focal point (a click on
// the preview, focus.ts) before posting; or the post carries a poll. Not both: Mastodon refuses it.
// Given a post of one's own to edit, it starts from the post's text as written and
// saves it in place: its warning and text change, its media stay unless removed, its
// poll stays as it is (sent again, its votes kept), its visibility cannot change (Mastodon's rule).
// Given a post deleted to redraft, it starts from that post (its media and poll too)
// and posts a new one. A new post starts with the account's posting defaults
// (visibility, language, media marked sensitive); its language can be chosen. Given
// a time, a new post is scheduled instead (scheduled.ts); the scheduled posts are
// listed under the box, each cancelled on asking.
import { useState, type ClipboardEvent, type FormEvent } from "react";
import { useInstanceQuery, useMeQuery, usePostStatusMutation } from "../api";
import { languageName, postingDefaults, postingLanguages } from "../credentials";
import { endEdit, type Editing } from "../editSlice";
import { acceptAttribute, attachments, keptPoll as keepPoll, kindOf, maxMedia, newPoll, pollReady, redraftPoll, takeFiles, type DraftPoll } from "../compose";
import type { Status, Visibility } from "../entities";
import { useAppDispatch, useAppSelector } from "../hooks";
import { formatDateTime, formatNumber, i18n, useT, type MessageKey, type Translate } from "../i18n";
import { newVerifier } from "../oauth";
import { replyMentions, replyVisibility } from "../reply";
import { useEditStatusMutation } from "../statuses";
import { describeMedia, uploadMedia } from "../upload";
import { scheduledInstant, useSchedulePostMutation } from "../scheduled";
import { MediaDrafts, PollEditor, type Draft } from "./ComposeAttachments";
import { ScheduledPosts } from "./Scheduled";

const visibilities: { value: Visibility; label: MessageKey }[] = [
  { value: "public", label: "compose.visibility.public" },
  { value: "unlisted", label: "compose.visibility.unlisted" },
  { value: "private", label: "compose.visibility.private" },
  { value: "direct", label: "compose.visibility.direct" },
];

interface ComposeProps {
  maxCharacters: number;
  /** The post answered, and who answers it (their acct, left out of the mentions). */
  replyTo?: { status: Status; myAcct: string };
  autoFocus?: boolean;
  /** A post of one's own to edit (the box saves it instead of posting). */
  edit?: Editing;
  /** A direct message: private to those it mentions. */
  direct?: boolean;
}

/** The attachments of an edited post, as drafts already uploaded. */
const keptDrafts = (edit: Editing | undefined, name: (n: number) => string): Draft[] =>
  edit?.status.media_attachments.map((m, i) => ({
    key: m.id,
    name: name(i + 1),
    kind: m.type,
    progress: 1,
    media: m,
    description: m.description ?? "",
    kept: true,
  })) ?? [];

export function Compose({ maxCharacters, replyTo, autoFocus = false, edit: given, direct = false }: ComposeProps) {
  const dispatch = useAppDispatch();
  const t = useT();
  const defaults = postingDefaults(useMeQuery().data);
  // A redraft starts from the deleted post but is posted anew; edit is a post saved in place.
  const redraft = given?.redraft ? given : undefined;
  const edit = given?.redraft ? undefined : given;
  const parent = replyTo?.status;
  const start = () => (replyTo ? replyMentions(replyTo.status, replyTo.myAcct) : "");
  const [text, setText] = useState(() => given?.source.text ?? start());
  const [warn, setWarn] = useState(given ? given.source.spoiler_text !== "" : parent ? parent.spoiler_text !== "" : false);
  const [spoiler, setSpoiler] = useState(given?.source.spoiler_text ?? parent?.spoiler_text ?? "");
  // Null until chosen: the account's defaults then lead (they may arrive after the box shows).
  const [chosenVisibility, setVisibility] = useState<Visibility | null>(given ? given.status.visibility : direct ? "direct" : null);
  const visibility = chosenVisibility ?? (parent ? replyVisibility(parent.visibility, defaults.privacy) : defaults.privacy);
  const [chosenLanguage, setLanguage] = useState<string | null>(given ? (given.status.language ?? "") : null);
  const language = chosenLanguage ?? defaults.language;
  const [key, setKey] = useState(newVerifier);
  const [drafts, setDrafts] = useState<Draft[]>(() => keptDrafts(given, (n) => t("compose.attachmentName", { n })));
  const keptPoll = edit?.status.poll ?? null;
  const [poll, setPoll] = useState<DraftPoll | null>(() => (redraft?.status.poll ? redraftPoll(redraft.status.poll) : null));
  const [problem, setProblem] = useState<string | null>(null);
  // A datetime-local value: the post is scheduled for then ("" posts now).
  const [later, setLater] = useState("");
  const [scheduledFor, setScheduledFor] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const token = useAppSelector((s) => s.auth.token);
  const supported = useInstanceQuery().data?.configuration.media_attachments?.supported_mime_types;
  const [post, posting] = usePostStatusMutation();
  const [save, saved] = useEditStatusMutation();
  const [schedule, scheduling] = useSchedulePostMutation();
  const scheduled = !edit && later !== "";
  const { isLoading, error } = edit ? saved : scheduled ? scheduling : posting;
  const left = maxCharacters - [...text].length - (warn ? [...spoiler].length : 0);
  const uploading = drafts.some((d) => !d.media && !d.error);
  const ready = drafts.filter((d) => d.media);
  // A post with media may have no text, as Mastodon allows.
  const canPost =
    (text.trim() !== "" || ready.length > 0) && left >= 0 && !isLoading && !saving && !uploading && (poll === null || pollReady(poll));

  // A video or audio file goes alone, as in Mastodon's web app.
  const noMore = poll !== null || keptPoll !== null || drafts.length >= maxMedia || drafts.some((d) => d.kind !== "image");

  const patch = (key: string, change: Partial<Draft>) => setDrafts((ds) => ds.map((d) => (d.key === key ? { ...d, ...change } : d)));

  const add = (files: File[]) => {
    if (!token) return;
    const { take, refused } = takeFiles(
      drafts.map((d) => d.kind),
      files,
      supported,
    );
    setProblem(refused > 0 ? t("compose.refused", { max: maxMedia, count: refused }) : null);
    for (const file of take) {
      const key = newVerifier();
      setDrafts((ds) => [...ds, { key, name: file.name || t("compose.pastedImage"), kind: kindOf(file.type), progress: 0, description: "" }]);
      uploadMedia(file, token, (progress) => patch(key, { progress })).then(
        (media) => patch(key, { media, progress: 1 }),
        (err: unknown) => patch(key, { error: err instanceof Error ? err.message : String(err) }),
      );
    }
  };

  const pasted = (e: ClipboardEvent) => {
    const files = [...e.clipboardData.files];
    if (files.length === 0 || poll) return;
    e.preventDefault();
    add(files);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!canPost || !token) return;
    setSaving(true);
    try {
      // Alt text typed and the focal point picked after the upload are saved on the attachment before it is posted.
      const described = ready.filter((d) => !d.kept && (d.description.trim() !== "" || d.focus));
      await Promise.all(
        described.map((d) =>
          describeMedia(d.media!.id, { ...(d.description.trim() !== "" ? { description: d.description.trim() } : {}), focus: d.focus }, token),
        ),
      );
    } catch (err) {
      setProblem(err instanceof Error ? err.message : String(err));
      return;
    } finally {
      setSaving(false);
    }
    if (edit) {
      const done = await save({
        id: edit.status.id,
        status: text,
        spoiler_text: warn ? spoiler : "",
        // A warning makes the post sensitive; without one, its media keep their mark.
        sensitive: (warn && spoiler.trim() !== "") || (edit.status.sensitive && edit.status.spoiler_text === "" && ready.length > 0),
        ...(edit.status.media_attachments.length > 0 || ready.length > 0 ? { media_ids: ready.map((d) => d.media!.id) } : {}),
        ...(keptPoll ? { poll: keepPoll(keptPoll) } : {}),
        ...(language ? { language } : {}),
      });
      if ("data" in done) dispatch(endEdit());
      return;
    }
    const replyId = parent?.id ?? redraft?.status.in_reply_to_id;
    // Media are marked sensitive under a warning, when the account says so, or (redrafted) as they were.
    const sensitive = ready.length > 0 && (defaults.sensitive || (redraft?.status.sensitive ?? false));
    const params = {
      status: text,
      visibility,
      idempotencyKey: key,
      ...(replyId ? { in_reply_to_id: replyId } : {}),
      ...(language ? { language } : {}),
      ...(sensitive ? { sensitive: true } : {}),
      ...(warn && spoiler.trim() !== "" ? { spoiler_text: spoiler, sensitive: true } : {}),
      ...attachments(
        ready.map((d) => d.media!.id),
        poll,
      ),
    };
    const at = scheduledInstant(later);
    const sent = scheduled ? await schedule({ ...params, scheduled_at: at }) : await post(params);
    if ("data" in sent) {
      setScheduledFor(scheduled ? at : null);
      setLater("");
      if (redraft) {
        dispatch(endEdit());
        return;
      }
      setText(start());
      setSpoiler(parent?.spoiler_text ?? "");
      setWarn(parent ? parent.spoiler_text !== "" : false);
      setKey(newVerifier());
      setDrafts([]);
      setPoll(null);
      setProblem(null);
    }
  };

  const label = edit ? t("compose.editPost") : redraft ? t("compose.redraftPost") : parent ? t("compose.reply") : direct ? t("compose.newDirect") : t("compose.newPost");
  const placeholder = parent ? t("compose.yourReply") : direct ? t("compose.directPlaceholder") : t("compose.placeholder");
  return (
    <form className={given ? "compose editing" : "compose"} onSubmit={(e) => void submit(e)} aria-label={label}>
      {given ? (
        <p className="row">
          <strong>{edit ? t("compose.editing") : t("compose.redrafting")}</strong>
          <button type="button" onClick={() => dispatch(endEdit())}>
            {t("common.cancel")}
          </button>
        </p>
      ) : null}
      {warn ? (
        <input
          type="text"
          aria-label={t("compose.contentWarning")}
          placeholder={t("compose.contentWarning")}
          value={spoiler}
          onChange={(e) => setSpoiler(e.target.value)}
        />
      ) : null}
      <textarea
        aria-label={placeholder}
        placeholder={placeholder}
        autoFocus={autoFocus || given !== undefined}
        rows={5}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onPaste={pasted}
      />
      <MediaDrafts
        drafts={drafts}
        change={(key, description) => patch(key, { description })}
        focus={(key, focus) => patch(key, { focus })}
        remove={(key) => setDrafts((ds) => ds.filter((d) => d.key !== key))}
      />
      {poll ? <PollEditor poll={poll} change={setPoll} /> : null}
      {keptPoll ? <p className="muted">{t("compose.pollKept", { options: keptPoll.options.map((o) => o.title).join(", ") })}</p> : null}
      <div className="row tools">
        {/* Media and a poll exclude each other, as in Mastodon's web app. */}
        <label className={noMore ? "button disabled" : "button"}>
          {t("compose.addMedia")}
          <input
            type="file"
            accept={acceptAttribute(supported)}
            multiple
            hidden
            aria-label={t("compose.addMedia")}
            disabled={noMore}
            onChange={(e) => {
              add([...(e.target.files ?? [])]);
              e.target.value = "";
            }}
          />
        </label>
        <button type="button" aria-pressed={poll !== null} disabled={drafts.length > 0 || edit !== undefined} onClick={() => setPoll(poll ? null : newPoll())}>
          {poll ? t("compose.removePoll") : t("compose.addPoll")}
        </button>
      </div>
      <div className="row">
        <label>
          <input type="checkbox" checked={warn} onChange={(e) => setWarn(e.target.checked)} /> {t("compose.contentWarning")}
        </label>
        <select aria-label={t("compose.visibility")} disabled={edit !== undefined} value={visibility} onChange={(e) => setVisibility(e.target.value as Visibility)}>
          {visibilities.map((v) => (
            <option key={v.value} value={v.value}>
              {t(v.label)}
            </option>
          ))}
        </select>
        {edit ? null : (
          <label className="later">
            {t("compose.later")}
            <input type="datetime-local" value={later} onChange={(e) => setLater(e.target.value)} />
          </label>
        )}
        <select aria-label={t("compose.language")} value={language} onChange={(e) => setLanguage(e.target.value)}>
          <option value="">{t("compose.languageDefault")}</option>
          {postingLanguages(language).map((l) => (
            <option key={l} value={l}>
              {languageName(l, i18n.language)}
            </option>
          ))}
        </select>
      </div>
      <div className="row">
        <span className={left < 0 ? "error" : "muted"}>
          <span className="visually-hidden">{t("compose.charactersLeft")} </span>
          {formatNumber(left)}
        </span>
        <button type="submit" className="primary" disabled={!canPost}>
          {isLoading || saving
            ? edit
              ? t("compose.saving")
              : t("compose.posting")
            : edit
              ? t("compose.save")
              : scheduled
                ? t("compose.schedule")
                : parent
                ? t("compose.reply")
                : direct
                  ? t("compose.send")
                  : t("compose.post")}
        </button>
      </div>
      {error ? (
        <p className="error" role="alert">
          {describe(error, t)}
        </p>
      ) : null}
      {problem ? (
        <p className="error" role="alert">
          {problem}
        </p>
      ) : null}
      {scheduledFor ? (
        <p className="muted" role="status">
          {t("compose.scheduledFor", { when: formatDateTime(scheduledFor) })}
        </p>
      ) : null}
      {given ? null : <ScheduledPosts />}
    </form>
  );
}

function describe(error: unknown, t: Translate): string {
  const e = error as { status?: number | string; data?: { error?: string } };
  return t("compose.notSaved", { reason: e.data?.error ?? (e.status !== undefined ? String(e.status) : t("common.networkError")) });
}
