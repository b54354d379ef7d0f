// What the compose box sends beside its text: up to four images or one video or
// audio file, or a poll, never both (Mastodon refuses a status with both, and its web app offers one or the
// other). The upload itself is in upload.ts; these are the rules, kept pure.
import type { MessageKey } from "./i18n";
import type { CreateStatusParams, Poll } from "./entities";

export const maxMedia = 4;
export const minPollOptions = 2;
export const maxPollOptions = 4;

/** The poll lengths offered, in seconds, as Mastodon's web app offers them. */
export const pollExpiries: { seconds: number; label?: MessageKey }[] = [
  { seconds: 5 * 60 },
  { seconds: 30 * 60 },
  { seconds: 60 * 60 },
  { seconds: 6 * 60 * 60 },
  { seconds: 24 * 60 * 60 },
  { seconds: 3 * 24 * 60 * 60 },
  { seconds: 7 * 24 * 60 * 60 },
];

/** The kind of a file ("image", "video", "audio": its media type's first half) or of an attachment (its type). */
export const kindOf = (type: string) => type.split("/")[0] ?? "";

/** Video, audio and GIFs shown as video go alone in a post, as Mastodon's rule has it. */
const alone = (kind: string) => kind !== "image";

/**
 * Whether the server takes a file of this type: the types its configuration lists,
 * or, before the configuration is read, any image, video or audio.
 */
export function acceptedType(type: string, supported?: readonly string[]): boolean {
  return supported ? supported.includes(type) : /^(image|video|audio)\//.test(type);
}

/** The file input's accept attribute. */
export const acceptAttribute = (supported?: readonly string[]) => (supported ? supported.join(",") : "image/*,video/*,audio/*");

/**
 * The files picked or pasted that the box takes, beside the attachments it has (their
 * kinds): up to four images, or one video or audio file alone; only types the server takes.
 */
export function takeFiles(have: readonly string[], files: readonly File[], supported?: readonly string[]): { take: File[]; refused: number } {
  const ok = files.filter((f) => acceptedType(f.type, supported));
  let take: File[];
  if (have.some(alone)) take = [];
  else if (have.length === 0 && ok[0] && alone(kindOf(ok[0].type))) take = [ok[0]];
  else take = ok.filter((f) => !alone(kindOf(f.type))).slice(0, Math.max(0, maxMedia - have.length));
  return { take, refused: files.length - take.length };
}

export interface DraftPoll {
  options: string[];
  expiresIn: number;
  multiple: boolean;
}

export const newPoll = (): DraftPoll => ({ options: ["", ""], expiresIn: 24 * 60 * 60, multiple: false });

/** A deleted post's poll, drafted again: its options and kind, for the default length (its votes are gone). */
export const redraftPoll = (poll: Poll): DraftPoll => ({ ...newPoll(), options: poll.options.map((o) => o.title), multiple: poll.multiple });

/** A poll can be posted once each of its 2 to 4 options is written, and no two are the same. */
export function pollReady(poll: DraftPoll): boolean {
  const titles = poll.options.map((o) => o.trim());
  return (
    titles.length >= minPollOptions &&
    titles.length <= maxPollOptions &&
    titles.every((t) => t !== "") &&
    new Set(titles).size === titles.length
  );
}

/** The status's media or poll fields: media when there are any, else the poll, if one is drafted. */
export function attachments(mediaIds: string[], poll: DraftPoll | null): Pick<CreateStatusParams, "media_ids" | "poll"> {
  if (mediaIds.length > 0) return { media_ids: mediaIds.slice(0, maxMedia) };
  if (poll) return { poll: { options: poll.options.map((o) => o.trim()), expires_in: poll.expiresIn, multiple: poll.multiple } };
  return {};
}

/** Results show once the reader voted, once the poll ended, or to its author. */
export function showResults(poll: Poll, mine: boolean): boolean {
  return mine || poll.expired || poll.voted === true;
}

/**
 * Each option's share of the votes, in whole percent. A multiple-choice poll divides
 * by its voters (a voter may pick several), a single-choice one by its votes; hidden
 * totals (null) count as none.
 */
export function pollShares(poll: Poll): number[] {
  const total = poll.multiple ? (poll.voters_count ?? 0) : poll.votes_count;
  return poll.options.map((o) => (total > 0 && o.votes_count !== null ? Math.round((o.votes_count * 100) / total) : 0));
}

/** Mastodon's shortest poll, in seconds. */
export const minPollSeconds = 5 * 60;

/**
 * The poll an edit sends to keep a post's poll as it is: an edit that sends none
 * removes it (Mastodon's rule), and the same options and multiplicity keep its votes.
 * It ends when it ended before (at least five minutes from now, the shortest allowed).
 */
export function keptPoll(poll: Poll, now = Date.now()): NonNullable<CreateStatusParams["poll"]> {
  const left = poll.expires_at ? Math.round((Date.parse(poll.expires_at) - now) / 1000) : 24 * 60 * 60;
  return { options: poll.options.map((o) => o.title), expires_in: Math.max(minPollSeconds, left), multiple: poll.multiple };
}
