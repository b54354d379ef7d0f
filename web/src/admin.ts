// Moderation: the admin API the moderation pages use, added to the one API (what the
// signed-in user's role allows is in roles.ts): reports (assigned, resolved, reopened),
// accounts (listed with filters, acted on, actions undone, sign-ups approved or
// rejected) and domain blocks (listed, added, removed). The server checks every call
// against the role and the token's admin scopes; the app only hides what would be refused.
import { translate, type MessageKey } from "./i18n";
import type { FetchBaseQueryError } from "@reduxjs/toolkit/query";
import { api } from "./api";
import type { AdminAccount, AdminDomainBlock, AdminReport, DomainBlockSeverity } from "./entities";
import { nextLink } from "./saved";

export { moderationPath, permissionsOf, sectionTitles, sectionsFor, type Section } from "./roles";

/** The acct of an Admin::Account: username, and @domain for a remote one. */
export const adminAcct = (a: AdminAccount) => (a.domain ? `${a.username}@${a.domain}` : a.username);

export const categoryLabels: Record<string, MessageKey> = {
  spam: "admin.category.spam",
  legal: "admin.category.legal",
  violation: "admin.category.violation",
  other: "admin.category.other",
};

/** What moderators can do to an account (POST /api/v1/admin/accounts/:id/action). */
export type ActionType = "none" | "sensitive" | "disable" | "silence" | "suspend";

export const actionLabels: Record<ActionType, MessageKey> = {
  none: "admin.action.none",
  sensitive: "admin.action.sensitive",
  disable: "admin.action.disable",
  silence: "admin.action.silence",
  suspend: "admin.action.suspend",
};

/** The confirmation asked before an action, in words. */
export function actionQuestion(type: ActionType, acct: string): string {
  switch (type) {
    case "none":
      return translate("admin.question.none", { acct });
    case "sensitive":
      return translate("admin.question.sensitive", { acct });
    case "disable":
      return translate("admin.question.disable", { acct });
    case "silence":
      return translate("admin.question.silence", { acct });
    case "suspend":
      return translate("admin.question.suspend", { acct });
  }
}

/** The actions that would change something: freezing is for local accounts only. */
export function actionsFor(a: AdminAccount): ActionType[] {
  const out: ActionType[] = ["none"];
  if (!a.sensitized) out.push("sensitive");
  if (!a.domain && !a.disabled) out.push("disable");
  if (!a.silenced && !a.suspended) out.push("silence");
  if (!a.suspended) out.push("suspend");
  return out;
}

export type Undo = "enable" | "unsilence" | "unsuspend" | "unsensitive";

export const undoLabels: Record<Undo, MessageKey> = {
  enable: "admin.undo.enable",
  unsilence: "admin.undo.unsilence",
  unsuspend: "admin.undo.unsuspend",
  unsensitive: "admin.undo.unsensitive",
};

/** The reversals of what is in effect on an account. */
export function reversalsFor(a: AdminAccount): Undo[] {
  const out: Undo[] = [];
  if (a.disabled) out.push("enable");
  if (a.silenced) out.push("unsilence");
  if (a.suspended) out.push("unsuspend");
  if (a.sensitized) out.push("unsensitive");
  return out;
}

/** An account's states, in words: pending first, then what moderators did; else active. */
export function accountStates(a: AdminAccount): string[] {
  const out: string[] = [];
  if (!a.approved) out.push("Pending");
  if (a.suspended) out.push("Suspended");
  if (a.silenced) out.push("Silenced");
  if (a.disabled) out.push("Disabled");
  if (a.sensitized) out.push("Sensitized");
  return out.length > 0 ? out : ["Active"];
}

export interface ActionRequest {
  id: string;
  type: ActionType;
  text: string;
  reportId?: string;
}

/** The body of an action: the note trimmed, the report it settles when it comes from one. */
export function actionBody(r: ActionRequest): Record<string, string> {
  const body: Record<string, string> = { type: r.type };
  if (r.text.trim() !== "") body["text"] = r.text.trim();
  if (r.reportId) body["report_id"] = r.reportId;
  return body;
}

export type Origin = "" | "local" | "remote";
export type AccountStatus = "" | "active" | "pending" | "disabled" | "silenced" | "suspended";

export interface AccountFilter {
  origin: Origin;
  status: AccountStatus;
  username: string;
}

export const accountStatuses: { value: AccountStatus; label: MessageKey }[] = [
  { value: "", label: "admin.status.any" },
  { value: "active", label: "admin.status.active" },
  { value: "pending", label: "admin.status.pending" },
  { value: "disabled", label: "admin.status.disabled" },
  { value: "silenced", label: "admin.status.silenced" },
  { value: "suspended", label: "admin.status.suspended" },
];

/** The query of GET /api/v2/admin/accounts: only the filters set, the username without its @. */
export function accountParams(f: AccountFilter): Record<string, string | number> {
  const q: Record<string, string | number> = { limit: 40 };
  if (f.origin) q["origin"] = f.origin;
  if (f.status) q["status"] = f.status;
  const username = f.username.trim().replace(/^@/, "");
  if (username) q["username"] = username;
  return q;
}

export interface DomainBlockDraft {
  domain: string;
  severity: DomainBlockSeverity;
  rejectMedia: boolean;
  rejectReports: boolean;
  publicComment: string;
  privateComment: string;
}

export const newDomainBlock = (): DomainBlockDraft => ({
  domain: "",
  severity: "silence",
  rejectMedia: false,
  rejectReports: false,
  publicComment: "",
  privateComment: "",
});

export const severityLabels: Record<DomainBlockSeverity, MessageKey> = {
  silence: "domainBlocks.severity.silence",
  suspend: "admin.action.suspend",
  noop: "domainBlocks.severity.noop",
};

/** The domain as typed, without a scheme, a path or a leading @ (a pasted address works). */
export function cleanDomain(s: string): string {
  return s
    .trim()
    .replace(/^[a-z]+:\/\//i, "")
    .replace(/^@/, "")
    .replace(/[/?#].*$/, "")
    .toLowerCase();
}

/** A domain as typed is one of at least one dot and no spaces. */
export const domainReady = (s: string) => /^[^\s.]+(\.[^\s.]+)+$/.test(cleanDomain(s));

/** A draft is ready with a domain of at least one dot and no spaces. */
export const domainBlockReady = (d: DomainBlockDraft) => domainReady(d.domain);

export function domainBlockBody(d: DomainBlockDraft): Record<string, string | boolean> {
  const body: Record<string, string | boolean> = {
    domain: cleanDomain(d.domain),
    severity: d.severity,
    reject_media: d.rejectMedia,
    reject_reports: d.rejectReports,
  };
  if (d.publicComment.trim()) body["public_comment"] = d.publicComment.trim();
  if (d.privateComment.trim()) body["private_comment"] = d.privateComment.trim();
  return body;
}

/** What an admin call's error means to the moderator. */
export function adminErrorText(error: unknown): string {
  const e = error as FetchBaseQueryError | undefined;
  if (!e || typeof e !== "object" || !("status" in e)) return translate("admin.error.unknown");
  const msg = (e.data as { error?: string } | undefined)?.error ?? "";
  if (e.status === 403 && msg.includes("outside the authorized scopes")) {
    return translate("admin.error.scope");
  }
  if (e.status === 403) return translate("admin.error.role");
  if (typeof e.status !== "number") return translate("common.networkError");
  return msg || translate("admin.error.status", { status: e.status });
}

export interface Page<T> {
  items: T[];
  next: string | null;
}

export function paged<T>(items: T[], meta: { response?: Response } | undefined): Page<T> {
  return { items, next: items.length > 0 ? nextLink(meta?.response?.headers.get("Link")) : null };
}

export const pageOptions = { initialPageParam: "", getNextPageParam: (last: Page<unknown>) => last.next ?? undefined };
const path = (id: string) => encodeURIComponent(id);

export const adminApi = api.injectEndpoints({
  endpoints: (build) => ({
    adminReports: build.infiniteQuery<Page<AdminReport>, boolean, string>({
      infiniteQueryOptions: pageOptions,
      query: ({ queryArg: resolved, pageParam }) =>
        pageParam || { url: "api/v1/admin/reports", params: resolved ? { resolved: true, limit: 40 } : { limit: 40 } },
      transformResponse: (items: AdminReport[], meta) => paged(items, meta),
      providesTags: ["Reports"],
    }),
    adminReport: build.query<AdminReport, string>({
      query: (id) => `api/v1/admin/reports/${path(id)}`,
      providesTags: ["Reports"],
    }),
    reportDo: build.mutation<AdminReport, { id: string; verb: "assign_to_self" | "unassign" | "resolve" | "reopen" }>({
      query: ({ id, verb }) => ({ url: `api/v1/admin/reports/${path(id)}/${verb}`, method: "POST" }),
      invalidatesTags: ["Reports"],
    }),
    adminAccounts: build.infiniteQuery<Page<AdminAccount>, AccountFilter, string>({
      infiniteQueryOptions: pageOptions,
      query: ({ queryArg, pageParam }) => pageParam || { url: "api/v2/admin/accounts", params: accountParams(queryArg) },
      transformResponse: (items: AdminAccount[], meta) => paged(items, meta),
      providesTags: ["AdminAccounts"],
    }),
    adminAccount: build.query<AdminAccount, string>({
      query: (id) => `api/v1/admin/accounts/${path(id)}`,
      providesTags: ["AdminAccounts"],
    }),
    // Answers {}; the account and the report it settles are read again.
    accountAction: build.mutation<unknown, ActionRequest>({
      query: (r) => ({ url: `api/v1/admin/accounts/${path(r.id)}/action`, method: "POST", body: actionBody(r) }),
      invalidatesTags: ["AdminAccounts", "Reports"],
    }),
    accountDo: build.mutation<AdminAccount, { id: string; verb: Undo | "approve" | "reject" }>({
      query: ({ id, verb }) => ({ url: `api/v1/admin/accounts/${path(id)}/${verb}`, method: "POST" }),
      invalidatesTags: ["AdminAccounts", "Reports"],
    }),
    domainBlocks: build.infiniteQuery<Page<AdminDomainBlock>, void, string>({
      infiniteQueryOptions: pageOptions,
      query: ({ pageParam }) => pageParam || { url: "api/v1/admin/domain_blocks", params: { limit: 40 } },
      transformResponse: (items: AdminDomainBlock[], meta) => paged(items, meta),
      providesTags: ["DomainBlocks"],
    }),
    blockDomain: build.mutation<AdminDomainBlock, DomainBlockDraft>({
      query: (d) => ({ url: "api/v1/admin/domain_blocks", method: "POST", body: domainBlockBody(d) }),
      invalidatesTags: ["DomainBlocks"],
    }),
    unblockDomain: build.mutation<unknown, string>({
      query: (id) => ({ url: `api/v1/admin/domain_blocks/${path(id)}`, method: "DELETE" }),
      invalidatesTags: ["DomainBlocks"],
    }),
  }),
});

export const {
  useAdminReportsInfiniteQuery,
  useAdminReportQuery,
  useReportDoMutation,
  useAdminAccountsInfiniteQuery,
  useAdminAccountQuery,
  useAccountActionMutation,
  useAccountDoMutation,
  useDomainBlocksInfiniteQuery,
  useBlockDomainMutation,
  useUnblockDomainMutation,
} = adminApi;
