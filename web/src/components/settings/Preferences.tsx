// /web/settings/preferences: this browser's language and theme. Both are kept per
// browser; the language "as the account says" follows the account's posting language,
// else the browser's.
import { useState } from "react";
import { useMeQuery } from "../../api";
import { applyLanguage, browserLanguages, keepLanguage, keptLanguage, languages, pickLanguage, useT, type Language } from "../../i18n";
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
  );
}
