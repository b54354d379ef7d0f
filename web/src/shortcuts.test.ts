import { describe, expect, it } from "vitest";
import { moveTo, shortcutOf } from "./shortcuts";

const press = (key: string, over: Partial<Parameters<typeof shortcutOf>[0]> = {}) =>
  shortcutOf({ key, ctrlKey: false, altKey: false, metaKey: false, target: { tagName: "BODY" } as unknown as EventTarget, ...over });

describe("keyboard shortcuts", () => {
  it("map Mastodon's keys", () => {
    expect(["j", "k", "n", "r", "f", "b", "/", "?"].map((k) => press(k))).toEqual([
      "next",
      "previous",
      "compose",
      "reply",
      "favourite",
      "boost",
      "search",
      "help",
    ]);
    expect(press("x")).toBeNull();
  });

  it("do not fire while typing in a field, or with a modifier held", () => {
    for (const tagName of ["INPUT", "TEXTAREA", "SELECT"]) expect(press("j", { target: { tagName } as unknown as EventTarget })).toBeNull();
    expect(press("j", { target: { tagName: "DIV", isContentEditable: true } as unknown as EventTarget })).toBeNull();
    expect(press("f", { ctrlKey: true })).toBeNull();
    expect(press("b", { metaKey: true })).toBeNull();
    expect(press("r", { altKey: true })).toBeNull();
  });

  it("move within the posts on screen", () => {
    expect(moveTo(-1, 3, 1)).toBe(0);
    expect(moveTo(-1, 3, -1)).toBe(2);
    expect(moveTo(0, 3, 1)).toBe(1);
    expect(moveTo(2, 3, 1)).toBe(2);
    expect(moveTo(0, 3, -1)).toBe(0);
    expect(moveTo(-1, 0, 1)).toBeNull();
  });
});
