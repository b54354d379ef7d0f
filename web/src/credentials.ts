// The signed-in user's profile as they edit it: display name, bio, up to four fields,
// avatar and header pictures, whether followers need approval and whether the account
// is suggested to others, sent as one update_credentials form (multipart, as the
// pictures are files), added to the one API.
import { accountsApi } from "./accounts";
import { api } from "./api";
import type { CredentialAccount, Visibility } from "./entities";

export const maxFields = 4;

export interface ProfileDraft {
  displayName: string;
  note: string;
  fields: { name: string; value: string }[];
  locked: boolean;
  discoverable: boolean;
  avatar: File | null;
  header: File | null;
}

/** The form starts from what the account wrote (its source), padded to four fields. */
export function profileDraft(me: CredentialAccount): ProfileDraft {
  const fields = (me.source?.fields ?? me.fields.map((f) => ({ name: f.name, value: f.value }))).map((f) => ({ name: f.name, value: f.value }));
  while (fields.length < maxFields) fields.push({ name: "", value: "" });
  return {
    displayName: me.display_name,
    note: me.source?.note ?? "",
    fields: fields.slice(0, maxFields),
    locked: me.locked,
    discoverable: me.discoverable ?? false,
    avatar: null,
    header: null,
  };
}

/** The update_credentials form: every field (blank ones clear theirs), the pictures only when picked. */
export function credentialsForm(d: ProfileDraft): FormData {
  const form = new FormData();
  form.set("display_name", d.displayName);
  form.set("note", d.note);
  d.fields.forEach((f, i) => {
    form.set(`fields_attributes[${i}][name]`, f.name);
    form.set(`fields_attributes[${i}][value]`, f.value);
  });
  form.set("locked", String(d.locked));
  form.set("discoverable", String(d.discoverable));
  if (d.avatar) form.set("avatar", d.avatar);
  if (d.header) form.set("header", d.header);
  return form;
}

/** What new posts start with: visibility, language ("" for none chosen) and media marked sensitive. */
export interface PostingDefaults {
  privacy: Visibility;
  language: string;
  sensitive: boolean;
}

export function postingDefaults(me: CredentialAccount | undefined): PostingDefaults {
  return { privacy: me?.source?.privacy ?? "public", language: me?.source?.language ?? "", sensitive: me?.source?.sensitive ?? false };
}

/** The update_credentials form of the posting defaults alone (the profile is left as it is). */
export function postingForm(d: PostingDefaults): FormData {
  const form = new FormData();
  form.set("source[privacy]", d.privacy);
  form.set("source[language]", d.language);
  form.set("source[sensitive]", String(d.sensitive));
  return form;
}

/**
 * The languages offered for posts (ISO 639-1), the most written on the fediverse, and
 * the one given when it is not among them.
 */
export function postingLanguages(have = ""): string[] {
  const common = ["ar", "ca", "cs", "cy", "da", "de", "el", "en", "eo", "es", "eu", "fa", "fi", "fr", "ga", "gl", "he", "hi", "hu", "id", "it", "ja", "ko", "nl", "no", "pl", "pt", "ro", "ru", "sv", "th", "tr", "uk", "vi", "zh"];
  return have && !common.includes(have) ? [...common, have] : common;
}

/** A language's name in the app's language (its code when the browser has none). */
export function languageName(code: string, inLanguage: string): string {
  try {
    return new Intl.DisplayNames([inLanguage], { type: "language" }).of(code) ?? code;
  } catch {
    return code;
  }
}

export const credentialsApi = api.injectEndpoints({
  endpoints: (build) => ({
    updateCredentials: build.mutation<CredentialAccount, FormData>({
      query: (body) => ({ url: "api/v1/accounts/update_credentials", method: "PATCH", body }),
      // The answer is the account as it now is: the header link and the profile page take it.
      async onQueryStarted(_arg, { dispatch, queryFulfilled }) {
        const { data } = await queryFulfilled;
        dispatch(api.util.upsertQueryData("me", undefined, data));
        dispatch(accountsApi.util.upsertQueryData("account", data.id, data));
      },
    }),
  }),
});

export const { useUpdateCredentialsMutation } = credentialsApi;
