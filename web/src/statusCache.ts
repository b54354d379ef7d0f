// One status is shown in many cached lists at once (timelines, threads, profiles,
// notifications). When the server answers a favourite, boost or bookmark with the
// status as it now is, every cached copy takes its new state, so the buttons agree
// wherever the post shows. An edit (the author's, or status.update from the stream)
// changes what it says in every copy; a deletion takes it out of every list.
import type { Status } from "./entities";
import { api } from "./api";
import { deleted, gone } from "./liveSlice";
import type { AppThunk } from "./store";

// What an action on a status changes; the rest of a cached copy stays as read.
const changing = ["favourited", "reblogged", "bookmarked", "favourites_count", "reblogs_count", "replies_count", "poll"] as const;
// What an edit changes; the viewer's own state (favourited...) stays as read.
const edited = ["content", "spoiler_text", "sensitive", "media_attachments", "poll", "edited_at", "mentions"] as const;

type Key = (typeof changing)[number] | (typeof edited)[number];

// The keys under which cached answers hold statuses: infinite queries' pages, a
// thread's two lists, a notification's status, a boost's original, a Link-paged
// page's and a search's statuses, a conversation's newest post.
const holders = ["pages", "ancestors", "descendants", "status", "reblog", "statuses", "last_status"];

function isStatus(v: object): v is Status {
  return "id" in v && "content" in v && "account" in v;
}

/** Gives every copy of updated inside value (mutated in place) the updated state. */
export function patchStatuses(value: unknown, updated: Status, keys: readonly Key[] = changing): void {
  if (Array.isArray(value)) {
    for (const v of value) patchStatuses(v, updated, keys);
    return;
  }
  if (typeof value !== "object" || value === null) return;
  if (isStatus(value) && value.id === updated.id) {
    for (const k of keys) {
      // Assigned one by one: each key keeps its own type.
      (value as unknown as Record<string, unknown>)[k] = updated[k];
    }
  }
  const rec = value as Record<string, unknown>;
  for (const k of holders) if (k in rec) patchStatuses(rec[k], updated, keys);
}

/** Whether an entry of a cached list is the status id, a boost of it, or a notification about it. */
function about(v: unknown, id: string): boolean {
  if (typeof v !== "object" || v === null) return false;
  const rec = v as { id?: unknown; reblog?: { id?: unknown } | null; status?: { id?: unknown } | null; type?: unknown };
  if (isStatus(v)) return rec.id === id || rec.reblog?.id === id;
  return typeof rec.type === "string" && rec.status?.id === id;
}

/** Takes the status (its boosts, the notifications about it) out of every list inside value, in place. */
export function removeStatus(value: unknown, id: string): void {
  if (Array.isArray(value)) {
    for (let i = value.length - 1; i >= 0; i--) {
      if (about(value[i], id)) value.splice(i, 1);
      else removeStatus(value[i], id);
    }
    return;
  }
  if (typeof value !== "object" || value === null) return;
  const rec = value as Record<string, unknown>;
  for (const k of holders) if (k in rec && k !== "status" && k !== "reblog" && k !== "last_status") removeStatus(rec[k], id);
}

type AnyEndpoint = Parameters<typeof api.util.updateQueryData>[0];

/** Runs recipe on every cached answer. */
function everyAnswer(recipe: (draft: unknown) => void): AppThunk {
  return (dispatch, getState) => {
    for (const q of Object.values(getState().api.queries)) {
      if (!q || q.status !== "fulfilled" || !q.endpointName) continue;
      // Any endpoint's answer may hold it; the recipes read them all as unknown.
      const update = api.util.updateQueryData as (
        name: AnyEndpoint,
        arg: unknown,
        recipe: (draft: unknown) => void,
      ) => Parameters<typeof dispatch>[0];
      dispatch(update(q.endpointName as AnyEndpoint, q.originalArgs, recipe));
    }
  };
}

/** Patches every cached answer that may hold the status. */
export function statusChanged(updated: Status): AppThunk {
  return everyAnswer((draft) => patchStatuses(draft, updated));
}

/** Gives every cached copy of the status its edited text, warning, media and poll. */
export function statusEdited(updated: Status): AppThunk {
  return everyAnswer((draft) => patchStatuses(draft, updated, edited));
}

/** Takes a deleted status out of every cached list and of what waits, and marks it gone. */
export function statusDeleted(id: string): AppThunk {
  return (dispatch) => {
    dispatch(deleted(id));
    dispatch(gone(id));
    dispatch(everyAnswer((draft) => removeStatus(draft, id)));
  };
}
