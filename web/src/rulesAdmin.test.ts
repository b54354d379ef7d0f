import { afterEach, describe, expect, it, vi } from "vitest";
import { fakeServer } from "./adminTesting";
import {
  contentRuleBody,
  matchText,
  newContentRule,
  newRule,
  patternProblem,
  ruleBody,
  ruleOrder,
  ruleReady,
  rulesApi,
  type AdminRule,
  type ContentRule,
} from "./rulesAdmin";

const rule = (id: string, priority: number, created = "2026-12-01T00:00:00.000Z"): AdminRule => ({
  id,
  text: `Rule ${id}`,
  hint: "",
  priority,
  created_at: created,
  updated_at: created,
});

const contentRule = (over: Partial<ContentRule> = {}): ContentRule => ({
  id: "5",
  pattern: "buy now",
  regexp: false,
  whole_word: false,
  action: "reject",
  hits: 3,
  created_at: "2026-12-01T00:00:00.000Z",
  updated_at: "2026-12-01T00:00:00.000Z",
  ...over,
});

afterEach(() => vi.unstubAllGlobals());

describe("server rules", () => {
  it("need a text, and a whole number as priority when one is given", () => {
    expect(ruleReady(newRule())).toBe(false);
    expect(ruleReady({ ...newRule(), text: "  " })).toBe(false);
    expect(ruleReady({ ...newRule(), text: "No spam" })).toBe(true);
    expect(ruleReady({ ...newRule(), text: "No spam", priority: " 2 " })).toBe(true);
    expect(ruleReady({ ...newRule(), text: "No spam", priority: "first" })).toBe(false);
    expect(ruleReady({ ...newRule(), text: "No spam", priority: "1.5" })).toBe(false);
  });

  it("send the text and hint trimmed, and the priority only when given", () => {
    expect(ruleBody({ text: " No spam ", hint: " ads too ", priority: "" })).toEqual({ text: "No spam", hint: "ads too" });
    expect(ruleBody({ text: "No spam", hint: "", priority: " 3" })).toEqual({ text: "No spam", hint: "", priority: 3 });
  });

  it("are listed by priority, then as they were made", () => {
    const list = [rule("a", 2), rule("b", 1, "2026-12-03T00:00:00.000Z"), rule("c", 1, "2026-12-02T00:00:00.000Z")];
    expect(ruleOrder(list).map((r) => r.id)).toEqual(["c", "b", "a"]);
  });

  it("are added with POST, edited with PUT, and the list is read again after each", async () => {
    let list = [rule("1", 0)];
    const { store, sent } = fakeServer((r) => {
      if (r.method === "GET") return { body: list };
      if (r.method === "POST") {
        list = [...list, { ...rule("2", 1), text: "Be kind" }];
        return { body: list[1] };
      }
      return { body: { ...rule("1", 0), text: "No ads" } };
    });
    const sub = store.dispatch(rulesApi.endpoints.adminRules.initiate());
    await sub;
    await store.dispatch(rulesApi.endpoints.saveRule.initiate({ draft: { text: " Be kind ", hint: "", priority: "" } }));
    await store.dispatch(rulesApi.endpoints.saveRule.initiate({ id: "1", draft: { text: "No ads", hint: "", priority: "0" } }));
    await vi.waitFor(() => expect(sent.filter((r) => r.method === "GET")).toHaveLength(3));
    expect(sent.filter((r) => r.method !== "GET")).toEqual([
      { method: "POST", path: "/api/v1/admin/rules", body: { text: "Be kind", hint: "" } },
      { method: "PUT", path: "/api/v1/admin/rules/1", body: { text: "No ads", hint: "", priority: 0 } },
    ]);
    expect(rulesApi.endpoints.adminRules.select()(store.getState()).data?.map((r) => r.text)).toEqual(["Rule 1", "Be kind"]);
    sub.unsubscribe();
  });
});

describe("content rules", () => {
  it("need a pattern, and a regular expression that compiles", () => {
    expect(patternProblem(newContentRule())).toBe("a pattern is needed");
    expect(patternProblem({ ...newContentRule(), pattern: "buy now" })).toBe("");
    expect(patternProblem({ ...newContentRule(), pattern: "(buy", regexp: false })).toBe("");
    expect(patternProblem({ ...newContentRule(), pattern: "(buy", regexp: true })).toMatch(/does not compile/);
    expect(patternProblem({ ...newContentRule(), pattern: "(?i)buy\\s+now", regexp: true })).toBe("");
  });

  it("send whole words for a phrase only, and a regular expression as typed", () => {
    expect(contentRuleBody({ pattern: " buy now ", regexp: false, wholeWord: true, action: "report" })).toEqual({
      pattern: "buy now",
      regexp: false,
      whole_word: true,
      action: "report",
    });
    expect(contentRuleBody({ pattern: " x+ ", regexp: true, wholeWord: true, action: "unlist" })).toEqual({ pattern: " x+ ", regexp: true, whole_word: false, action: "unlist" });
  });

  it("say how they match", () => {
    expect(matchText(contentRule())).toBe("phrase");
    expect(matchText(contentRule({ whole_word: true }))).toBe("phrase, whole words");
    expect(matchText(contentRule({ regexp: true }))).toBe("regular expression");
  });

  it("are removed with DELETE; a refusal is kept on the mutation for the page to show", async () => {
    const { store, sent } = fakeServer((r) => (r.path.endsWith("/9") ? { status: 404, body: { error: "Record not found" } } : { body: contentRule() }));
    await store.dispatch(rulesApi.endpoints.removeContentRule.initiate("5"));
    const refused = await store.dispatch(rulesApi.endpoints.removeContentRule.initiate("9"));
    expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual(["DELETE /api/v1/admin/content_rules/5", "DELETE /api/v1/admin/content_rules/9"]);
    expect("error" in refused && refused.error).toEqual({ status: 404, data: { error: "Record not found" } });
  });
});
