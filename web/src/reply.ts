// How a reply starts, as Mastodon's web app starts one: it mentions the author and
// everyone the post mentioned (but not oneself), keeps the content warning, and is
// no more public than the post it answers.
import type { Status, Visibility } from "./entities";

/** The mentions that open a reply to status, written by the account myAcct. */
export function replyMentions(status: Status, myAcct: string): string {
  const accts = [status.account.acct, ...status.mentions.map((m) => m.acct)];
  const seen = new Set<string>([myAcct]);
  const out: string[] = [];
  for (const a of accts) {
    if (seen.has(a)) continue;
    seen.add(a);
    out.push(`@${a}`);
  }
  return out.length > 0 ? out.join(" ") + " " : "";
}

const openness: Record<Visibility, number> = { public: 3, unlisted: 2, private: 1, direct: 0 };

/** The reply's visibility: the one chosen, or the post's if that is narrower. */
export function replyVisibility(parent: Visibility, chosen: Visibility): Visibility {
  return openness[parent] < openness[chosen] ? parent : chosen;
}
