// What the streaming connection brought that the reader has not asked to see yet:
// posts waiting above each timeline behind a "new posts" button, and posts deleted
// since they were loaded. The connection's state is kept for the header.
import { createSlice, type PayloadAction } from "@reduxjs/toolkit";
import type { FixedKind, TimelineKind } from "./api";
import type { Status } from "./entities";

export type Connection = "connecting" | "open" | "closed";

export interface LiveState {
  // A hashtag's or a list's waiting posts are kept from when the first arrives.
  pending: Record<FixedKind, Status[]> & Partial<Record<TimelineKind, Status[]>>;
  connection: Connection;
  /** Posts deleted while the app is open: a thread whose post is gone says so. */
  gone: string[];
}

const initialState: LiveState = { pending: { home: [], local: [], federated: [] }, connection: "closed", gone: [] };

export const liveSlice = createSlice({
  name: "live",
  initialState,
  reducers: {
    arrived(state, action: PayloadAction<{ kind: TimelineKind; status: Status }>) {
      const list = (state.pending[action.payload.kind] ??= []);
      if (!list.some((s) => s.id === action.payload.status.id)) list.unshift(action.payload.status);
    },
    /** A post now shown in the timelines (or gone) waits no longer. */
    deleted(state, action: PayloadAction<string>) {
      for (const kind of Object.keys(state.pending) as TimelineKind[]) {
        const list = state.pending[kind];
        if (list) state.pending[kind] = list.filter((s) => s.id !== action.payload);
      }
    },
    gone(state, action: PayloadAction<string>) {
      if (!state.gone.includes(action.payload)) state.gone.push(action.payload);
    },
    cleared(state, action: PayloadAction<TimelineKind>) {
      state.pending[action.payload] = [];
    },
    connection(state, action: PayloadAction<Connection>) {
      state.connection = action.payload;
    },
    reset() {
      return initialState;
    },
  },
});

export const { arrived, deleted, gone, cleared, connection, reset } = liveSlice.actions;
