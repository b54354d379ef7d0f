// A status and its thread, and the actions on a status (favourite, boost, bookmark),
// added to the one API. An action's answer is the status as it now is, and every
// cached copy of it takes that state (statusCache.ts).
import { api } from "./api";
import type { Context, CreateStatusParams, Poll, Status, StatusEdit, StatusSource } from "./entities";
import { statusChanged, statusDeleted, statusEdited } from "./statusCache";

export type StatusAction = "favourite" | "unfavourite" | "reblog" | "unreblog" | "bookmark" | "unbookmark";

export const statusesApi = api.injectEndpoints({
  endpoints: (build) => ({
    // Read again with its thread after a reply, for its count of replies.
    status: build.query<Status, string>({
      query: (id) => `api/v1/statuses/${encodeURIComponent(id)}`,
      providesTags: ["Context"],
    }),
    context: build.query<Context, string>({
      query: (id) => `api/v1/statuses/${encodeURIComponent(id)}/context`,
      providesTags: ["Context"],
    }),
    act: build.mutation<Status, { id: string; action: StatusAction }>({
      query: ({ id, action }) => ({ url: `api/v1/statuses/${encodeURIComponent(id)}/${action}`, method: "POST" }),
      async onQueryStarted(_arg, { dispatch, queryFulfilled }) {
        const { data } = await queryFulfilled;
        // A boost answers with the boost; the original inside it is the one shown.
        dispatch(statusChanged(data.reblog ?? data));
      },
    }),
    // The answer is the poll as it now is; every copy of its status takes it.
    vote: build.mutation<Poll, { status: Status; choices: number[] }>({
      query: ({ status, choices }) => ({
        url: `api/v1/polls/${encodeURIComponent(status.poll?.id ?? status.id)}/votes`,
        method: "POST",
        body: { choices: choices.map(String) },
      }),
      async onQueryStarted({ status }, { dispatch, queryFulfilled }) {
        const { data } = await queryFulfilled;
        dispatch(statusChanged({ ...status, poll: data }));
      },
    }),
    // The text as written, for the compose box to edit.
    source: build.query<StatusSource, string>({
      query: (id) => `api/v1/statuses/${encodeURIComponent(id)}/source`,
      keepUnusedDataFor: 0,
    }),
    history: build.query<StatusEdit[], string>({
      query: (id) => `api/v1/statuses/${encodeURIComponent(id)}/history`,
      providesTags: (_r, _e, id) => [{ type: "History", id }],
    }),
    // The media kept and the poll are sent again: an edit without them drops them.
    editStatus: build.mutation<Status, EditParams>({
      query: ({ id, ...body }) => ({ url: `api/v1/statuses/${encodeURIComponent(id)}`, method: "PUT", body }),
      invalidatesTags: (_r, _e, { id }) => [{ type: "History", id }],
      async onQueryStarted(_arg, { dispatch, queryFulfilled }) {
        const { data } = await queryFulfilled;
        dispatch(statusEdited(data));
      },
    }),
    deleteStatus: build.mutation<Status, string>({
      query: (id) => ({ url: `api/v1/statuses/${encodeURIComponent(id)}`, method: "DELETE" }),
      async onQueryStarted(id, { dispatch, queryFulfilled }) {
        await queryFulfilled;
        dispatch(statusDeleted(id));
      },
    }),
  }),
});

export interface EditParams {
  id: string;
  status: string;
  spoiler_text: string;
  sensitive: boolean;
  media_ids?: string[];
  poll?: CreateStatusParams["poll"];
}

export const {
  useStatusQuery,
  useContextQuery,
  useActMutation,
  useVoteMutation,
  useHistoryQuery,
  useEditStatusMutation,
  useDeleteStatusMutation,
} = statusesApi;

/**
 * The depth of each reply under the focused status, for indenting a thread: a reply
 * to the focused status is 1, a reply to that 2, and so on. A reply whose parent is
 * not in the list (hidden, deleted) counts as a direct reply.
 */
export function replyDepths(focusId: string, descendants: Status[]): Map<string, number> {
  const depth = new Map<string, number>([[focusId, 0]]);
  // Mastodon lists descendants parents first, so one pass sees each parent before its replies.
  for (const s of descendants) {
    const parent = s.in_reply_to_id ? depth.get(s.in_reply_to_id) : undefined;
    depth.set(s.id, (parent ?? 0) + 1);
  }
  depth.delete(focusId);
  return depth;
}
