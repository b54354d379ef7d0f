// The post being edited, if any: the compose box takes its text as written (the
// status's source) and saves it with PUT /api/v1/statuses/:id instead of posting.
import { createSlice, type PayloadAction } from "@reduxjs/toolkit";
import type { Status, StatusSource } from "./entities";

export interface Editing {
  status: Status;
  source: StatusSource;
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
