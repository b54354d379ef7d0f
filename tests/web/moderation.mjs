// Moderation, as steps of e2e.mjs (which passes its page, people and helpers), run
// after ada signed out: the moderator (made by run.sh with `herd admin
// create-account --admin`, as sign-ups are limited per IP) signs in through the page
// and sees Moderation; bob reports dee's post citing a server rule; the moderator
// finds the report, opens it (reporter, target, comment, category, the rule, the post),
// opens it again from her notification, assigns it to herself, limits dee from it with a note after confirming, which
// resolves it; dee's account page shows him silenced, and Unsilence lifts it. The
// account list finds dee by username; a domain block is added and lifted after a
// confirmation. That a user without a role sees no Moderation entry is checked while
// ada is still signed in (e2e.mjs).

/** While ada is signed in: no Moderation entry for her, and the admin API refuses her role. */
import { accessible } from "./axe.mjs";

export async function outsiderStep({ page, people, base, step, api, must, expect, noProblems }) {
  await step("a user without a role sees no Moderation entry, her token's admin scopes reach nothing, and the page says so", async () => {
    await page.goto(`${base}/web/home`);
    // Her own link in the header shows once verify_credentials (with her role) is read.
    await page.getByRole("banner").getByRole("link", { name: `@${people.ada.username}` }).waitFor();
    expect((await page.getByRole("link", { name: "Moderation" }).count()) === 0, "ada sees a Moderation entry");
    const me = await must("GET", "/api/v1/accounts/verify_credentials", people.ada.browserToken);
    expect((BigInt(me.role?.permissions ?? "0") & 0x431n) === 0n, `ada's role: ${JSON.stringify(me.role)}`);
    for (const path of ["/api/v1/admin/reports", "/api/v2/admin/accounts", "/api/v1/admin/domain_blocks"]) {
      const r = await api("GET", path, people.ada.browserToken);
      // Refused for her role, not for the token's scopes: the app asked for the admin scopes.
      expect(r.status === 403 && !r.body?.error?.includes("scopes"), `GET ${path} with ada's token: ${r.status} ${JSON.stringify(r.body)}`);
    }
    await page.goto(`${base}/web/moderation`);
    await page.getByText("Your role does not allow moderation.").waitFor();
    noProblems();
  });
}

/** The moderation steps; they return the moderator, with her browser token. */
export async function moderationSteps({ page, people, nonce, base, shots, step, must, until, expect, noProblems, moderator }) {
  const { bob, dee } = people;
  const mod = { ...moderator };

  await step("the moderator signs in through the page, the app asking for the admin scopes, and sees Moderation", async () => {
    await page.goto(base + "/");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((u) => u.pathname === "/oauth/authorize");
    const scope = (new URL(page.url()).searchParams.get("scope") ?? "").split(" ");
    expect(scope.includes("admin:read") && scope.includes("admin:write"), `the app asks for ${scope.join(" ")}`);
    await page.fill("#login", mod.username);
    await page.fill("#password", mod.password);
    await page.getByRole("button", { name: "Authorize" }).click();
    await page.getByRole("heading", { name: "Home" }).waitFor();
    mod.token = await page.evaluate(() => localStorage.getItem("herd.token"));
    const me = await must("GET", "/api/v1/accounts/verify_credentials", mod.token);
    mod.id = me.id;
    expect(BigInt(me.role?.permissions ?? "0") & 1n, `the moderator's role: ${JSON.stringify(me.role)}`);
    await page.getByRole("link", { name: "Moderation" }).waitFor();
    noProblems();
  });

  const comment = `dee spams the timeline ${nonce}`;
  const ruleText = `No spam ${nonce}`;
  let reportId;
  await step("bob reports dee's post citing a rule; the open reports list it and its page shows the report in full", async () => {
    const rule = await must("POST", "/api/v1/admin/rules", mod.token, { text: ruleText });
    const post = await must("POST", "/api/v1/statuses", dee.token, { status: `buy my stuff ${nonce}`, visibility: "public" });
    reportId = (
      await must("POST", "/api/v1/reports", bob.token, { account_id: dee.id, status_ids: [post.id], comment, category: "violation", rule_ids: [rule.id] })
    ).id;
    await page.getByRole("link", { name: "Moderation" }).click();
    await page.waitForURL((u) => u.pathname === "/web/moderation/reports");
    const item = page.getByRole("list", { name: "Open reports" }).locator(".report", { hasText: comment });
    await item.getByRole("link", { name: `Report on @${dee.username}` }).click();
    await page.waitForURL((u) => u.pathname === `/web/moderation/reports/${reportId}`);
    const report = page.getByRole("region", { name: "Report", exact: true });
    await report.getByRole("heading", { name: `Report on @${dee.username}` }).waitFor();
    await report.locator(".report-state", { hasText: "Open" }).waitFor();
    const facts = report.locator(".facts");
    for (const text of [comment, "Rule violation", `@${bob.username}`]) await facts.getByText(text).first().waitFor();
    await report.getByRole("list", { name: "Rules cited" }).getByText(ruleText).waitFor();
    await report.getByRole("list", { name: "Reported posts" }).locator(".status", { hasText: `buy my stuff ${nonce}` }).waitFor();
    await page.screenshot({ path: shots + "moderation-report.png" });
    await accessible(page, "moderation-report", shots);
    noProblems();
  });

  await step("the moderator's notifications tell of bob's report, and its link opens the report", async () => {
    await page.getByRole("link", { name: /^Notifications/ }).click();
    const item = page.locator('.notification[data-type="admin.report"]', { hasText: `@${dee.username}` });
    await item.getByRole("link", { name: `Open the report on @${dee.username}` }).click();
    await page.waitForURL((u) => u.pathname === `/web/moderation/reports/${reportId}`);
    await page.getByRole("region", { name: "Report", exact: true }).locator(".report-state", { hasText: "Open" }).waitFor();
    noProblems();
  });

  await step("from the report the moderator assigns it to herself and limits dee with a note after confirming; the report is resolved", async () => {
    const report = page.getByRole("region", { name: "Report", exact: true });
    await report.getByRole("button", { name: "Assign to me" }).click();
    await report.getByRole("button", { name: "Unassign" }).waitFor();
    await report.locator(".facts").getByRole("link", { name: `@${mod.username}` }).waitFor();
    const form = report.getByRole("form", { name: `Action on @${dee.username}` });
    await form.getByRole("radio", { name: "Limit (silence)" }).check();
    await form.getByRole("textbox", { name: "Note (kept in the audit log)" }).fill(`silenced for spam ${nonce}`);
    await form.getByRole("button", { name: "Act and resolve the report" }).click();
    const confirm = form.getByRole("group", { name: "Confirm action" });
    await confirm.getByText(`Limit @${dee.username}?`).waitFor();
    expect(!(await must("GET", `/api/v1/admin/accounts/${dee.id}`, mod.token)).silenced, "dee is silenced before the confirmation");
    await confirm.getByRole("button", { name: "Confirm" }).click();
    await report.locator(".report-state", { hasText: `Resolved by @${mod.username}` }).waitFor();
    const r = await must("GET", `/api/v1/admin/reports/${reportId}`, mod.token);
    expect(r.action_taken && r.assigned_account?.id === mod.id, `the server has ${JSON.stringify({ taken: r.action_taken, assigned: r.assigned_account?.id })}`);
    expect((await must("GET", `/api/v1/admin/accounts/${dee.id}`, mod.token)).silenced, "dee is not silenced on the server");
    await report.locator(".facts .state.silenced").waitFor();
    noProblems();
  });

  await step("dee's account page shows him silenced with his email and role; Unsilence lifts it", async () => {
    await page.getByRole("region", { name: "Report", exact: true }).locator(".facts").getByRole("link", { name: `@${dee.username}`, exact: true }).click();
    await page.waitForURL((u) => u.pathname === `/web/moderation/accounts/${dee.id}`);
    const acc = page.getByRole("region", { name: "Account", exact: true });
    await acc.getByRole("heading", { name: `@${dee.username}` }).waitFor();
    await acc.locator(".facts").getByText(`${dee.username}@example.com`).waitFor();
    await acc.locator(".state.silenced").waitFor();
    await page.screenshot({ path: shots + "moderation-account.png" });
    await acc.getByRole("button", { name: "Unsilence" }).click();
    await acc.locator(".state.active").waitFor();
    expect((await acc.getByRole("button", { name: "Unsilence" }).count()) === 0, "Unsilence still shows");
    expect(!(await must("GET", `/api/v1/admin/accounts/${dee.id}`, mod.token)).silenced, "dee is still silenced on the server");
    noProblems();
  });

  await step("the account list finds dee by his username, and the resolved reports list the report", async () => {
    const tabs = page.getByRole("navigation", { name: "Moderation" });
    await tabs.getByRole("link", { name: "Accounts" }).click();
    await page.getByRole("searchbox", { name: "Username" }).fill(dee.username);
    await page.getByRole("button", { name: "Search" }).click();
    const list = page.getByRole("list", { name: "Accounts" });
    await list.getByRole("link", { name: `@${dee.username}` }).waitFor();
    await until("only dee is listed", async () => (await list.locator("li").count()) === 1);
    await tabs.getByRole("link", { name: "Reports" }).click();
    // Other steps leave reports of their own open (a post reported from under it):
    // the open list, once shown, no longer has this one.
    const open = page.getByRole("list", { name: "Open reports" });
    await open.or(page.getByText("No open reports.")).first().waitFor();
    await until("the resolved report leaves the open list", async () => (await open.locator(".report", { hasText: comment }).count()) === 0);
    await page.getByRole("checkbox", { name: "Show resolved" }).check();
    await page.getByRole("list", { name: "Resolved reports" }).locator(".report", { hasText: comment }).waitFor();
    noProblems();
  });

  const domain = `spam-${nonce}.example`;
  await step("a domain block is added with its severity, media rejected and a public comment, and lifted after a confirmation", async () => {
    await page.getByRole("navigation", { name: "Moderation" }).getByRole("link", { name: "Domain blocks" }).click();
    const form = page.getByRole("form", { name: "Block a domain" });
    await form.getByRole("textbox", { name: "Domain", exact: true }).fill(`https://${domain}/about`);
    await form.getByRole("combobox", { name: "Severity" }).selectOption("suspend");
    await form.getByRole("checkbox", { name: "Reject media files" }).check();
    await form.getByRole("textbox", { name: "Public comment" }).fill(`spam farm ${nonce}`);
    await form.getByRole("button", { name: "Block domain" }).click();
    const item = page.locator(`.domain-block[data-domain="${domain}"]`);
    await item.getByText(`Public: spam farm ${nonce}`).waitFor();
    const blocks = await must("GET", "/api/v1/admin/domain_blocks", mod.token);
    const b = blocks.find((x) => x.domain === domain);
    expect(b?.severity === "suspend" && b.reject_media && !b.reject_reports && b.public_comment === `spam farm ${nonce}`, `the server has ${JSON.stringify(b)}`);
    await item.getByRole("button", { name: `Remove the block on ${domain}` }).click();
    await item.getByRole("group", { name: `Confirm removing ${domain}` }).getByRole("button", { name: "Yes, lift it" }).click();
    await item.waitFor({ state: "detached" });
    const after = await must("GET", "/api/v1/admin/domain_blocks", mod.token);
    expect(!after.some((x) => x.domain === domain), `${domain} is still blocked`);
    noProblems();
  });
  return mod;
}
