// Light and dark themes: the colours are CSS custom properties (styles.css), each
// light-dark(), picked by the root element's color-scheme: the system's until this
// sets data-theme from the theme chosen in the settings ("auto": the system's
// prefers-color-scheme, followed when the system changes). The palette is written once.
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

const darkQuery = "(prefers-color-scheme: dark)";

/** The palette a theme shows: auto's is the system's. */
export function paletteOf(theme: Theme, systemDark: boolean): "light" | "dark" {
  return theme === "auto" ? (systemDark ? "dark" : "light") : theme;
}

// Stops following the system's scheme (while "auto" is shown).
let stopFollowing: (() => void) | null = null;

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
  stopFollowing?.();
  stopFollowing = null;
  const root = document.documentElement;
  const system = typeof matchMedia === "function" ? matchMedia(darkQuery) : null;
  const show = () => {
    root.dataset.theme = paletteOf(theme, system?.matches ?? false);
  };
  show();
  if (theme === "auto" && system) {
    system.addEventListener("change", show);
    stopFollowing = () => system.removeEventListener("change", show);
  }
}
