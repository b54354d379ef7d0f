// Registration with approval, as a step of e2e.mjs run by the moderator at the end: the
// node is put in approval mode with `herd admin settings registrations approval` (run in
// the node through its ops endpoint; run.sh says how, in HERD_ADMIN_COMMAND), a person
// signs up with a reason and waits (her token and the sign-in page refuse her), the
// moderator finds the pending account in the admin UI and approves it, and she then
// signs in through the page in a browser of her own. The mode is reset after.
import { spawnSync } from "node:child_process";

/** Runs `herd admin <args>` against the running node; returns its output. */
function herdAdmin(command, args) {
  const [bin, ...flags] = command;
  // herd admin NAME VERB [flags] [rest]: the flags after the command's name and verb.
  const r = spawnSync(bin, ["admin", args[0], args[1], ...flags, ...args.slice(2)], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`herd admin ${args.join(" ")}: ${r.status} ${r.stderr}${r.stdout}`);
  return r.stdout;
}

export async function approvalStep({ browser, page, base, nonce, step, api, must, expect, noProblems, token, command }) {
  await step("registration with approval: a sign-up waits, the moderator approves it in the admin UI, then she signs in", async () => {
    const out = herdAdmin(command, ["settings", "registrations", "approval"]);
    expect(out.includes("registrations: approval"), `herd admin settings said ${out}`);
    try {
      const instance = await must("GET", "/api/v2/instance", null);
      expect(instance.registrations?.approval_required === true, `the instance says ${JSON.stringify(instance.registrations)}`);
      const app = await must("POST", "/api/v1/apps", null, { client_name: "tests/web sign-up", redirect_uris: "urn:ietf:wg:oauth:2.0:oob", scopes: "read write" });
      const appToken = (
        await must("POST", "/oauth/token", null, { grant_type: "client_credentials", client_id: app.client_id, client_secret: app.client_secret, scope: "read write" })
      ).access_token;
      const username = `eve${nonce}`.slice(0, 30);
      const password = `a long password for eve ${nonce}`;
      const reason = `I would like to join ${nonce}`;
      const form = { username, email: `${username}@example.com`, password, agreement: true, locale: "en" };
      const signedUp = await must("POST", "/api/v1/accounts", appToken, { ...form, reason });
      const waiting = await api("GET", "/api/v1/accounts/verify_credentials", signedUp.access_token);
      expect(waiting.status === 403 && waiting.body?.error === "Your login is currently pending approval", `her token before approval: ${waiting.status} ${JSON.stringify(waiting.body)}`);

      // Her own browser: the sign-in page says she waits.
      const hers = await browser.newContext({ viewport: { width: 1100, height: 800 } });
      try {
        const eve = await hers.newPage();
        const signIn = async () => {
          await eve.goto(base + "/");
          await eve.getByRole("button", { name: "Sign in" }).click();
          await eve.waitForURL((u) => u.pathname === "/oauth/authorize");
          await eve.fill("#login", username);
          await eve.fill("#password", password);
          await eve.getByRole("button", { name: "Authorize" }).click();
        };
        await signIn();
        await eve.getByText("Your login is currently pending approval.").waitFor();

        // The moderator finds her among the pending accounts and approves her.
        await page.getByRole("navigation", { name: "Moderation" }).getByRole("link", { name: "Accounts" }).click();
        await page.waitForURL((u) => u.pathname === "/web/moderation/accounts");
        const filter = page.getByRole("form", { name: "Filter accounts" });
        await filter.getByRole("combobox", { name: "State" }).selectOption("pending");
        await filter.getByRole("searchbox", { name: "Username" }).fill(username);
        await filter.getByRole("button", { name: "Search" }).click();
        await page.getByRole("list", { name: "Accounts" }).getByRole("link", { name: `@${username}` }).click();
        await page.getByText(reason).waitFor();
        await page.getByText("No, waiting for approval").waitFor();
        await page.getByRole("group", { name: "Sign-up" }).getByRole("button", { name: "Approve" }).click();
        await page.getByRole("group", { name: "Sign-up" }).waitFor({ state: "detached" });
        const me = await must("GET", "/api/v1/accounts/verify_credentials", signedUp.access_token);
        expect((await must("GET", `/api/v1/admin/accounts/${me.id}`, token)).approved, "she is not approved on the server");

        // Now she signs in and reads her home timeline.
        await signIn();
        await eve.getByRole("heading", { name: "Home" }).waitFor();
        await eve.getByRole("link", { name: `@${username}` }).waitFor();
      } finally {
        await hers.close();
      }
      noProblems();
    } finally {
      herdAdmin(command, ["settings", "registrations", "reset"]);
    }
  });
}
