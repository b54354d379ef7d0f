// /web/settings/profile: the profile's display name, bio, fields, pictures, and
// whether followers need approval and the account is suggested to others.
import { useState, type FormEvent } from "react";
import { useMeQuery } from "../../api";
import { credentialsForm, profileDraft, useUpdateCredentialsMutation, type ProfileDraft } from "../../credentials";
import type { CredentialAccount } from "../../entities";
import { useT } from "../../i18n";

export function ProfileSettings() {
  const t = useT();
  // Read again on opening: the profile may have been changed from another app.
  const { data: me } = useMeQuery(undefined, { refetchOnMountOrArgChange: true });
  if (!me) return <p className="muted">{t("common.loading")}</p>;
  return <ProfileForm key={me.id} me={me} />;
}

function ProfileForm({ me }: { me: CredentialAccount }) {
  const t = useT();
  const [draft, setDraft] = useState<ProfileDraft>(() => profileDraft(me));
  const [save, { isLoading, isSuccess, error, reset }] = useUpdateCredentialsMutation();
  const change = (c: Partial<ProfileDraft>) => {
    reset();
    setDraft((d) => ({ ...d, ...c }));
  };
  const setField = (i: number, c: Partial<{ name: string; value: string }>) =>
    change({ fields: draft.fields.map((f, j) => (j === i ? { ...f, ...c } : f)) });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const done = await save(credentialsForm(draft));
    if ("data" in done) setDraft((d) => ({ ...d, avatar: null, header: null }));
  };
  return (
    <form className="settings-form" aria-label={t("profileSettings.label")} onSubmit={(e) => void submit(e)}>
      <div className="pictures">
        <Picture kind="avatar" current={me.avatar} file={draft.avatar} pick={(avatar) => change({ avatar })} />
        <Picture kind="header" current={me.header} file={draft.header} pick={(header) => change({ header })} />
      </div>
      <label>
        {t("profileSettings.displayName")}
        <input type="text" value={draft.displayName} maxLength={30} onChange={(e) => change({ displayName: e.target.value })} />
      </label>
      <label>
        {t("profileSettings.bio")}
        <textarea rows={4} value={draft.note} maxLength={500} onChange={(e) => change({ note: e.target.value })} />
      </label>
      <fieldset>
        <legend>{t("profileSettings.fields")}</legend>
        {draft.fields.map((f, i) => (
          <div className="row" key={i}>
            <input type="text" aria-label={t("profileSettings.fieldLabel", { n: i + 1 })} placeholder={t("profileSettings.label2")} value={f.name} onChange={(e) => setField(i, { name: e.target.value })} />
            <input type="text" aria-label={t("profileSettings.fieldContent", { n: i + 1 })} placeholder={t("profileSettings.content")} value={f.value} onChange={(e) => setField(i, { value: e.target.value })} />
          </div>
        ))}
      </fieldset>
      <label>
        <input type="checkbox" checked={draft.locked} onChange={(e) => change({ locked: e.target.checked })} /> {t("profileSettings.locked")}
      </label>
      <label>
        <input type="checkbox" checked={draft.discoverable} onChange={(e) => change({ discoverable: e.target.checked })} />{" "}
        {t("profileSettings.discoverable")}
      </label>
      <div className="row">
        <button type="submit" className="primary" disabled={isLoading}>
          {isLoading ? t("compose.saving") : t("profileSettings.save")}
        </button>
        {isSuccess ? <span role="status">{t("profileSettings.saved")}</span> : null}
      </div>
      {error ? (
        <p className="error" role="alert">
          {t("profileSettings.notSaved", { reason: (error as { data?: { error?: string } }).data?.error ?? t("common.networkError") })}
        </p>
      ) : null}
    </form>
  );
}

const pictureWords = {
  avatar: { preview: "profileSettings.avatarPreview", none: "profileSettings.noAvatar", choose: "profileSettings.chooseAvatar" },
  header: { preview: "profileSettings.headerPreview", none: "profileSettings.noHeader", choose: "profileSettings.chooseHeader" },
} as const;

function Picture({ kind, current, file, pick }: { kind: "avatar" | "header"; current: string; file: File | null; pick: (f: File | null) => void }) {
  const t = useT();
  const words = pictureWords[kind];
  const [preview, setPreview] = useState<string | null>(null);
  const shown = file && preview ? preview : current && !current.endsWith("/missing.png") ? current : null;
  return (
    <div className={`picture ${kind}`}>
      {shown ? <img src={shown} alt={t(words.preview)} /> : <div className="placeholder muted">{t(words.none)}</div>}
      <label className="button">
        {t(words.choose)}
        <input
          type="file"
          accept="image/png,image/jpeg,image/gif,image/webp"
          hidden
          aria-label={t(words.choose)}
          onChange={(e) => {
            const f = e.target.files?.[0] ?? null;
            if (preview) URL.revokeObjectURL(preview);
            setPreview(f ? URL.createObjectURL(f) : null);
            pick(f);
            e.target.value = "";
          }}
        />
      </label>
    </div>
  );
}
