// /web/moderation/custom_emojis: the custom emoji the server knows, local ones first,
// grouped by category and found by shortcode; a local one is uploaded (PNG, GIF or
// WebP under 256 KB) with its category; each is enabled or disabled, shown in the
// picker or hidden from it, moved to another category, and (a local one) removed after
// a confirmation. They come 200 a page, the next on asking.
import { useState, type FormEvent } from "react";
import { useDraft } from "./useDraft";
import { adminErrorText } from "../../admin";
import {
  byCategory,
  emojiProblem,
  emojiTypes,
  newEmoji,
  useAdminEmojiInfiniteQuery,
  useChangeEmojiMutation,
  useRemoveEmojiMutation,
  useUploadEmojiMutation,
  type AdminCustomEmoji,
  type EmojiDraft,
} from "../../contentAdmin";
import { useT } from "../../i18n";
import { Confirm } from "./Confirm";

export function CustomEmojis() {
  const t = useT();
  const [find, setFind] = useState("");
  const q = useAdminEmojiInfiniteQuery(find, { refetchOnMountOrArgChange: true });
  const emoji = q.data?.pages.flatMap((p) => p.items) ?? [];
  let body;
  if (q.isLoading) body = <p className="muted">{t("common.loading")}</p>;
  else if (q.error) body = <p className="error">{t("emoji.failed", { reason: adminErrorText(q.error) })}</p>;
  else if (emoji.length === 0) body = <p className="muted">{t("emoji.none")}</p>;
  else {
    body = byCategory(emoji).map(([category, list]) => (
      <section key={category} aria-label={category || t("emoji.noCategory")}>
        <h3>{category || t("emoji.noCategory")}</h3>
        <ul className="admin-items" aria-label={t("emoji.listOf", { category: category || t("emoji.noCategory") })}>
          {list.map((e) => (
            <EmojiItem key={e.id} emoji={e} />
          ))}
        </ul>
      </section>
    ));
  }
  return (
    <section aria-label={t("moderation.customEmojis")}>
      <EmojiForm />
      <h2>{t("moderation.customEmojis")}</h2>
      <label className="row-form">
        {t("emoji.find")}
        <input type="search" value={find} onChange={(e) => setFind(e.target.value)} />
      </label>
      {body}
      {q.hasNextPage && emoji.length > 0 ? (
        <button type="button" className="older" disabled={q.isFetchingNextPage} onClick={() => void q.fetchNextPage()}>
          {q.isFetchingNextPage ? t("common.loading") : t("emoji.more", { n: emoji.length })}
        </button>
      ) : null}
    </section>
  );
}

export function EmojiItem({ emoji: e }: { emoji: AdminCustomEmoji }) {
  const [change, { isLoading: changing, error: changeError }] = useChangeEmojiMutation();
  const [remove, { isLoading: removing, error: removeError }] = useRemoveEmojiMutation();
  const [category, setCategory] = useState(e.category ?? "");
  const t = useT();
  const name = `:${e.id}:`;
  const moveTo = (ev: FormEvent) => {
    ev.preventDefault();
    void change({ id: e.id, change: { category: category.trim() } });
  };
  return (
    <li className="admin-item" data-emoji={e.id}>
      <img className="emoji-picture" src={e.static_url} alt={name} width={32} height={32} />
      <span className="admin-item-main">
        <strong>{name}</strong>
        {e.domain ? <span className="muted">{e.domain}</span> : null}
      </span>
      <span className={`state ${e.disabled ? "disabled" : "active"}`}>{e.disabled ? t("webhooks.disabled") : t("webhooks.enabled")}</span>
      {e.visible_in_picker ? null : <span className="state">{t("emoji.hidden")}</span>}
      <button type="button" disabled={changing} aria-label={t(e.disabled ? "emoji.enableOf" : "emoji.disableOf", { name })} onClick={() => void change({ id: e.id, change: { disabled: !e.disabled } })}>
        {e.disabled ? t("admin.undo.enable") : t("webhooks.disable")}
      </button>
      <button
        type="button"
        disabled={changing}
        aria-label={t(e.visible_in_picker ? "emoji.hideOf" : "emoji.showOf", { name })}
        onClick={() => void change({ id: e.id, change: { visible_in_picker: !e.visible_in_picker } })}
      >
        {e.visible_in_picker ? t("emoji.hide") : t("emoji.show")}
      </button>
      <form className="row-form" aria-label={t("emoji.categoryOf", { name })} onSubmit={moveTo}>
        <input type="text" aria-label={t("emoji.category")} value={category} onChange={(ev) => setCategory(ev.target.value)} />
        <button type="submit" disabled={changing || category.trim() === (e.category ?? "")}>
          {t("emoji.move")}
        </button>
      </form>
      {e.domain ? null : (
        <Confirm
          label={t("emoji.remove", { name })}
          group={t("moderation.confirmRemoving", { name })}
          question={t("emoji.removeQuestion", { name })}
          yes={t("moderation.yesRemove")}
          busy={removing}
          error={removeError}
          failed={t("moderation.notRemoved")}
          onConfirm={() => void remove(e.id)}
        />
      )}
      {changeError ? (
        <span className="error" role="alert">
          {t("moderation.notDone", { reason: adminErrorText(changeError) })}
        </span>
      ) : null}
    </li>
  );
}

function EmojiForm() {
  // A new file field after each upload: the browser keeps no path to clear.
  const [round, setRound] = useState(0);
  const [upload, { isLoading, error, reset }] = useUploadEmojiMutation();
  const [d, change, setD] = useDraft<EmojiDraft>(newEmoji, reset);
  const t = useT();
  const problem = emojiProblem(d);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (problem) return;
    const out = await upload(d);
    if ("data" in out) {
      setD(newEmoji());
      setRound(round + 1);
    }
  };
  return (
    <form className="settings-form" aria-label={t("emoji.upload")} onSubmit={(e) => void submit(e)}>
      <h2>{t("emoji.upload")}</h2>
      <label>
        {t("emoji.shortcode")}
        <input type="text" value={d.shortcode} placeholder="blobcat" onChange={(e) => change({ shortcode: e.target.value })} />
      </label>
      <label>
        {t("emoji.category")}
        <input type="text" value={d.category} onChange={(e) => change({ category: e.target.value })} />
      </label>
      <label>
        {t("emoji.image")}
        <input key={round} type="file" accept={emojiTypes.join(",")} onChange={(e) => change({ image: e.target.files?.[0] ?? null })} />
      </label>
      <p className="muted">{d.shortcode !== "" || d.image ? problem || t("emoji.imageHelp") : t("emoji.imageHelp")}</p>
      <div className="row">
        <button type="submit" className="primary" disabled={isLoading || problem !== ""}>
          {isLoading ? t("emoji.uploading") : t("emoji.uploadButton")}
        </button>
      </div>
      {error ? (
        <p className="error" role="alert">
          {t("emoji.notUploaded", { reason: adminErrorText(error) })}
        </p>
      ) : null}
    </form>
  );
}
