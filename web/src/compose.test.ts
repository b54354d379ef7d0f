import { describe, expect, it } from "vitest";
import { attachments, keptPoll, newPoll, pollReady, pollShares, showResults, takeFiles } from "./compose";
import type { Poll } from "./entities";

const file = (name: string, type: string) => new File(["x"], name, { type });

describe("the compose box's images", () => {
  it("takes images only, up to four in all", () => {
    const files = [file("a.png", "image/png"), file("b.txt", "text/plain"), file("c.jpg", "image/jpeg")];
    expect(takeFiles(0, files)).toEqual({ take: [files[0], files[2]], refused: 1 });
    const r = takeFiles(3, files);
    expect(r.take.map((f) => f.name)).toEqual(["a.png"]);
    expect(r.refused).toBe(2);
    expect(takeFiles(4, files).take).toEqual([]);
  });

  it("sends media or a poll, never both", () => {
    const poll = { ...newPoll(), options: [" yes ", "no"], multiple: true };
    expect(attachments(["1", "2"], poll)).toEqual({ media_ids: ["1", "2"] });
    expect(attachments([], poll)).toEqual({ poll: { options: ["yes", "no"], expires_in: 86400, multiple: true } });
    expect(attachments([], null)).toEqual({});
  });
});

describe("a poll", () => {
  it("is ready with 2 to 4 written options, none twice", () => {
    expect(pollReady(newPoll())).toBe(false);
    expect(pollReady({ ...newPoll(), options: ["a", "b"] })).toBe(true);
    expect(pollReady({ ...newPoll(), options: ["a", " "] })).toBe(false);
    expect(pollReady({ ...newPoll(), options: ["a", "a "] })).toBe(false);
    expect(pollReady({ ...newPoll(), options: ["a"] })).toBe(false);
    expect(pollReady({ ...newPoll(), options: ["a", "b", "c", "d", "e"] })).toBe(false);
  });

  const poll = (over: Partial<Poll>): Poll => ({
    id: "1",
    expires_at: null,
    expired: false,
    multiple: false,
    votes_count: 4,
    voters_count: 4,
    options: [
      { title: "a", votes_count: 3 },
      { title: "b", votes_count: 1 },
    ],
    ...over,
  });

  it("shows its results to voters, once ended, and to its author", () => {
    expect(showResults(poll({ voted: false }), false)).toBe(false);
    expect(showResults(poll({ voted: true }), false)).toBe(true);
    expect(showResults(poll({ expired: true }), false)).toBe(true);
    expect(showResults(poll({}), true)).toBe(true);
  });

  it("shares single-choice votes by votes, multiple-choice ones by voters; hidden totals count none", () => {
    expect(pollShares(poll({}))).toEqual([75, 25]);
    expect(pollShares(poll({ multiple: true, votes_count: 5, voters_count: 3, options: [{ title: "a", votes_count: 3 }, { title: "b", votes_count: 2 }] }))).toEqual([100, 67]);
    expect(pollShares(poll({ votes_count: 0, options: [{ title: "a", votes_count: null }, { title: "b", votes_count: null }] }))).toEqual([0, 0]);
  });

  it("is sent again by an edit, ending when it ended, at least five minutes on", () => {
    const now = Date.parse("2026-12-07T00:00:00.000Z");
    const p = poll({ multiple: true, expires_at: "2026-12-07T01:00:00.000Z" });
    expect(keptPoll(p, now)).toEqual({ options: p.options.map((o) => o.title), expires_in: 3600, multiple: true });
    expect(keptPoll(poll({ expires_at: "2026-12-07T00:01:00.000Z" }), now).expires_in).toBe(300);
  });
});
