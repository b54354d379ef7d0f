// Scheduled posts (/api/v1/scheduled_statuses), added to the one API: a post given a
// scheduled_at is kept by the server until then (at least five minutes ahead, as
// Mastodon's rule) and answered as a ScheduledStatus, not a status; the list pages
// by its Link header; cancelling one deletes it.
import { api } from "./api";
import type { CreateStatusParams } from "./entities";
import { nextLink } from "./saved";

/** A post the server keeps until its time (ScheduledStatus). */
export interface ScheduledStatus {
  id: string;
  scheduled_at: string;
  params: { text: string; spoiler_text?: string | null; visibility?: string | null; poll?: { options: string[] } | null };
  media_attachments: { id: string }[];
}

export interface ScheduledPage {
  items: ScheduledStatus[];
  next: string | null;
}

/** A datetime-local value as an instant ("" when empty or not a time). */
export function scheduledInstant(local: string): string {
  if (local.trim() === "") return "";
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? "" : d.toISOString();
}

export const scheduledApi = api.injectEndpoints({
  endpoints: (build) => ({
    schedulePost: build.mutation<ScheduledStatus, CreateStatusParams & { scheduled_at: string; idempotencyKey: string }>({
      query: ({ idempotencyKey, ...body }) => ({ url: "api/v1/statuses", method: "POST", body, headers: { "Idempotency-Key": idempotencyKey } }),
      invalidatesTags: ["Scheduled"],
    }),
    scheduled: build.infiniteQuery<ScheduledPage, void, string>({
      infiniteQueryOptions: { initialPageParam: "", getNextPageParam: (last) => last.next ?? undefined },
      query: ({ pageParam }) => pageParam || { url: "api/v1/scheduled_statuses", params: { limit: 20 } },
      transformResponse: (items: ScheduledStatus[], meta) => ({ items, next: items.length > 0 ? nextLink(meta?.response?.headers.get("Link")) : null }),
      providesTags: ["Scheduled"],
    }),
    cancelScheduled: build.mutation<unknown, string>({
      query: (id) => ({ url: `api/v1/scheduled_statuses/${encodeURIComponent(id)}`, method: "DELETE" }),
      invalidatesTags: ["Scheduled"],
    }),
  }),
});

export const { useSchedulePostMutation, useScheduledInfiniteQuery, useCancelScheduledMutation } = scheduledApi;
