// Light and dark themes: the colours are CSS custom properties (styles.css) that follow
// the system's prefers-color-scheme, unless this browser chose one in the settings,
// which the root element's data-theme then names.
export const themes = ["auto", "light", "dark"] as const;
export type Theme = (typeof themes)[number];

const storageKey = "herd.theme";

/** The theme chosen on this browser ("auto": as the system says). */
export function keptTheme(): Theme {
  try {
    const v = localStorage.getItem(storageKey);
    return themes.includes(v as Theme) ? (v as Theme) : "auto";
  } catch {
    return "auto";
  }
}

/** Shows the theme, and keeps it for this browser when keep is set. */
export function applyTheme(theme: Theme, keep = false) {
  if (keep) {
    try {
      if (theme === "auto") localStorage.removeItem(storageKey);
      else localStorage.setItem(storageKey, theme);
    } catch {
      // storage refused (a private window): the choice lasts for this page only
    }
  }
  if (typeof document === "undefined") return;
  if (theme === "auto") delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
}
