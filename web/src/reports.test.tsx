import { renderToStaticMarkup } from "react-dom/server";
import { Provider } from "react-redux";
import { afterEach, describe, expect, it, vi } from "vitest";
import { fakeServer } from "./adminTesting";
import { api } from "./api";
import { ReportForm } from "./components/ReportForm";
import type { InstanceV2 } from "./entities";
import { account, status } from "./fixtures";
import { newReport, reportBody, reportProblem, reportsApi } from "./reports";
import { makeStore } from "./store";

afterEach(() => vi.unstubAllGlobals());

describe("reports", () => {
  it("need a rule for a violation and a comment of at most 1,000 characters", () => {
    expect(reportProblem(newReport())).toBe("");
    expect(reportProblem({ ...newReport(), category: "violation" })).toBe("report.ruleNeeded");
    expect(reportProblem({ ...newReport(), category: "violation", ruleIds: ["2"] })).toBe("");
    expect(reportProblem({ ...newReport(), comment: "x".repeat(1001) })).toBe("report.tooLong");
  });

  it("send the rules only for a violation, and forward only about a remote account", () => {
    const d = { category: "violation" as const, ruleIds: ["2"], comment: " rude ", forward: true };
    expect(reportBody("7", ["9"], d, false)).toEqual({ account_id: "7", status_ids: ["9"], category: "violation", comment: "rude", rule_ids: ["2"] });
    expect(reportBody("7", ["9"], { ...d, category: "spam" }, true)).toEqual({ account_id: "7", status_ids: ["9"], category: "spam", comment: "rude", forward: true });
  });

  it("are posted to /api/v1/reports", async () => {
    const { store, sent } = fakeServer(() => ({ body: { id: "1" } }));
    await store.dispatch(reportsApi.endpoints.report.initiate(reportBody("7", ["9"], newReport(), false)));
    expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual(["POST /api/v1/reports"]);
  });

  it("offer the server's rules, and forwarding for a remote author only", async () => {
    const store = makeStore("token");
    await store.dispatch(api.util.upsertQueryData("instance", undefined, { rules: [{ id: "2", text: "Be kind" }] } as unknown as InstanceV2));
    const render = (acct: string) =>
      renderToStaticMarkup(
        <Provider store={store}>
          <ReportForm status={status("9", { account: account("7", acct) })} onClose={() => {}} />
        </Provider>,
      );
    const local = render("bob");
    expect(local).toContain('aria-label="Report @bob"');
    expect(local).toContain("It breaks the server&#x27;s rules");
    expect(local).not.toContain("Tell ");
    expect(render("bob@far.example")).toContain("Tell far.example too");
  });
});
