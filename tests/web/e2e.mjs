// The web client in headless Chromium against a real node (run.sh starts it): a
// person signs in through the app and the server's sign-in page, posts with a content
// warning and opens it, reads a followed account's post arrive live behind the "new
// posts" button, pages back through the local timeline, and signs out, which revokes
// the token. Every step prints one line;
// the run stops at the first failure. The page must log no error and break no
// Content-Security-Policy rule. Screenshots of each screen go to ./screenshots.
import { mkdirSync } from "node:fs";
import { chromium } from "playwright-core";

const base = (process.env.HERD_URL ?? "").replace(/\/$/, "");
if (!base) throw new Error("HERD_URL is not set (run.sh sets it)");
const shots = new URL("./screenshots/", import.meta.url).pathname;
mkdirSync(shots, { recursive: true });
const nonce = Date.now().toString(36);
const timeout = 15_000;

let passed = 0;
async function step(name, fn) {
  try {
    const out = await fn();
    passed++;
    console.log(`ok   ${String(passed).padStart(2)} ${name}`);
    return out;
  } catch (err) {
    console.log(`FAIL ${name}\n  ${String(err?.stack ?? err).split("\n").join("\n  ")}`);
    throw err;
  }
}

async function api(method, path, token, body) {
  const res = await fetch(base + path, {
    method,
    headers: {
      Accept: "application/json",
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(body ? { "Content-Type": "application/json" } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function must(method, path, token, body) {
  const r = await api(method, path, token, body);
  if (r.status !== 200) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

function expect(cond, what) {
  if (!cond) throw new Error(what);
}

async function setUp() {
  const app = await must("POST", "/api/v1/apps", null, {
    client_name: "tests/web set-up",
    redirect_uris: "urn:ietf:wg:oauth:2.0:oob",
    scopes: "read write follow",
  });
  const appToken = (
    await must("POST", "/oauth/token", null, {
      grant_type: "client_credentials",
      client_id: app.client_id,
      client_secret: app.client_secret,
      scope: "read write follow",
    })
  ).access_token;
  const people = {};
  for (const name of ["ada", "bob"]) {
    const username = `${name}${nonce}`.slice(0, 30);
    const password = `a long password for ${name} ${nonce}`;
    const t = await must("POST", "/api/v1/accounts", appToken, {
      username,
      email: `${username}@example.com`,
      password,
      agreement: true,
      locale: "en",
    });
    const me = await must("GET", "/api/v1/accounts/verify_credentials", t.access_token);
    people[name] = { username, password, token: t.access_token, id: me.id };
  }
  await must("POST", `/api/v1/accounts/${people.bob.id}/follow`, people.ada.token);
  return people;
}

async function main() {
  const people = await step("set-up: ada and bob registered through the API, ada follows bob", setUp);
  const browser = await chromium.launch({
    executablePath: process.env.HERD_CHROMIUM ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  const problems = [];
  try {
    const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
    context.setDefaultTimeout(timeout);
    const page = await context.newPage();
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(`console error: ${m.text()} (${m.location().url})`);
    });
    const noProblems = () => expect(problems.length === 0, problems.join("\n"));

    await step("/ shows the app's landing page with a sign-in button", async () => {
      await page.goto(base + "/");
      await page.getByRole("button", { name: "Sign in" }).waitFor();
      await page.screenshot({ path: shots + "landing.png" });
      noProblems();
      const html = await (await fetch(base + "/")).text();
      const sizes = [];
      for (const [, src] of html.matchAll(/src="(\/assets\/[^"]+\.js)"/g)) {
        const res = await fetch(base + src, { headers: { "Accept-Encoding": "br" } });
        expect(res.headers.get("cache-control") === "public, max-age=31536000, immutable", `${src}: ${res.headers.get("cache-control")}`);
        sizes.push(`${src} ${res.headers.get("content-length")} bytes ${res.headers.get("content-encoding")}`);
      }
      expect(sizes.length > 0, "index.html loads no script from /assets/");
      console.log(`     initial JavaScript: ${sizes.join(", ")}`);
    });

    await step("sign in: the app registers itself, the server's page takes the password, PKCE brings a token", async () => {
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL((u) => u.pathname === "/oauth/authorize");
      const q = new URL(page.url()).searchParams;
      expect(q.get("code_challenge_method") === "S256" && (q.get("code_challenge") ?? "").length === 43, `authorize URL ${page.url()}`);
      await page.screenshot({ path: shots + "authorize.png" });
      await page.fill("#login", people.ada.username);
      await page.fill("#password", people.ada.password);
      await page.getByRole("button", { name: "Authorize" }).click();
      await page.waitForURL((u) => u.pathname === "/web/home");
      await page.getByRole("heading", { name: "Home" }).waitFor();
      await page.getByText(`@${people.ada.username}`, { exact: true }).waitFor();
      const kept = await page.evaluate(() => ({ app: localStorage.getItem("herd.app"), token: localStorage.getItem("herd.token") }));
      expect(kept.app && JSON.parse(kept.app).client_id, "no app registration kept in localStorage");
      expect(kept.token, "no token kept in localStorage");
      const me = await must("GET", "/api/v1/accounts/verify_credentials", kept.token);
      expect(me.id === people.ada.id, `the kept token is ${me.acct}'s, not ada's`);
      people.ada.browserToken = kept.token;
      noProblems();
    });

    await step("the streaming connection opens", async () => {
      await page.locator(".live.open").waitFor();
    });

    const warned = `ada's secret ${nonce}`;
    await step("compose posts with a content warning; the post shows at once, its text hidden until opened", async () => {
      await page.getByRole("checkbox", { name: "Content warning" }).check();
      await page.getByRole("textbox", { name: "Content warning" }).fill(`spoilers ${nonce}`);
      await page.getByRole("textbox", { name: "What's on your mind?" }).fill(warned);
      await page.getByRole("button", { name: "Post", exact: true }).click();
      const item = page.locator(".status", { hasText: `spoilers ${nonce}` });
      await item.waitFor();
      expect((await item.getByText(warned).count()) === 0, "the warned text shows before the warning is opened");
      await item.getByRole("button", { name: "Show more" }).click();
      await item.getByText(warned).waitFor();
      expect((await page.getByRole("textbox", { name: "What's on your mind?" }).inputValue()) === "", "the compose box was not emptied");
      const home = await must("GET", "/api/v1/timelines/home", people.ada.token);
      const sent = home.find((s) => s.spoiler_text === `spoilers ${nonce}`);
      expect(sent && sent.sensitive && sent.visibility === "public", `the server has ${JSON.stringify(sent)}`);
      noProblems();
    });

    const live = `bob, live ${nonce}`;
    await step("bob's post arrives live behind a 'new posts' button, and shows when it is pressed", async () => {
      await must("POST", "/api/v1/statuses", people.bob.token, { status: live, visibility: "public" });
      const button = page.getByRole("button", { name: "1 new post", exact: true });
      await button.waitFor();
      expect((await page.locator(".status", { hasText: live }).count()) === 0, "the timeline jumped: bob's post shows before the button is pressed");
      await page.screenshot({ path: shots + "home-new-posts.png" });
      await button.click();
      await page.locator(".status", { hasText: live }).waitFor();
      const first = await page.locator(".status").first().textContent();
      expect(first?.includes(live), `bob's post is not at the top: ${first}`);
      await page.screenshot({ path: shots + "home.png" });
      noProblems();
    });

    await step("the local timeline reads a page of 40, then the older posts, then says that is all", async () => {
      for (let i = 1; i <= 40; i++) {
        await must("POST", "/api/v1/statuses", people.bob.token, { status: `bob's filler ${i} ${nonce}`, visibility: "public" });
      }
      await page.getByRole("link", { name: "Local" }).click();
      await page.getByRole("heading", { name: "Local" }).waitFor();
      await page.locator(".status", { hasText: `bob's filler 40 ${nonce}` }).waitFor();
      const firstPage = await page.locator(".status").count();
      expect(firstPage === 40, `the first page shows ${firstPage} posts, want 40`);
      expect((await page.locator(".status", { hasText: live }).count()) === 0, "bob's live post is on the first page of 40");
      await page.getByRole("button", { name: "Load older posts" }).click();
      await page.locator(".status", { hasText: `spoilers ${nonce}` }).waitFor();
      await page.locator(".status", { hasText: live }).waitFor();
      const all = await page.locator(".status").count();
      expect(all === 42, `after loading older posts ${all} show, want 42`);
      await page.getByRole("button", { name: "Load older posts" }).click();
      await page.getByText("That is all.").waitFor();
      noProblems();
    });

    await step("a reload reads home again from the API", async () => {
      const started = Date.now();
      await page.goto(base + "/web/home");
      await page.locator(".status", { hasText: `bob's filler 40 ${nonce}` }).waitFor();
      console.log(`     time to the first home timeline after a reload: ${Date.now() - started} ms`);
      noProblems();
    });

    await step("sign out revokes the token and shows the landing page", async () => {
      await page.getByRole("button", { name: "Sign out" }).click();
      await page.getByRole("button", { name: "Sign in" }).waitFor();
      const kept = await page.evaluate(() => localStorage.getItem("herd.token"));
      expect(kept === null, "the token is still kept after signing out");
      let status = 200;
      for (let i = 0; i < 50 && status === 200; i++) {
        status = (await api("GET", "/api/v1/accounts/verify_credentials", people.ada.browserToken)).status;
        if (status === 200) await new Promise((r) => setTimeout(r, 100));
      }
      expect(status === 401, `the signed-out token still answers ${status}`);
      noProblems();
    });

    await step("signing in again reuses the app's registration; a token revoked elsewhere signs the browser out", async () => {
      const before = JSON.parse(await page.evaluate(() => localStorage.getItem("herd.app")));
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL((u) => u.pathname === "/oauth/authorize");
      expect(new URL(page.url()).searchParams.get("client_id") === before.client_id, "the app registered itself again");
      await page.fill("#login", people.ada.username);
      await page.fill("#password", people.ada.password);
      await page.getByRole("button", { name: "Authorize" }).click();
      await page.getByRole("heading", { name: "Home" }).waitFor();
      const token = await page.evaluate(() => localStorage.getItem("herd.token"));
      expect(token && token !== people.ada.browserToken, "no new token after signing in again");
      await must("POST", "/oauth/revoke", null, { client_id: before.client_id, client_secret: before.client_secret, token });
      await page.reload();
      await page.getByRole("button", { name: "Sign in" }).waitFor();
      expect((await page.evaluate(() => localStorage.getItem("herd.token"))) === null, "the revoked token is still kept");
      // The browser logs the 401 that signed it out; nothing else may go wrong.
      const rest = problems.filter((p) => !p.includes("401"));
      expect(rest.length === 0, rest.join("\n"));
    });
  } finally {
    await browser.close();
  }
}

try {
  await main();
  console.log(`web: ${passed} passed, 0 failed`);
} catch {
  console.log(`web: ${passed} passed, 1 failed`);
  process.exitCode = 1;
}
