// Reporting an account and one of its posts to the moderators (POST /api/v1/reports),
// added to the one API: a category (spam, legal, a broken server rule, other), the
// rules broken (for a violation, which needs at least one, as the server requires),
// a comment, and for a remote account whether its server is told too (forward).
import { api } from "./api";
import type { MessageKey } from "./i18n";

export type ReportCategory = "spam" | "legal" | "violation" | "other";
export const reportCategories: { value: ReportCategory; label: MessageKey }[] = [
  { value: "spam", label: "report.spam" },
  { value: "legal", label: "report.legal" },
  { value: "violation", label: "report.violation" },
  { value: "other", label: "report.other" },
];

/** The longest comment the server takes (Mastodon's 1,000 characters). */
export const maxReportComment = 1000;

export interface ReportDraft {
  category: ReportCategory;
  ruleIds: string[];
  comment: string;
  forward: boolean;
}

export const newReport = (): ReportDraft => ({ category: "spam", ruleIds: [], comment: "", forward: false });

/** Why the report cannot be sent ("" when it can): a violation names a rule; the comment fits. */
export function reportProblem(d: ReportDraft): MessageKey | "" {
  if (d.category === "violation" && d.ruleIds.length === 0) return "report.ruleNeeded";
  if ([...d.comment].length > maxReportComment) return "report.tooLong";
  return "";
}

/** The report's JSON: the rules only for a violation, forward only for a remote account. */
export function reportBody(accountId: string, statusIds: string[], d: ReportDraft, remote: boolean) {
  return {
    account_id: accountId,
    status_ids: statusIds,
    category: d.category,
    comment: d.comment.trim(),
    ...(d.category === "violation" ? { rule_ids: d.ruleIds } : {}),
    ...(remote ? { forward: d.forward } : {}),
  };
}

export const reportsApi = api.injectEndpoints({
  endpoints: (build) => ({
    report: build.mutation<{ id: string }, ReturnType<typeof reportBody>>({
      query: (body) => ({ url: "api/v1/reports", method: "POST", body }),
    }),
  }),
});

export const { useReportMutation } = reportsApi;
