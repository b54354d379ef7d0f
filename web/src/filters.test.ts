import { describe, expect, it } from "vitest";
import type { Filter, FilterResult } from "./entities";
import { draftOf, filterBody, filterReady, filterVerdict, keepExpiry, newFilter } from "./filters";
import { status } from "./fixtures";

const filter = (over: Partial<Filter> = {}): Filter => ({
  id: "1",
  title: "Spoilers",
  context: ["home"],
  expires_at: null,
  filter_action: "warn",
  keywords: [
    { id: "10", keyword: "finale", whole_word: true },
    { id: "11", keyword: "ending", whole_word: false },
  ],
  ...over,
});

const result = (f: Filter): FilterResult => ({ filter: f, keyword_matches: ["finale"], status_matches: null });

describe("filters", () => {
  it("are ready with a title, a context and a keyword", () => {
    const d = newFilter();
    expect(filterReady(d)).toBe(false);
    expect(filterReady({ ...d, title: "x", keywords: [{ keyword: " ", whole_word: true }] })).toBe(false);
    expect(filterReady({ ...d, title: "x", keywords: [{ keyword: "a", whole_word: true }] })).toBe(true);
    expect(filterReady({ ...d, title: "x", context: [], keywords: [{ keyword: "a", whole_word: true }] })).toBe(false);
  });

  it("send a new filter's keywords and its expiry (blank for never)", () => {
    const d = { ...newFilter(), title: " Spoilers ", action: "blur" as const, expiresIn: 3600, keywords: [{ keyword: "finale ", whole_word: true }, { keyword: "", whole_word: false }] };
    expect(filterBody(d)).toEqual({
      title: "Spoilers",
      context: ["home", "public"],
      filter_action: "blur",
      expires_in: 3600,
      keywords_attributes: [{ keyword: "finale", whole_word: true }],
    });
    expect(filterBody({ ...d, expiresIn: 0 }).expires_in).toBe("");
  });

  it("send an edit's kept keywords with their ids, new ones without, and destroy removed ones", () => {
    const before = filter({ expires_at: "2030-01-01T00:00:00.000Z" });
    const d = draftOf(before);
    expect(d.expiresIn).toBe(keepExpiry);
    d.keywords = [{ id: "10", keyword: "finale", whole_word: false }, { keyword: "season", whole_word: true }];
    const body = filterBody(d, before);
    expect("expires_in" in body).toBe(false);
    expect(body.keywords_attributes).toEqual([
      { id: "10", keyword: "finale", whole_word: false },
      { keyword: "season", whole_word: true },
      { id: "11", _destroy: true },
    ]);
  });

  it("collapse a warned post under the filter's title, blur a blurred one's media, and forget expired filters", () => {
    const now = Date.parse("2026-12-07T00:00:00.000Z");
    expect(filterVerdict(status("1"), now)).toEqual({ warn: [], blur: false });
    expect(filterVerdict(status("1", { filtered: [result(filter())] }), now)).toEqual({ warn: ["Spoilers"], blur: false });
    expect(filterVerdict(status("1", { filtered: [result(filter({ filter_action: "blur" }))] }), now)).toEqual({ warn: [], blur: true });
    const expired = filter({ expires_at: "2026-12-06T00:00:00.000Z" });
    expect(filterVerdict(status("1", { filtered: [result(expired)] }), now)).toEqual({ warn: [], blur: false });
    // A boost counts its original's results.
    const boost = status("2", { reblog: status("1", { filtered: [result(filter())] }) });
    expect(filterVerdict(boost, now).warn).toEqual(["Spoilers"]);
  });
});
