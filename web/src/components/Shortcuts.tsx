// The keyboard shortcuts (shortcuts.ts) for the signed-in screens, and the list that ?
// opens (a modal dialog, closed by Escape or its button).
import { useEffect, useRef, useState } from "react";
import { useT } from "../i18n";
import { moveTo, shortcutOf, shortcuts, type Shortcut } from "../shortcuts";

const postSelector = "main li.status";

function run(s: Exclude<Shortcut, "help">) {
  const posts = [...document.querySelectorAll<HTMLElement>(postSelector)];
  const current = document.activeElement?.closest<HTMLElement>(postSelector) ?? null;
  if (s === "next" || s === "previous") {
    const to = moveTo(current ? posts.indexOf(current) : -1, posts.length, s === "next" ? 1 : -1);
    const post = to === null ? undefined : posts[to];
    post?.focus();
    post?.scrollIntoView({ block: "nearest" });
  } else if (s === "compose") {
    document.querySelector<HTMLTextAreaElement>("aside .compose textarea")?.focus();
  } else if (s === "search") {
    document.querySelector<HTMLInputElement>('form[role="search"] input')?.focus();
  } else {
    current?.querySelector<HTMLButtonElement>(`.actions button[data-action="${s}"]`)?.click();
  }
}

export function Shortcuts() {
  const t = useT();
  const [help, setHelp] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const pressed = (e: KeyboardEvent) => {
      const s = shortcutOf(e);
      if (!s) return;
      e.preventDefault();
      if (s === "help") setHelp(true);
      else run(s);
    };
    document.addEventListener("keydown", pressed);
    return () => document.removeEventListener("keydown", pressed);
  }, []);
  useEffect(() => {
    if (help && dialog.current && !dialog.current.open) dialog.current.showModal();
  }, [help]);
  if (!help) return null;
  return (
    <dialog ref={dialog} className="shortcuts" aria-labelledby="shortcuts-title" onClose={() => setHelp(false)}>
      <h2 id="shortcuts-title">{t("shortcuts.title")}</h2>
      <dl>
        {shortcuts.map((s) => (
          <div key={s.key}>
            <dt>
              <kbd>{s.key}</kbd>
            </dt>
            <dd>{t(s.label)}</dd>
          </div>
        ))}
      </dl>
      <button type="button" onClick={() => dialog.current?.close()}>
        {t("shortcuts.close")}
      </button>
    </dialog>
  );
}
