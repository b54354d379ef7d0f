// Moving the account (a Herd extension of the API, /api/v1/account_migration): the
// accounts one moves from (aliases), the move to another account with one's
// followers, a redirect that only shows the account as moved, and its cancel, as
// Mastodon's settings pages offer them.
import type { FetchBaseQueryError } from "@reduxjs/toolkit/query";
import { api } from "./api";
import type { Account } from "./entities";
import { translate } from "./i18n";

export interface Alias {
  uri: string;
  account: Account | null;
}

export interface MigrationState {
  moved_to: Account | null;
  cooldown_until: string | null;
  aliases: Alias[];
}

export type MoveKind = "move" | "redirect";

export const migrationApi = api.injectEndpoints({
  endpoints: (build) => ({
    migration: build.query<MigrationState, void>({ query: () => "api/v1/account_migration", providesTags: ["Migration"] }),
    addAlias: build.mutation<MigrationState, string>({
      query: (acct) => ({ url: "api/v1/account_migration/aliases", method: "POST", body: { acct } }),
      invalidatesTags: ["Migration"],
    }),
    removeAlias: build.mutation<MigrationState, string>({
      query: (uri) => ({ url: "api/v1/account_migration/aliases", method: "DELETE", body: { uri } }),
      invalidatesTags: ["Migration"],
    }),
    moveAccount: build.mutation<MigrationState, { kind: MoveKind; acct: string; password: string }>({
      query: ({ kind, acct, password }) => ({ url: `api/v1/account_migration/${kind}`, method: "POST", body: moveBody(acct, password) }),
      invalidatesTags: ["Migration", "Me"],
    }),
    cancelRedirect: build.mutation<MigrationState, void>({
      query: () => ({ url: "api/v1/account_migration/redirect", method: "DELETE" }),
      invalidatesTags: ["Migration", "Me"],
    }),
  }),
});

export const { useMigrationQuery, useAddAliasMutation, useRemoveAliasMutation, useMoveAccountMutation, useCancelRedirectMutation } = migrationApi;

/** The form of a move: the handle without its leading @ or spaces, and the password. */
export function moveBody(acct: string, password: string): { acct: string; current_password: string } {
  return { acct: acct.trim().replace(/^@/, ""), current_password: password };
}

/** Whole days left of the cooldown, rounded up; 0 when it is over or there is none. */
export function cooldownDays(until: string | null, now = Date.now()): number {
  if (!until) return 0;
  const left = Date.parse(until) - now;
  return left > 0 ? Math.ceil(left / (24 * 60 * 60 * 1000)) : 0;
}

/** What a refused move or alias means to the user: the server's message, else a generic one. */
export function migrationErrorText(error: unknown): string {
  const e = error as FetchBaseQueryError | undefined;
  if (!e || typeof e !== "object" || !("status" in e) || typeof e.status !== "number") return translate("common.networkError");
  const msg = (e.data as { error?: string } | undefined)?.error ?? "";
  return msg.replace(/^Validation failed: /, "") || translate("migration.failed");
}
