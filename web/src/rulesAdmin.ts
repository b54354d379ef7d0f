// Server rules and content rules, as staff with manage_rules edit them (Herd's
// /api/v1/admin/rules and /api/v1/admin/content_rules): the server rules people cite
// when they report, in their order; the content rules that act on matching posts,
// with how often each matched.
import { translate, type MessageKey } from "./i18n";
import { api } from "./api";

/** A server rule as admins manage it. */
export interface AdminRule {
  id: string;
  text: string;
  hint: string;
  priority: number;
  created_at: string;
  updated_at: string;
}

export type ContentAction = "reject" | "sensitive" | "report" | "unlist";

/** A content rule: a phrase or a regular expression, what it does, and its hits. */
export interface ContentRule {
  id: string;
  pattern: string;
  regexp: boolean;
  whole_word: boolean;
  action: ContentAction;
  hits: number;
  created_at: string;
  updated_at: string;
}

export const contentActionLabels: Record<ContentAction, MessageKey> = {
  reject: "rules.content.reject",
  sensitive: "rules.content.sensitive",
  report: "rules.content.report",
  unlist: "rules.content.unlist",
};

export interface RuleDraft {
  text: string;
  hint: string;
  priority: string;
}

export const newRule = (): RuleDraft => ({ text: "", hint: "", priority: "" });
export const ruleDraftOf = (r: AdminRule): RuleDraft => ({ text: r.text, hint: r.hint, priority: String(r.priority) });

/** A rule needs its text; a priority, when given, is a whole number. */
export function ruleReady(d: RuleDraft): boolean {
  return d.text.trim() !== "" && (d.priority.trim() === "" || /^-?\d+$/.test(d.priority.trim()));
}

/** The body of a rule: the text and hint trimmed, the priority only when given. */
export function ruleBody(d: RuleDraft): Record<string, string | number> {
  const body: Record<string, string | number> = { text: d.text.trim(), hint: d.hint.trim() };
  if (d.priority.trim() !== "") body["priority"] = Number(d.priority.trim());
  return body;
}

/** The rules in the order people read them: by priority, then as made. */
export function ruleOrder(rules: AdminRule[]): AdminRule[] {
  return [...rules].sort((a, b) => a.priority - b.priority || a.created_at.localeCompare(b.created_at));
}

export interface ContentRuleDraft {
  pattern: string;
  regexp: boolean;
  wholeWord: boolean;
  action: ContentAction;
}

export const newContentRule = (): ContentRuleDraft => ({ pattern: "", regexp: false, wholeWord: false, action: "reject" });
export const contentDraftOf = (r: ContentRule): ContentRuleDraft => ({
  pattern: r.pattern,
  regexp: r.regexp,
  wholeWord: r.whole_word,
  action: r.action,
});

/** Why a pattern cannot be sent, or "" when it can: a regular expression must compile. */
export function patternProblem(d: ContentRuleDraft): string {
  if (d.pattern.trim() === "") return translate("rules.patternNeeded");
  if (!d.regexp) return "";
  try {
    // The server uses Go's RE2; JavaScript's syntax differs in corners, so the server decides those.
    new RegExp(d.pattern.replace(/^\(\?[a-z]+\)/, ""));
    return "";
  } catch {
    return translate("rules.patternBad");
  }
}

/** The body of a content rule; whole words apply to a phrase only. */
export function contentRuleBody(d: ContentRuleDraft): Record<string, string | boolean> {
  return { pattern: d.regexp ? d.pattern : d.pattern.trim(), regexp: d.regexp, whole_word: !d.regexp && d.wholeWord, action: d.action };
}

/** How a content rule matches, in words. */
export function matchText(r: ContentRule): string {
  if (r.regexp) return translate("rules.regexp");
  return r.whole_word ? translate("rules.phraseWhole") : translate("rules.phrase");
}

const path = (id: string) => encodeURIComponent(id);

export const rulesApi = api.injectEndpoints({
  endpoints: (build) => ({
    adminRules: build.query<AdminRule[], void>({
      query: () => "api/v1/admin/rules",
      transformResponse: (rules: AdminRule[]) => ruleOrder(rules),
      providesTags: ["Rules"],
    }),
    saveRule: build.mutation<AdminRule, { id?: string; draft: RuleDraft }>({
      query: ({ id, draft }) => ({ url: id ? `api/v1/admin/rules/${path(id)}` : "api/v1/admin/rules", method: id ? "PUT" : "POST", body: ruleBody(draft) }),
      invalidatesTags: ["Rules"],
    }),
    removeRule: build.mutation<unknown, string>({
      query: (id) => ({ url: `api/v1/admin/rules/${path(id)}`, method: "DELETE" }),
      invalidatesTags: ["Rules"],
    }),
    contentRules: build.query<ContentRule[], void>({
      query: () => "api/v1/admin/content_rules",
      providesTags: ["ContentRules"],
    }),
    saveContentRule: build.mutation<ContentRule, { id?: string; draft: ContentRuleDraft }>({
      query: ({ id, draft }) => ({
        url: id ? `api/v1/admin/content_rules/${path(id)}` : "api/v1/admin/content_rules",
        method: id ? "PUT" : "POST",
        body: contentRuleBody(draft),
      }),
      invalidatesTags: ["ContentRules"],
    }),
    removeContentRule: build.mutation<unknown, string>({
      query: (id) => ({ url: `api/v1/admin/content_rules/${path(id)}`, method: "DELETE" }),
      invalidatesTags: ["ContentRules"],
    }),
  }),
});

export const {
  useAdminRulesQuery,
  useSaveRuleMutation,
  useRemoveRuleMutation,
  useContentRulesQuery,
  useSaveContentRuleMutation,
  useRemoveContentRuleMutation,
} = rulesApi;
