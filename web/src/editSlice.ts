// The post being edited, if any: the compose box takes its text as written (the
// status's source) and saves it with PUT /api/v1/statuses/:id instead of posting.
// Or a post deleted to be redrafted: the box starts from it (text, warning,
// visibility, language, media, poll) and posts it anew.
import { createSlice, type PayloadAction } from "@reduxjs/toolkit";
import type { Status, StatusSource } from "./entities";

export interface Editing {
  status: Status;
  source: StatusSource;
  /** The post was deleted: the box posts a new one from it. */
  redraft?: boolean;
}

export const editSlice = createSlice({
  name: "edit",
  initialState: { editing: null as Editing | null },
  reducers: {
    startEdit(state, action: PayloadAction<Editing>) {
      state.editing = action.payload;
    },
    endEdit(state) {
      state.editing = null;
    },
  },
});

export const { startEdit, endEdit } = editSlice.actions;

/** The redraft of a deleted post, from the delete's answer (which holds its text as written). */
export const redraftOf = (deleted: Status): Editing => ({
  status: deleted,
  source: { id: deleted.id, text: deleted.text ?? "", spoiler_text: deleted.spoiler_text },
  redraft: true,
});
