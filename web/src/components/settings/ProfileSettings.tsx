// /web/settings/profile: the profile's display name, bio, fields, pictures, and
// whether followers need approval and the account is suggested to others.
import { useState, type FormEvent } from "react";
import { useMeQuery } from "../../api";
import { credentialsForm, profileDraft, useUpdateCredentialsMutation, type ProfileDraft } from "../../credentials";
import type { CredentialAccount } from "../../entities";

export function ProfileSettings() {
  // Read again on opening: the profile may have been changed from another app.
  const { data: me } = useMeQuery(undefined, { refetchOnMountOrArgChange: true });
  if (!me) return <p className="muted">Loading…</p>;
  return <ProfileForm key={me.id} me={me} />;
}

function ProfileForm({ me }: { me: CredentialAccount }) {
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
    <form className="settings-form" aria-label="Edit profile" onSubmit={(e) => void submit(e)}>
      <div className="pictures">
        <Picture label="Avatar" current={me.avatar} file={draft.avatar} pick={(avatar) => change({ avatar })} />
        <Picture label="Header" current={me.header} file={draft.header} pick={(header) => change({ header })} />
      </div>
      <label>
        Display name
        <input type="text" value={draft.displayName} maxLength={30} onChange={(e) => change({ displayName: e.target.value })} />
      </label>
      <label>
        Bio
        <textarea rows={4} value={draft.note} maxLength={500} onChange={(e) => change({ note: e.target.value })} />
      </label>
      <fieldset>
        <legend>Fields</legend>
        {draft.fields.map((f, i) => (
          <div className="row" key={i}>
            <input type="text" aria-label={`Field ${i + 1} label`} placeholder="Label" value={f.name} onChange={(e) => setField(i, { name: e.target.value })} />
            <input type="text" aria-label={`Field ${i + 1} content`} placeholder="Content" value={f.value} onChange={(e) => setField(i, { value: e.target.value })} />
          </div>
        ))}
      </fieldset>
      <label>
        <input type="checkbox" checked={draft.locked} onChange={(e) => change({ locked: e.target.checked })} /> Approve followers by hand
      </label>
      <label>
        <input type="checkbox" checked={draft.discoverable} onChange={(e) => change({ discoverable: e.target.checked })} /> Suggest my account to
        others
      </label>
      <div className="row">
        <button type="submit" className="primary" disabled={isLoading}>
          {isLoading ? "Saving…" : "Save profile"}
        </button>
        {isSuccess ? <span role="status">Saved.</span> : null}
      </div>
      {error ? (
        <p className="error" role="alert">
          The profile was not saved: {(error as { data?: { error?: string } }).data?.error ?? "network error"}
        </p>
      ) : null}
    </form>
  );
}

function Picture({ label, current, file, pick }: { label: string; current: string; file: File | null; pick: (f: File | null) => void }) {
  const [preview, setPreview] = useState<string | null>(null);
  const shown = file && preview ? preview : current && !current.endsWith("/missing.png") ? current : null;
  return (
    <div className={`picture ${label.toLowerCase()}`}>
      {shown ? <img src={shown} alt={`${label} preview`} /> : <div className="placeholder muted">No {label.toLowerCase()}</div>}
      <label className="button">
        Choose {label.toLowerCase()}
        <input
          type="file"
          accept="image/png,image/jpeg,image/gif,image/webp"
          hidden
          aria-label={`Choose ${label.toLowerCase()}`}
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
