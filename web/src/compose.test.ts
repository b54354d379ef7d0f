import { describe, expect, it } from "vitest";
import { acceptAttribute, acceptedType, attachments, keptPoll, kindOf, newPoll, pollReady, pollShares, showResults, takeFiles } from "./compose";
import type { Poll } from "./entities";

const file = (name: string, type: string) => new File(["x"], name, { type });

describe("the compose box's media", () => {
  it("takes images up to four in all, of the types the server takes", () => {
    const files = [file("a.png", "image/png"), file("b.txt", "text/plain"), file("c.jpg", "image/jpeg")];
    expect(takeFiles([], files)).toEqual({ take: [files[0], files[2]], refused: 1 });
    const r = takeFiles(["image", "image", "image"], files);
    expect(r.take.map((f) => f.name)).toEqual(["a.png"]);
    expect(r.refused).toBe(2);
    expect(takeFiles(["image", "image", "image", "image"], files).take).toEqual([]);
    expect(takeFiles([], files, ["image/jpeg"]).take.map((f) => f.name)).toEqual(["c.jpg"]);
  });

  it("takes one video or audio file alone, as Mastodon does", () => {
    const video = file("v.mp4", "video/mp4");
    const audio = file("s.mp3", "audio/mpeg");
    const image = file("a.png", "image/png");
    expect(takeFiles([], [video, image])).toEqual({ take: [video], refused: 1 });
    expect(takeFiles([], [audio, video])).toEqual({ take: [audio], refused: 1 });
    // Beside images, a video is left out; beside a video, anything is.
    expect(takeFiles(["image"], [video, image])).toEqual({ take: [image], refused: 1 });
    expect(takeFiles(["video"], [image])).toEqual({ take: [], refused: 1 });
    expect(takeFiles(["gifv"], [image]).take).toEqual([]);
    // A type the server does not list is refused.
    expect(takeFiles([], [file("m.mkv", "video/x-matroska")], ["video/mp4", "image/png"])).toEqual({ take: [], refused: 1 });
  });

  it("offers the server's types to the file picker, or any image, video and audio before they are known", () => {
    expect(acceptAttribute(["image/png", "video/mp4"])).toBe("image/png,video/mp4");
    expect(acceptAttribute()).toBe("image/*,video/*,audio/*");
    expect(acceptedType("audio/ogg")).toBe(true);
    expect(acceptedType("application/pdf")).toBe(false);
    expect(kindOf("video/webm")).toBe("video");
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
