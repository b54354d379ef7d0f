import { afterEach, describe, expect, it, vi } from "vitest";
import { applyTheme, paletteOf } from "./theme";

/** A page whose system scheme the test sets, and the root element's data-theme. */
function fakePage(dark: boolean) {
  const listeners = new Set<() => void>();
  const query = {
    matches: dark,
    addEventListener: (_: string, f: () => void) => listeners.add(f),
    removeEventListener: (_: string, f: () => void) => listeners.delete(f),
  };
  const root = { dataset: {} as Record<string, string> };
  vi.stubGlobal("document", { documentElement: root });
  vi.stubGlobal("matchMedia", (q: string) => {
    expect(q).toBe("(prefers-color-scheme: dark)");
    return query;
  });
  const system = (d: boolean) => {
    query.matches = d;
    for (const f of listeners) f();
  };
  return { root, system, listeners };
}

afterEach(() => {
  applyTheme("light"); // stops following the fake system
  vi.unstubAllGlobals();
});

describe("themes", () => {
  it("show auto as the system's palette, the others as chosen", () => {
    expect(paletteOf("auto", true)).toBe("dark");
    expect(paletteOf("auto", false)).toBe("light");
    expect(paletteOf("light", true)).toBe("light");
    expect(paletteOf("dark", false)).toBe("dark");
  });

  it("set data-theme from the system under auto, and follow the system when it changes", () => {
    const { root, system } = fakePage(true);
    applyTheme("auto");
    expect(root.dataset["theme"]).toBe("dark");
    system(false);
    expect(root.dataset["theme"]).toBe("light");
    system(true);
    expect(root.dataset["theme"]).toBe("dark");
  });

  it("hold a chosen theme against the system, and stop following it", () => {
    const { root, system, listeners } = fakePage(false);
    applyTheme("auto");
    expect(listeners.size).toBe(1);
    applyTheme("dark");
    expect(listeners.size).toBe(0);
    expect(root.dataset["theme"]).toBe("dark");
    system(false);
    expect(root.dataset["theme"]).toBe("dark");
    applyTheme("auto");
    expect(root.dataset["theme"]).toBe("light");
    expect(listeners.size).toBe(1);
  });
});
