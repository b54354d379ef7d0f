// /web/settings/preferences: this browser's language and theme. Both are kept per
// browser; the language "as the account says" follows the account's posting language,
// else the browser's. Below, the account's posting defaults, kept on the server
// (update_credentials' source): the visibility and language new posts start with, and
// whether their media are marked sensitive.
import { useState, type FormEvent } from "react";
import { useMeQuery } from "../../api";
import { languageName, postingDefaults, postingForm, postingLanguages, useUpdateCredentialsMutation, type PostingDefaults } from "../../credentials";
import type { CredentialAccount, Visibility } from "../../entities";
import { i18n, applyLanguage, browserLanguages, keepLanguage, keptLanguage, languages, pickLanguage, useT, type Language } from "../../i18n";
import { applyTheme, keptTheme, themes, type Theme } from "../../theme";

const themeLabels = { auto: "preferences.themeAuto", light: "preferences.themeLight", dark: "preferences.themeDark" } as const;

export function Preferences() {
  const t = useT();
  const { data: me } = useMeQuery();
  const [language, setLanguage] = useState<Language | "auto">(() => keptLanguage() ?? "auto");
  const [theme, setTheme] = useState<Theme>(keptTheme);
  const [failed, setFailed] = useState(false);
  const chooseLanguage = (choice: Language | "auto") => {
    setLanguage(choice);
    keepLanguage(choice === "auto" ? null : choice);
    const lang = choice === "auto" ? pickLanguage([me?.source?.language, ...browserLanguages()]) : choice;
    setFailed(false);
    applyLanguage(lang).catch(() => setFailed(true));
  };
  return (
    <>
      <form className="settings-form" aria-label={t("settings.preferences")} onSubmit={(e) => e.preventDefault()}>
        <label>
          {t("preferences.language")}
          <select value={language} onChange={(e) => chooseLanguage(e.target.value as Language | "auto")}>
            <option value="auto">{t("preferences.languageAuto")}</option>
            {(Object.keys(languages) as Language[]).map((l) => (
              <option key={l} value={l} lang={l}>
                {languages[l]}
              </option>
            ))}
          </select>
        </label>
        {failed ? (
          <p className="error" role="alert">
            {t("preferences.languageFailed")}
          </p>
        ) : null}
        <fieldset>
          <legend>{t("preferences.theme")}</legend>
          {themes.map((th) => (
            <label key={th}>
              <input
                type="radio"
                name="theme"
                checked={theme === th}
                onChange={() => {
                  setTheme(th);
                  applyTheme(th, true);
                }}
              />{" "}
              {t(themeLabels[th])}
            </label>
          ))}
        </fieldset>
      </form>
      {me ? <PostingForm key={me.id} me={me} /> : null}
    </>
  );
}

const visibilityLabels = {
  public: "compose.visibility.public",
  unlisted: "compose.visibility.unlisted",
  private: "compose.visibility.private",
  direct: "compose.visibility.direct",
} as const;

function PostingForm({ me }: { me: CredentialAccount }) {
  const t = useT();
  const [save, { isLoading, isSuccess, error, reset }] = useUpdateCredentialsMutation();
  const [d, setD] = useState<PostingDefaults>(() => postingDefaults(me));
  const change = (c: Partial<PostingDefaults>) => {
    reset();
    setD({ ...d, ...c });
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void save(postingForm(d));
  };
  return (
    <form className="settings-form" aria-label={t("preferences.posting")} onSubmit={submit}>
      <h2>{t("preferences.posting")}</h2>
      <label>
        {t("preferences.defaultVisibility")}
        <select value={d.privacy} onChange={(e) => change({ privacy: e.target.value as Visibility })}>
          {(Object.keys(visibilityLabels) as Visibility[]).map((v) => (
            <option key={v} value={v}>
              {t(visibilityLabels[v])}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t("preferences.postingLanguage")}
        <select value={d.language} onChange={(e) => change({ language: e.target.value })}>
          <option value="">{t("preferences.postingLanguageNone")}</option>
          {postingLanguages(d.language).map((l) => (
            <option key={l} value={l}>
              {languageName(l, i18n.language)}
            </option>
          ))}
        </select>
      </label>
      <label>
        <input type="checkbox" checked={d.sensitive} onChange={(e) => change({ sensitive: e.target.checked })} /> {t("preferences.sensitive")}
      </label>
      <div className="row">
        <button type="submit" className="primary" disabled={isLoading}>
          {t("preferences.save")}
        </button>
        {isSuccess ? (
          <span className="muted" role="status">
            {t("preferences.saved")}
          </span>
        ) : null}
      </div>
      {error ? (
        <p className="error" role="alert">
          {t("preferences.notSaved", { reason: (error as { data?: { error?: string } }).data?.error ?? t("common.networkError") })}
        </p>
      ) : null}
    </form>
  );
}
