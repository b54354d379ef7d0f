// One status is shown in many cached lists at once (timelines, threads, profiles,
// notifications). When the server answers a favourite, boost or bookmark with the
// status as it now is, every cached copy takes its new state, so the buttons agree
// wherever the post shows.
import type { Status } from "./entities";
import { api } from "./api";
import type { AppThunk } from "./store";

// What an action on a status changes; the rest of a cached copy stays as read.
const changing = ["favourited", "reblogged", "bookmarked", "favourites_count", "reblogs_count", "replies_count", "poll"] as const;

// The keys under which cached answers hold statuses: infinite queries' pages, a
// thread's two lists, a notification's status, a boost's original, a Link-paged
// page's and a search's statuses.
const holders = ["pages", "ancestors", "descendants", "status", "reblog", "statuses"];

function isStatus(v: object): v is Status {
  return "id" in v && "content" in v && "account" in v;
}

/** Gives every copy of updated inside value (mutated in place) the updated state. */
export function patchStatuses(value: unknown, updated: Status): void {
  if (Array.isArray(value)) {
    for (const v of value) patchStatuses(v, updated);
    return;
  }
  if (typeof value !== "object" || value === null) return;
  if (isStatus(value) && value.id === updated.id) {
    for (const k of changing) {
      // Assigned one by one: each key keeps its own type.
      (value as unknown as Record<string, unknown>)[k] = updated[k];
    }
  }
  const rec = value as Record<string, unknown>;
  for (const k of holders) if (k in rec) patchStatuses(rec[k], updated);
}

type AnyEndpoint = Parameters<typeof api.util.updateQueryData>[0];

/** Patches every cached answer that may hold the status. */
export function statusChanged(updated: Status): AppThunk {
  return (dispatch, getState) => {
    for (const q of Object.values(getState().api.queries)) {
      if (!q || q.status !== "fulfilled" || !q.endpointName) continue;
      // Any endpoint's answer may hold it; patchStatuses reads them all as unknown.
      const update = api.util.updateQueryData as (
        name: AnyEndpoint,
        arg: unknown,
        recipe: (draft: unknown) => void,
      ) => Parameters<typeof dispatch>[0];
      dispatch(update(q.endpointName as AnyEndpoint, q.originalArgs, (draft) => patchStatuses(draft, updated)));
    }
  };
}
