import { describe, expect, it } from "vitest";
import { looksResolvable } from "./search";

describe("search", () => {
  it("resolves handles and URLs, not words", () => {
    expect(looksResolvable("@bob@example.com")).toBe(true);
    expect(looksResolvable(" bob@127.0.0.1:8080 ")).toBe(true);
    expect(looksResolvable("https://example.com/@bob/1")).toBe(true);
    expect(looksResolvable("bob")).toBe(false);
    expect(looksResolvable("#news")).toBe(false);
    expect(looksResolvable("mail me at bob@example.com")).toBe(false);
  });
});
