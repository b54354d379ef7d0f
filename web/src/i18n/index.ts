// The app's words go through i18next: English is in the script every page loads, each
// other language is a chunk of its own, fetched when it is first chosen. The language
// is the one chosen in the settings on this browser, else the signed-in account's
// posting language, else the browser's; dates and numbers follow it through Intl.
import i18next from "i18next";
import { initReactI18next, useTranslation } from "react-i18next";
import { en } from "./en";

type Base<K> = K extends `${infer B}_one` | `${infer B}_other` ? B : K;
/** A key of the catalogue, a plural by its name without _one or _other (given a count). */
export type MessageKey = Base<keyof typeof en>;
/** Translates a key, with the values its message names ({{name}}) and count for a plural. */
export type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

/** The languages the app speaks, each named in itself. */
export const languages = { en: "English", fr: "Français" } as const;
export type Language = keyof typeof languages;
export type Catalogue = Record<string, string>;

const loaders: Record<Exclude<Language, "en">, () => Promise<Catalogue>> = {
  fr: () => import("./fr").then((m) => m.fr),
};

void i18next.use(initReactI18next).init({
  lng: "en",
  fallbackLng: "en",
  resources: { en: { translation: en } },
  keySeparator: false,
  nsSeparator: false,
  interpolation: { escapeValue: false }, // React escapes what it renders
  initAsync: false,
});

export const i18n = i18next;

/** The translating function of the current language, re-rendering when it changes. */
export function useT(): Translate {
  return useTranslation().t as unknown as Translate;
}

/** Translates outside a component (what it returns is not redrawn on a change of language). */
export const translate: Translate = (key, values) => (i18next.t as unknown as Translate)(key, values);

/** The first of the candidates (BCP 47 tags, or null) that the app speaks, else English. */
export function pickLanguage(candidates: readonly (string | null | undefined)[]): Language {
  for (const c of candidates) {
    const primary = c?.toLowerCase().split(/[-_]/)[0];
    if (primary && primary in languages) return primary as Language;
  }
  return "en";
}

const storageKey = "herd.language";

/** The language chosen in the settings on this browser, or null for "as the account or browser says". */
export function keptLanguage(): Language | null {
  try {
    const v = localStorage.getItem(storageKey);
    return v && v in languages ? (v as Language) : null;
  } catch {
    return null;
  }
}

/** Keeps the choice (null: follow the account and the browser) for this browser. */
export function keepLanguage(lang: Language | null) {
  try {
    if (lang) localStorage.setItem(storageKey, lang);
    else localStorage.removeItem(storageKey);
  } catch {
    // storage refused (a private window): the choice lasts for this page only
  }
}

/** The browser's languages, most wanted first. */
export function browserLanguages(): readonly string[] {
  return typeof navigator === "undefined" ? [] : navigator.languages.length > 0 ? navigator.languages : [navigator.language];
}

/** Switches the app to lang, fetching its words first when they are not loaded yet. */
export async function applyLanguage(lang: Language) {
  if (lang !== "en" && !i18next.hasResourceBundle(lang, "translation")) {
    i18next.addResourceBundle(lang, "translation", await loaders[lang]());
  }
  await i18next.changeLanguage(lang);
  if (typeof document !== "undefined") document.documentElement.lang = lang;
}

/** A date and time as the current language writes it. */
export function formatDateTime(iso: string) {
  return new Intl.DateTimeFormat(i18next.language, { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso));
}

/** A date as the current language writes it. */
export function formatDate(iso: string) {
  return new Intl.DateTimeFormat(i18next.language, { dateStyle: "medium" }).format(new Date(iso));
}

/** A number as the current language writes it. */
export function formatNumber(n: number, style: "decimal" | "percent" = "decimal") {
  return new Intl.NumberFormat(i18next.language, { style }).format(n);
}

const units = [
  ["day", 86400],
  ["hour", 3600],
  ["minute", 60],
] as const;

/** A length of time ("1 hour", "7 days") as the current language writes it, in its largest whole unit. */
export function formatDuration(seconds: number) {
  const [unit, size] = units.find(([, s]) => seconds % s === 0) ?? ["second", 1];
  return new Intl.NumberFormat(i18next.language, { style: "unit", unit, unitDisplay: "long" }).format(seconds / size);
}
