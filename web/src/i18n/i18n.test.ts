// The catalogues against each other and against the code: every key the code names is
// in English and in French, every key of theirs is named somewhere in the code, each
// plural has the forms its language needs, and a translation names the same values
// ({{name}}) as the English it translates.
import { describe, expect, it } from "vitest";
import { en } from "./en";
import { fr } from "./fr";
import { applyLanguage, formatDuration, i18n, pickLanguage, translate } from "./index";

const forms = /_(zero|one|two|few|many|other)$/;
const base = (k: string) => k.replace(forms, "");
const keysOf = (c: Record<string, string>) => new Set(Object.keys(c).map(base));
const values = (m: string) => [...m.matchAll(/\{\{(\w+)\}\}/g)].map((x) => x[1]).sort();

// The code's sources, as text (the tests and the catalogues left out).
const sources = Object.entries(
  import.meta.glob<string>(["../**/*.ts", "../**/*.tsx", "!../**/*.test.ts", "!../**/*.test.tsx", "!./**"], {
    query: "?raw",
    import: "default",
    eager: true,
  }),
);

describe("the catalogues", () => {
  const enKeys = keysOf(en);
  const frKeys = keysOf(fr);

  it("hold the same keys", () => {
    expect([...frKeys].filter((k) => !enKeys.has(k))).toEqual([]);
    expect([...enKeys].filter((k) => !frKeys.has(k))).toEqual([]);
  });

  it("give each plural the forms of its language", () => {
    for (const [lang, catalogue] of [
      ["en", en],
      ["fr", fr],
    ] as const) {
      const needed = new Intl.PluralRules(lang).resolvedOptions().pluralCategories;
      const plurals = new Set(Object.keys(catalogue).filter((k) => forms.test(k)).map(base));
      const missing = [...plurals].flatMap((k) => needed.filter((f) => !(`${k}_${f}` in catalogue)).map((f) => `${lang} ${k}_${f}`));
      expect(missing).toEqual([]);
    }
  });

  it("translate every message, naming the same values", () => {
    const frAll = fr as Record<string, string>;
    const wrong = Object.entries(en).flatMap(([k, m]) => {
      const b = base(k);
      const other = frAll[k] ?? frAll[`${b}_other`] ?? "";
      if (other.trim() === "") return [`${k}: empty`];
      return values(other).join() === values(m).join() ? [] : [`${k}: ${values(m).join()} ≠ ${values(other).join()}`];
    });
    expect(wrong).toEqual([]);
  });

  it("name no key the code does not use, and the code uses none they lack", () => {
    expect(sources.length).toBeGreaterThan(40);
    const used = new Set<string>();
    const called: string[] = [];
    for (const [, text] of sources) {
      for (const m of text.matchAll(/"([a-zA-Z]+(?:\.[a-zA-Z0-9]+)+)"/g)) used.add(m[1]!);
      for (const m of text.matchAll(/\b(?:t|translate)\(\s*"([^"]+)"/g)) called.push(m[1]!);
    }
    expect([...enKeys].filter((k) => !used.has(k))).toEqual([]);
    expect(called.filter((k) => !enKeys.has(k))).toEqual([]);
  });
});

describe("the language", () => {
  it("is the first one the app speaks, else English", () => {
    expect(pickLanguage([null, "de-DE", "fr-CA", "en"])).toBe("fr");
    expect(pickLanguage(["en_GB", "fr"])).toBe("en");
    expect(pickLanguage([undefined, "ja"])).toBe("en");
  });

  it("loads French on demand, and dates, numbers and plurals follow it", async () => {
    try {
      await applyLanguage("fr");
      expect(translate("timeline.newPosts", { count: 2 })).toBe("2 nouveaux messages");
      expect(translate("timeline.newPosts", { count: 1 })).toBe("1 nouveau message");
      expect(formatDuration(3600)).toBe("1\u00a0heure"); // Intl writes a no-break space
      expect(i18n.language).toBe("fr");
    } finally {
      await applyLanguage("en");
    }
    expect(translate("timeline.newPosts", { count: 2 })).toBe("2 new posts");
    expect(formatDuration(7 * 86400)).toBe("7 days");
  });
});
