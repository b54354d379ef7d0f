// Keyboard shortcuts as Mastodon's web app has them: j and k move between the posts on
// screen, n goes to the compose box, r, f and b reply to, favourite and boost the post
// in focus, / goes to the search box and ? lists them. None fires while a field is
// being typed in, or with Ctrl, Alt or Meta held.
import type { MessageKey } from "./i18n";

export type Shortcut = "next" | "previous" | "compose" | "reply" | "favourite" | "boost" | "search" | "help";

/** Each key and what it does, in the order the list shows them. */
export const shortcuts: { key: string; does: Shortcut; label: MessageKey }[] = [
  { key: "j", does: "next", label: "shortcuts.next" },
  { key: "k", does: "previous", label: "shortcuts.previous" },
  { key: "n", does: "compose", label: "shortcuts.compose" },
  { key: "r", does: "reply", label: "shortcuts.reply" },
  { key: "f", does: "favourite", label: "shortcuts.favourite" },
  { key: "b", does: "boost", label: "shortcuts.boost" },
  { key: "/", does: "search", label: "shortcuts.search" },
  { key: "?", does: "help", label: "shortcuts.help" },
];

interface KeyPress {
  key: string;
  ctrlKey: boolean;
  altKey: boolean;
  metaKey: boolean;
  target: EventTarget | null;
}

/** Whether the key press lands in something being typed in. */
function typing(target: EventTarget | null): boolean {
  const el = target as { tagName?: string; isContentEditable?: boolean } | null;
  if (!el?.tagName) return false;
  return el.isContentEditable === true || el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT";
}

/** The shortcut a key press asks for, or null. */
export function shortcutOf(e: KeyPress): Shortcut | null {
  if (e.ctrlKey || e.altKey || e.metaKey || typing(e.target)) return null;
  return shortcuts.find((s) => s.key === e.key)?.does ?? null;
}

/** The post to focus after the one at index i (-1: none) of n, moving by step; null when there is none. */
export function moveTo(i: number, n: number, step: 1 | -1): number | null {
  if (n === 0) return null;
  if (i < 0) return step === 1 ? 0 : n - 1;
  return Math.min(n - 1, Math.max(0, i + step));
}
