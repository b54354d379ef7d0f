// Direct messages: the viewer's conversations (newest first), each marked read when
// opened, or removed, added to the one API. The "direct" stream brings a conversation
// each time one of its posts arrives; conversationArrived puts it at the top.
import { translate } from "./i18n";
import { api } from "./api";
import type { Conversation } from "./entities";
import type { AppThunk } from "./store";

export const conversationsApi = api.injectEndpoints({
  endpoints: (build) => ({
    conversations: build.query<Conversation[], void>({
      query: () => ({ url: "api/v1/conversations", params: { limit: 40 } }),
      providesTags: ["Conversations"],
    }),
    // Marked read on screen at once; the server's answer then replaces it.
    readConversation: build.mutation<Conversation, string>({
      query: (id) => ({ url: `api/v1/conversations/${encodeURIComponent(id)}/read`, method: "POST" }),
      async onQueryStarted(id, { dispatch, queryFulfilled }) {
        const patch = dispatch(
          conversationsApi.util.updateQueryData("conversations", undefined, (list) => {
            const c = list.find((x) => x.id === id);
            if (c) c.unread = false;
          }),
        );
        try {
          await queryFulfilled;
        } catch {
          patch.undo();
        }
      },
    }),
    removeConversation: build.mutation<void, string>({
      query: (id) => ({ url: `api/v1/conversations/${encodeURIComponent(id)}`, method: "DELETE" }),
      async onQueryStarted(id, { dispatch, queryFulfilled }) {
        await queryFulfilled;
        dispatch(conversationsApi.util.updateQueryData("conversations", undefined, (list) => list.filter((c) => c.id !== id)));
      },
    }),
  }),
});

export const { useConversationsQuery, useReadConversationMutation, useRemoveConversationMutation } = conversationsApi;

/** Puts a conversation that changed at the top of the list, replacing its older copy. */
export function upsertConversation(list: Conversation[], c: Conversation): Conversation[] {
  return [c, ...list.filter((x) => x.id !== c.id)];
}

export function conversationArrived(c: Conversation): AppThunk {
  return (dispatch) => {
    dispatch(conversationsApi.util.updateQueryData("conversations", undefined, (list) => upsertConversation(list, c)));
  };
}

/** How many conversations have posts the viewer has not read. */
export const unreadConversations = (list: Conversation[] | undefined): number => list?.filter((c) => c.unread).length ?? 0;

/** The names of a conversation's participants, for its heading. */
export function participants(c: Conversation): string {
  if (c.accounts.length === 0) return translate("conversations.onlyYou");
  return c.accounts.map((a) => a.display_name || a.username).join(", ");
}
