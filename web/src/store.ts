// The Redux store: the API cache, who is signed in, what the stream brought, and the post being edited.
import { configureStore, type ThunkAction, type UnknownAction } from "@reduxjs/toolkit";
import { api, prepend, type TimelineKind } from "./api";
import { authSlice } from "./authSlice";
import { editSlice } from "./editSlice";
import { cleared, liveSlice } from "./liveSlice";

export function makeStore(token: string | null) {
  return configureStore({
    reducer: { [api.reducerPath]: api.reducer, auth: authSlice.reducer, live: liveSlice.reducer, edit: editSlice.reducer },
    preloadedState: { auth: { token } },
    middleware: (getDefault) => getDefault().concat(api.middleware),
  });
}

export type AppStore = ReturnType<typeof makeStore>;
export type RootState = ReturnType<AppStore["getState"]>;
export type AppDispatch = AppStore["dispatch"];
export type AppThunk = ThunkAction<void, RootState, unknown, UnknownAction>;

/** Appends the page older than the timeline's last post; resolves to how many came. */
export function loadOlder(kind: TimelineKind): ThunkAction<Promise<number>, RootState, unknown, UnknownAction> {
  return async (dispatch, getState) => {
    const last = api.endpoints.timeline.select(kind)(getState()).data?.at(-1);
    if (!last) return 0;
    const page = await dispatch(api.endpoints.olderPage.initiate({ kind, maxId: last.id }, { subscribe: false })).unwrap();
    dispatch(
      api.util.updateQueryData("timeline", kind, (list) => {
        const seen = new Set(list.map((s) => s.id));
        list.push(...page.filter((s) => !seen.has(s.id)));
      }),
    );
    return page.length;
  };
}

/** Moves the posts waiting behind the "new posts" button into the timeline. */
export function showPending(kind: TimelineKind): AppThunk {
  return (dispatch, getState) => {
    const waiting = getState().live.pending[kind] ?? [];
    dispatch(api.util.updateQueryData("timeline", kind, (list) => prepend(list, waiting)));
    dispatch(cleared(kind));
  };
}
