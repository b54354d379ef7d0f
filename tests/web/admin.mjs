// The admin pages, as steps of e2e.mjs run after the moderation steps (moderation.mjs),
// by the same moderator (an Owner: every tab shows). Rules: a server rule is added,
// edited and removed after a confirmation, each checked on the server; a content rule
// that marks posts sensitive is added and counts the hit of dee's post, and a regular
// expression the server refuses shows its error. Webhooks: one is added with two
// events and its secret shown once, disabled, its secret rotated (a new one, shown once)
// and removed. Domain allows: one is added and removed. Relays: the server's refusal
// of a loopback relay shows. Dashboard: the
// five measures show with the server's totals and a chart each.

/** Console errors for the answers a step expects to be refused; any other fails it. */
function onlyRefusals(problems, expect, status) {
  const rest = problems.filter((p) => !p.includes(`status of ${status}`));
  expect(rest.length === 0, rest.join("\n"));
  problems.length = 0;
}

export async function adminSteps({ page, people, nonce, shots, step, must, until, expect, noProblems, problems, token }) {
  const tabs = page.getByRole("navigation", { name: "Moderation" });

  const text = `Be kind ${nonce}`;
  await step("a server rule is added with its explanation, edited, and removed after a confirmation", async () => {
    await tabs.getByRole("link", { name: "Rules" }).click();
    await page.waitForURL((u) => u.pathname === "/web/moderation/rules");
    const form = page.getByRole("form", { name: "Add a rule" });
    await form.getByRole("textbox", { name: "Rule" }).fill(text);
    await form.getByRole("textbox", { name: "Explanation (optional)" }).fill("Disagree without insults");
    await form.getByRole("button", { name: "Add rule" }).click();
    const list = page.getByRole("list", { name: "Server rules" });
    const item = list.locator("li", { hasText: text });
    await item.getByText("Disagree without insults").waitFor();
    const made = (await must("GET", "/api/v1/instance/rules", null)).find((r) => r.text === text);
    expect(made?.hint === "Disagree without insults", `the server's rules: no ${text}`);
    await item.getByRole("button", { name: `Edit the rule ${text}` }).click();
    const edit = page.getByRole("form", { name: `Edit the rule ${text}` });
    await edit.getByRole("textbox", { name: "Rule" }).fill(`${text}, always`);
    await edit.getByRole("button", { name: "Save rule" }).click();
    const edited = list.locator(`li[data-rule="${made.id}"]`);
    await edited.getByText(`${text}, always`, { exact: true }).waitFor();
    await page.screenshot({ path: shots + "admin-rules.png" });
    await edited.getByRole("button", { name: `Remove the rule ${text}, always` }).click();
    await edited.getByRole("group", { name: `Confirm removing ${text}, always` }).getByRole("button", { name: "Yes, remove it" }).click();
    await edited.waitFor({ state: "detached" });
    const after = await must("GET", "/api/v1/instance/rules", null);
    expect(!after.some((r) => r.id === made.id), `rule ${made.id} is still on the server`);
    noProblems();
  });

  const word = `sparkle${nonce}`;
  await step("a content rule marks matching posts sensitive and counts its hits; a pattern the server refuses shows why", async () => {
    const form = page.getByRole("form", { name: "Add a content rule" });
    await form.getByRole("textbox", { name: "Pattern" }).fill(word);
    await form.getByRole("checkbox", { name: "Whole words only" }).check();
    await form.getByRole("combobox", { name: "Action" }).selectOption("sensitive");
    await form.getByRole("button", { name: "Add content rule" }).click();
    const item = page.getByRole("list", { name: "Content rules" }).locator("li", { hasText: word });
    await item.getByText("0 hits").waitFor();
    const post = await must("POST", "/api/v1/statuses", people.dee.token, { status: `look, ${word}!`, visibility: "unlisted" });
    expect(post.sensitive, `dee's post is not sensitive: ${JSON.stringify(post.sensitive)}`);
    // The count is read when the page loads: reload until it shows the hit.
    await until("the page counts the hit", async () => {
      await page.reload();
      return (await item.locator(".hits").textContent()) === "1 hit";
    });
    // A lookahead is JavaScript's but not RE2's: the server refuses it and says why.
    await form.getByRole("textbox", { name: "Pattern" }).fill("buy(?=now)");
    await form.getByRole("checkbox", { name: "Regular expression (RE2 syntax)" }).check();
    await form.getByRole("button", { name: "Add content rule" }).click();
    await form.getByRole("alert").getByText(/^The content rule was not saved: .+/).waitFor();
    onlyRefusals(problems, expect, 422);
    const rule = (await must("GET", "/api/v1/admin/content_rules", token)).find((r) => r.pattern === word);
    expect(rule?.hits === 1 && rule.whole_word && rule.action === "sensitive", `the server has ${JSON.stringify(rule)}`);
    await item.getByRole("button", { name: `Remove the content rule ${word}` }).click();
    await item.getByRole("group", { name: `Confirm removing ${word}` }).getByRole("button", { name: "Yes, remove it" }).click();
    await item.waitFor({ state: "detached" });
    noProblems();
  });

  const url = `https://hooks-${nonce}.example/herd`;
  await step("a webhook is added with its events and its secret shown once, disabled, its secret rotated, and removed", async () => {
    await tabs.getByRole("link", { name: "Webhooks" }).click();
    const form = page.getByRole("form", { name: "Add a webhook" });
    await form.getByRole("textbox", { name: "Endpoint URL" }).fill(url);
    await form.getByRole("checkbox", { name: "report.created" }).check();
    await form.getByRole("checkbox", { name: "account.approved" }).check();
    await form.getByRole("button", { name: "Add webhook" }).click();
    const item = page.getByRole("list", { name: "Webhooks" }).locator(`li[data-webhook="${url}"]`);
    await item.getByText("account.approved, report.created").waitFor();
    const secret = item.getByRole("status", { name: `Secret of ${url}` }).locator("code");
    const first = await secret.textContent();
    const listed = (await must("GET", "/api/v1/admin/webhooks", token)).find((w) => w.url === url);
    expect(listed?.enabled && /^[0-9a-f]{16,}$/.test(first ?? "") && listed.secret === undefined, `the server lists ${JSON.stringify(listed)} (secret shown: ${first})`);
    await item.getByRole("button", { name: "Disable" }).click();
    await item.getByText("Disabled", { exact: true }).waitFor();
    expect(!(await must("GET", `/api/v1/admin/webhooks/${listed.id}`, token)).enabled, "the webhook is still enabled on the server");
    await item.getByRole("button", { name: `Rotate the secret of ${url}` }).click();
    await item.getByRole("group", { name: `Confirm rotating the secret of ${url}` }).getByRole("button", { name: "Yes, rotate it" }).click();
    const second = await until("a new secret shows", async () => {
      const now = await secret.textContent();
      return now !== first && now;
    });
    expect(/^[0-9a-f]{16,}$/.test(second), `the rotated secret: ${second}`);
    expect((await item.getByRole("group", { name: `Confirm rotating the secret of ${url}` }).count()) === 0, "the question stays after rotating");
    expect((await page.getByRole("status", { name: `Secret of ${url}` }).count()) === 1, "the old secret still shows");
    await page.screenshot({ path: shots + "admin-webhooks.png" });
    await item.getByRole("button", { name: `Remove the webhook ${url}` }).click();
    await item.getByRole("group", { name: `Confirm removing ${url}` }).getByRole("button", { name: "Yes, remove it" }).click();
    await item.waitFor({ state: "detached" });
    expect(!(await must("GET", "/api/v1/admin/webhooks", token)).some((w) => w.url === url), `${url} is still on the server`);
    noProblems();
  });

  const friend = `friends-${nonce}.example`;
  await step("a domain is allowed (pasted as an address) and removed after a confirmation", async () => {
    await tabs.getByRole("link", { name: "Domain allows" }).click();
    await page.getByText("this list applies only in limited-federation mode").waitFor();
    const form = page.getByRole("form", { name: "Allow a domain" });
    await form.getByRole("textbox", { name: "Domain to allow" }).fill(`https://${friend}/about`);
    await form.getByRole("button", { name: "Allow domain" }).click();
    const item = page.getByRole("list", { name: "Allowed domains" }).locator(`li[data-domain="${friend}"]`);
    await item.waitFor();
    const made = (await must("GET", "/api/v1/admin/domain_allows", token)).find((a) => a.domain === friend);
    expect(made, `${friend} is not allowed on the server`);
    await item.getByRole("button", { name: `Remove ${friend} from the allowed domains` }).click();
    await item.getByRole("group", { name: `Confirm removing ${friend}` }).getByRole("button", { name: "Yes, remove it" }).click();
    await item.waitFor({ state: "detached" });
    expect(!(await must("GET", "/api/v1/admin/domain_allows", token)).some((a) => a.domain === friend), `${friend} is still allowed`);
    noProblems();
  });

  await step("a relay on a loopback address is refused, and the page says why", async () => {
    await tabs.getByRole("link", { name: "Relays" }).click();
    const form = page.getByRole("form", { name: "Subscribe to a relay" });
    await form.getByRole("textbox", { name: "Relay inbox or actor URL" }).fill("https://127.0.0.2/inbox");
    await form.getByRole("button", { name: "Subscribe" }).click();
    await form.getByRole("alert").getByText(/^The relay was not added: Validation failed: Inbox url .+/).waitFor();
    await page.getByText("The server subscribes to no relay.").waitFor();
    onlyRefusals(problems, expect, 422);
  });

  await step("the dashboard shows the five measures of the last 30 days with the server's totals, each with a chart", async () => {
    await tabs.getByRole("link", { name: "Dashboard" }).click();
    const cards = page.getByRole("list", { name: "Measures" }).locator(".measure");
    await until("five measures show", async () => (await cards.count()) === 5);
    const day = (d) => d.toISOString().slice(0, 10);
    const now = new Date();
    const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - 29));
    const ms = await must("POST", "/api/v1/admin/measures", token, { keys: ["new_users", "interactions"], start_at: day(start), end_at: day(now) });
    for (const m of ms) {
      const card = page.locator(`.measure[data-measure="${m.key}"]`);
      await until(`the ${m.key} total`, async () => (await card.locator(".measure-total").textContent()) === m.total);
      await card.getByRole("img").waitFor();
    }
    expect(Number(ms[0]?.total) >= 4, `new users: ${JSON.stringify(ms[0])}`);
    await page.screenshot({ path: shots + "admin-dashboard.png" });
    noProblems();
  });
}
