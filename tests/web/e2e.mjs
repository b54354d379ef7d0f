// The web client in headless Chromium against a real node (run.sh starts it): a
// person signs in through the app and the server's sign-in page, posts with a content
// warning and opens it, reads a followed account's post arrive live behind the "new
// posts" button, pages back through the local timeline, and signs out, which revokes
// the token. With bob and cy it then reads its notifications arrive live (a
// mention, a favourite, a follow, a boost, a follow request it accepts), opens a
// thread and replies in it, reloads it, opens profiles to unfollow, follow and ask
// to follow a locked account, favourites, boosts and bookmarks a post, and opens
// a post whose media are sensitive and whose text is behind a content warning.
// It searches for a post and a user, reads a hashtag's timeline (live, and follows
// the tag), finds the bookmarked and favourited posts on their pages, and makes a
// list whose member's post shows in the list's timeline, and which, made exclusive,
// keeps his next post out of home (pages.mjs). It posts an image with alt text and a
// focal point and a poll from the compose box, and votes in a poll (compose.mjs).
// It reads and writes direct messages, edits and deletes posts, mutes and blocks,
// makes filters and edits its profile (manage.mjs). It saves posting defaults that the
// compose box then starts from, and deletes a post to redraft it (posting.mjs). Her page has no Moderation entry;
// after she signs out, a moderator signs in and works a report through to an action,
// reverses it, finds an account and blocks a domain (moderation.mjs); then edits the
// server and content rules, adds, rotates and removes a webhook, is refused a relay,
// and reads the dashboard (admin.mjs); writes, publishes, edits, withdraws and removes an
// announcement, schedules one, uploads, hides, disables, moves and removes a custom emoji
// and pages past 200 of them (content.mjs),
// and approves a sign-up made while registrations need approval (approval.mjs).
// Every step prints one line;
// the run stops at the first failure. The page must log no error and break no
// Content-Security-Policy rule. Screenshots of each screen go to ./screenshots.
import { mkdirSync } from "node:fs";
import { chromium } from "playwright-core";
import { adminSteps } from "./admin.mjs";
import { approvalStep } from "./approval.mjs";
import { accessible } from "./axe.mjs";
import { composeSteps } from "./compose.mjs";
import { contentSteps } from "./content.mjs";
import { manageSteps } from "./manage.mjs";
import { moderationSteps, outsiderStep } from "./moderation.mjs";
import { pageSteps } from "./pages.mjs";
import { postingSteps } from "./posting.mjs";
import { responsiveSteps } from "./responsive.mjs";

const base = (process.env.HERD_URL ?? "").replace(/\/$/, "");
if (!base) throw new Error("HERD_URL is not set (run.sh sets it)");
const shots = new URL("./screenshots/", import.meta.url).pathname;
mkdirSync(shots, { recursive: true });
const nonce = Date.now().toString(36);
const timeout = 15_000;
// The moderator: run.sh makes one with `herd admin create-account --admin` before the
// node starts; against a node of one's own, name an account with the Owner role.
const moderator = process.env.HERD_ADMIN_USERNAME ? { username: process.env.HERD_ADMIN_USERNAME, password: process.env.HERD_ADMIN_PASSWORD ?? "" } : null;

// How to run `herd admin` in the node (a JSON list: the binary and its flags), for the
// step that switches registrations to approval; run.sh sets it.
const adminCommand = process.env.HERD_ADMIN_COMMAND ? JSON.parse(process.env.HERD_ADMIN_COMMAND) : null;

let passed = 0;
// The page on screen, for the screenshot and text of a failed step.
let current = null;
async function step(name, fn) {
  try {
    const out = await fn();
    passed++;
    console.log(`ok   ${String(passed).padStart(2)} ${name}`);
    return out;
  } catch (err) {
    console.log(`FAIL ${name}\n  ${String(err?.stack ?? err).split("\n").join("\n  ")}`);
    if (current) {
      await current.screenshot({ path: shots + "failed.png" }).catch(() => {});
      const text = await current.evaluate(() => `${location.pathname}: ${document.body.innerText}`).catch((e) => String(e));
      console.log(`  the page (screenshots/failed.png): ${text.slice(0, 600).replace(/\s+/g, " ")}`);
    }
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

/** A form-encoded request, as Mastodon's apps send profile updates. */
async function form(method, path, token, fields) {
  const res = await fetch(base + path, {
    method,
    headers: { Accept: "application/json", Authorization: `Bearer ${token}` },
    body: new URLSearchParams(fields),
  });
  const body = await res.json();
  if (res.status !== 200) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

/** Polls fn until it returns a true value, or fails with what it last returned. */
async function until(what, fn) {
  let last;
  for (let i = 0; i < 100; i++) {
    last = await fn();
    if (last) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what}: still ${JSON.stringify(last)}`);
}

// A 1×1 PNG, for a media upload.
const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==", "base64");

async function upload(token, description) {
  const fd = new FormData();
  fd.append("file", new Blob([png], { type: "image/png" }), "dot.png");
  fd.append("description", description);
  const res = await fetch(base + "/api/v2/media", { method: "POST", headers: { Authorization: `Bearer ${token}` }, body: fd });
  const media = await res.json();
  if (res.status !== 200 && res.status !== 202) throw new Error(`POST /api/v2/media: ${res.status} ${JSON.stringify(media)}`);
  return until("the upload is processed", async () => (await api("GET", `/api/v1/media/${media.id}`, token)).status === 200 && media.id);
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
  for (const name of ["ada", "bob", "cy", "dee"]) {
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
  await form("PATCH", "/api/v1/accounts/update_credentials", people.bob.token, {
    display_name: `Bob ${nonce}`,
    note: `bob's bio ${nonce}`,
    "fields_attributes[0][name]": "Pronouns",
    "fields_attributes[0][value]": `he/him ${nonce}`,
    // Others find his posts by their words (Mastodon 4.2's rule: only indexable accounts').
    indexable: "true",
  });
  await form("PATCH", "/api/v1/accounts/update_credentials", people.cy.token, { locked: "true" });
  return people;
}

async function main() {
  const people = await step("set-up: ada, bob, cy and dee registered through the API, ada follows bob, bob has a bio and a field, cy is locked", setUp);
  const browser = await chromium.launch({
    executablePath: process.env.HERD_CHROMIUM ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  const problems = [];
  try {
    const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
    context.setDefaultTimeout(timeout);
    const page = await context.newPage();
    current = page;
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(`console error: ${m.text()} (${m.location().url})`);
    });
    const noProblems = () => expect(problems.length === 0, problems.join("\n"));

    await step("/ shows the app's landing page with a sign-in button", async () => {
      await page.goto(base + "/");
      await page.getByRole("button", { name: "Sign in" }).waitFor();
      await page.screenshot({ path: shots + "landing.png" });
      await accessible(page, "landing", shots);
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
      await accessible(page, "home", shots);
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
      // What follows arrives live: the stream must be open before others act.
      await page.locator(".live.open").waitFor();
      noProblems();
    });

    const adaPosts = await must("GET", `/api/v1/accounts/${people.ada.id}/statuses`, people.ada.token);
    const cwPost = adaPosts.find((s) => s.spoiler_text === `spoilers ${nonce}`);
    const mention = `@${people.ada.username} what a thread ${nonce}`;
    let mentionId;
    await step("bob mentions, favourites and follows ada: the unread count rises live, the column lists them and reading clears it", async () => {
      expect(cwPost, "ada's post with a content warning is not among her statuses");
      mentionId = (await must("POST", "/api/v1/statuses", people.bob.token, { status: mention, in_reply_to_id: cwPost.id, visibility: "public" })).id;
      await must("POST", `/api/v1/statuses/${cwPost.id}/favourite`, people.bob.token);
      await must("POST", `/api/v1/accounts/${people.ada.id}/follow`, people.bob.token);
      await page.getByRole("link", { name: "Notifications 3 unread" }).waitFor();
      await page.getByRole("link", { name: "Notifications 3 unread" }).click();
      await page.getByRole("heading", { name: "Notifications" }).waitFor();
      for (const type of ["mention", "favourite", "follow"]) await page.locator(`.notification.unread[data-type="${type}"]`).waitFor();
      const shown = await page.locator(".notification").count();
      expect(shown === 3, `the column lists ${shown} notifications, want 3`);
      await page.getByRole("link", { name: "Notifications", exact: true }).waitFor();
      const markers = await until("the notifications marker moves", async () => {
        const m = await must("GET", "/api/v1/markers?timeline[]=notifications", people.ada.token);
        const newest = (await must("GET", "/api/v1/notifications?limit=1", people.ada.token))[0];
        return m.notifications?.last_read_id === newest.id && m;
      });
      expect(markers, "no marker");
      await page.screenshot({ path: shots + "notifications.png" });
      await accessible(page, "notifications", shots);
      noProblems();
    });

    await step("a boost shows at the top of the open column live, and is read at once", async () => {
      await must("POST", `/api/v1/statuses/${cwPost.id}/reblog`, people.bob.token);
      await page.locator('.notification[data-type="reblog"]').waitFor();
      const first = await page.locator(".notification").first().getAttribute("data-type");
      expect(first === "reblog", `the first notification is a ${first}`);
      await until("the marker follows the boost", async () => {
        const m = await must("GET", "/api/v1/markers?timeline[]=notifications", people.ada.token);
        const newest = (await must("GET", "/api/v1/notifications?limit=1", people.ada.token))[0];
        return newest.type === "reblog" && m.notifications?.last_read_id === newest.id;
      });
      expect((await page.locator(".top .badge").count()) === 0, "the unread count shows while the column is open");
      noProblems();
    });

    await step("a follow request to a locked account arrives live and is accepted from its notification", async () => {
      await form("PATCH", "/api/v1/accounts/update_credentials", people.ada.token, { locked: "true" });
      await must("POST", `/api/v1/accounts/${people.ada.id}/follow`, people.cy.token);
      const item = page.locator('.notification[data-type="follow_request"]');
      await item.waitFor();
      await item.getByRole("button", { name: "Accept" }).click();
      await item.getByText("Accepted").waitFor();
      const rel = (await must("GET", `/api/v1/accounts/relationships?id[]=${people.ada.id}`, people.cy.token))[0];
      expect(rel.following && !rel.requested, `cy's relationship to ada: ${JSON.stringify(rel)}`);
      await form("PATCH", "/api/v1/accounts/update_credentials", people.ada.token, { locked: "false" });
      noProblems();
    });

    const reply = `ada answers ${nonce}`;
    await step("clicking the mention opens its thread: the post it answers above, a reply box that replies", async () => {
      await page.locator('.notification[data-type="mention"] .content').click();
      await page.waitForURL((u) => u.pathname === `/web/statuses/${mentionId}`);
      await page.getByRole("heading", { name: "Thread" }).waitFor();
      await page.locator(".status.focused", { hasText: `what a thread ${nonce}` }).waitFor();
      const ancestor = page.locator(".status", { hasText: `spoilers ${nonce}` });
      await ancestor.waitFor();
      expect((await ancestor.getByText(warned).count()) === 0, "the ancestor's warned text shows before it is opened");
      const box = page.getByRole("form", { name: "Reply" });
      const text = box.getByRole("textbox", { name: "Your reply" });
      expect((await text.inputValue()) === `@${people.bob.username} `, `the reply starts with ${await text.inputValue()}`);
      await text.fill(`@${people.bob.username} ${reply}`);
      await box.getByRole("button", { name: "Reply", exact: true }).click();
      await page.getByRole("list", { name: "Replies" }).locator(".status", { hasText: reply }).waitFor();
      await page.locator(".status.focused").getByRole("button", { name: "Reply 1" }).waitFor();
      const ctx = await must("GET", `/api/v1/statuses/${mentionId}/context`, people.ada.token);
      const sent = ctx.descendants.find((s) => s.content.includes(reply));
      expect(sent && sent.in_reply_to_id === mentionId && sent.account.id === people.ada.id, `the thread has ${JSON.stringify(ctx.descendants)}`);
      await page.screenshot({ path: shots + "thread.png" });
      await accessible(page, "thread", shots);
      noProblems();
    });

    await step("the thread's address reloads to the same thread", async () => {
      await page.reload();
      await page.locator(".status.focused", { hasText: `what a thread ${nonce}` }).waitFor();
      await page.getByRole("list", { name: "Replies" }).locator(".status", { hasText: reply }).waitFor();
      noProblems();
    });

    await step("the author's name opens bob's profile: header, bio, field, counts and his posts, page by page", async () => {
      await page.locator(".status.focused .author").click();
      await page.waitForURL((u) => u.pathname === `/web/accounts/${people.bob.id}`);
      const profile = page.getByRole("region", { name: "Profile" });
      await profile.getByRole("heading", { name: `Bob ${nonce}` }).waitFor();
      await profile.getByText(`bob's bio ${nonce}`).waitFor();
      await profile.getByText("Pronouns").waitFor();
      await profile.getByText(`he/him ${nonce}`).waitFor();
      await profile.getByText("Follows you").waitFor();
      const counts = await profile.locator(".counts span").allTextContents();
      expect(counts.includes("1 following") && counts.includes("1 follower"), `counts: ${counts}`);
      const posts = page.getByRole("region", { name: "Posts" }).locator(".status");
      await posts.first().waitFor();
      await page.screenshot({ path: shots + "profile.png" });
      await accessible(page, "profile", shots);
      expect((await posts.count()) === 20, `the first page of bob's posts shows ${await posts.count()}`);
      await page.getByRole("button", { name: "Load older posts" }).click();
      await until("the second page", async () => (await posts.count()) === 40);
      noProblems();
    });

    await step("unfollow and follow again from the profile, as the relationship says", async () => {
      await page.getByRole("button", { name: "Unfollow" }).click();
      await page.getByRole("button", { name: "Follow", exact: true }).waitFor();
      let rel = (await must("GET", `/api/v1/accounts/relationships?id[]=${people.bob.id}`, people.ada.token))[0];
      expect(!rel.following, "ada still follows bob after unfollowing");
      await page.getByRole("button", { name: "Follow", exact: true }).click();
      await page.getByRole("button", { name: "Unfollow" }).waitFor();
      rel = (await must("GET", `/api/v1/accounts/relationships?id[]=${people.bob.id}`, people.ada.token))[0];
      expect(rel.following, "ada does not follow bob after following");
      noProblems();
    });

    await step("favourite, boost and bookmark a post from the profile", async () => {
      // bob's mention of ada: no one has favourited it yet.
      const first = page.getByRole("region", { name: "Posts" }).locator(".status", { hasText: `what a thread ${nonce}` });
      const id = await first.getAttribute("data-id");
      for (const name of ["Favourite", "Boost", "Bookmark"]) {
        await first.getByRole("button", { name: new RegExp(`^${name}`) }).click();
        await first.locator(`button[aria-pressed="true"]`, { hasText: name }).waitFor();
      }
      await first.getByRole("button", { name: /^Favourite 1$/ }).waitFor();
      const s = await must("GET", `/api/v1/statuses/${id}`, people.ada.token);
      expect(s.favourited && s.reblogged && s.bookmarked, `the server has ${JSON.stringify({ f: s.favourited, r: s.reblogged, b: s.bookmarked })}`);
      await first.getByRole("button", { name: /^Favourite/ }).click();
      await first.locator(`button[aria-pressed="false"]`, { hasText: "Favourite" }).waitFor();
      noProblems();
    });

    await pageSteps({ page, people, nonce, base, shots, step, must, until, expect, noProblems });
    await composeSteps({ page, people, nonce, base, shots, step, must, expect, noProblems });
    await manageSteps({ page, people, nonce, base, shots, step, must, until, expect, noProblems, form });
    await postingSteps({ page, people, nonce, base, step, must, until, expect, noProblems });

    await step("asking to follow a locked account shows 'Requested'", async () => {
      await page.goto(`${base}/web/accounts/${people.cy.id}`);
      await page.getByRole("button", { name: "Follow", exact: true }).click();
      await page.getByRole("button", { name: "Requested" }).waitFor();
      const rel = (await must("GET", `/api/v1/accounts/relationships?id[]=${people.cy.id}`, people.ada.token))[0];
      expect(rel.requested && !rel.following, `ada's relationship to cy: ${JSON.stringify(rel)}`);
      noProblems();
    });

    await step("sensitive media stay blurred until shown, then show their description; a warned post hides its text", async () => {
      const media = await upload(people.bob.token, `a single dot ${nonce}`);
      await must("POST", "/api/v1/statuses", people.bob.token, { status: `look ${nonce}`, media_ids: [media], sensitive: true, visibility: "public" });
      await must("POST", "/api/v1/statuses", people.bob.token, { status: `bob's hidden ${nonce}`, spoiler_text: `bob warns ${nonce}`, visibility: "public" });
      await page.goto(`${base}/web/accounts/${people.bob.id}`);
      const item = page.locator(".status", { hasText: `look ${nonce}` });
      await item.locator(".media.hidden").waitFor();
      expect((await item.getByText(`a single dot ${nonce}`).count()) === 0, "the description shows while the media are hidden");
      await item.getByRole("button", { name: "Sensitive content: show" }).click();
      await item.locator("figcaption", { hasText: `a single dot ${nonce}` }).waitFor();
      expect((await item.locator(`img[alt="a single dot ${nonce}"]`).count()) === 1, "the image has not its description as alt text");
      expect((await item.locator(".media.hidden").count()) === 0, "the media are still blurred");
      const warnedItem = page.locator(".status", { hasText: `bob warns ${nonce}` });
      await warnedItem.waitFor();
      expect((await warnedItem.getByText(`bob's hidden ${nonce}`).count()) === 0, "bob's warned text shows before it is opened");
      await warnedItem.getByRole("button", { name: "Show more" }).click();
      await warnedItem.getByText(`bob's hidden ${nonce}`).waitFor();
      await page.screenshot({ path: shots + "sensitive.png" });
      noProblems();
    });

    await outsiderStep({ page, people, base, step, api, must, expect, noProblems });

    await preferenceSteps({ page, shots, step, expect, noProblems });
    await shortcutSteps({ page, shots, step, expect, noProblems });
    await responsiveSteps({ page, people, nonce, base, shots, step, must, until, expect, noProblems });

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
      problems.length = 0; // the 401 was expected; the steps after start clean
    });

    if (moderator) {
      const mod = await moderationSteps({ page, people, nonce, base, shots, step, must, until, expect, noProblems, moderator });
      await adminSteps({ page, people, nonce, shots, step, must, until, expect, noProblems, problems, token: mod.token });
      await contentSteps({ page, people, nonce, shots, step, must, until, expect, noProblems, problems, token: mod.token, command: adminCommand });
      if (adminCommand) await approvalStep({ browser, page, base, nonce, step, api, must, expect, noProblems, token: mod.token, command: adminCommand });
      else console.log("skip the registration with approval: no HERD_ADMIN_COMMAND to switch the node to approval mode (run.sh sets it)");
    } else {
      console.log("skip the moderation steps: no moderator (run.sh makes one; else set HERD_ADMIN_USERNAME and HERD_ADMIN_PASSWORD)");
    }
  } finally {
    await browser.close();
  }
}

// The settings' preferences: the app in French (its words loaded on demand, the page's
// language said), back to the browser's language, and the dark theme chosen by hand.
async function preferenceSteps({ page, shots, step, expect, noProblems }) {
  await step("preferences: French chosen in the settings shows the app in French; the browser's language comes back", async () => {
    await page.goto(base + "/web/settings/preferences");
    const language = page.getByRole("combobox", { name: "Language", exact: true });
    await language.waitFor();
    await accessible(page, "settings-preferences", shots);
    await language.selectOption("fr");
    await page.getByRole("heading", { name: "Paramètres" }).waitFor();
    await page.getByRole("link", { name: "Accueil" }).waitFor();
    expect((await page.evaluate(() => document.documentElement.lang)) === "fr", "the page's language is not fr");
    await page.getByRole("link", { name: "Accueil" }).click();
    await page.getByRole("heading", { name: "Accueil" }).waitFor();
    await page.getByRole("button", { name: "Se déconnecter" }).waitFor();
    await page.screenshot({ path: shots + "home-fr.png" });
    await accessible(page, "home-fr", shots);
    await page.reload(); // the choice is kept by the browser
    await page.getByRole("heading", { name: "Accueil" }).waitFor();
    await page.goto(base + "/web/settings/preferences");
    await page.getByRole("combobox", { name: "Langue", exact: true }).selectOption("auto");
    await page.getByRole("heading", { name: "Settings" }).waitFor();
    expect((await page.evaluate(() => localStorage.getItem("herd.language"))) === null, "the language choice is still kept");
    noProblems();
  });

  await step("preferences: the dark theme chosen by hand holds against a light system, and auto follows the system as it changes", async () => {
    const rootBackground = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    await page.emulateMedia({ colorScheme: "light" });
    const light = await rootBackground();
    await page.getByRole("radio", { name: "Dark" }).check();
    expect((await page.evaluate(() => document.documentElement.dataset.theme)) === "dark", "no data-theme=dark on the page");
    const dark = await rootBackground();
    expect(dark !== light, `the background stayed ${light}`);
    await page.reload();
    await page.getByRole("radio", { name: "Dark" }).waitFor();
    expect((await rootBackground()) === dark, "the dark theme was not kept by the browser");
    await page.screenshot({ path: shots + "settings-dark.png" });
    await page.getByRole("radio", { name: "As the system says" }).check();
    expect((await rootBackground()) === light, "auto does not follow the light system");
    // Auto follows the system as it changes, with the one dark palette the chosen theme uses.
    await page.emulateMedia({ colorScheme: "dark" });
    await until("auto follows the system to dark", async () => (await rootBackground()) === dark);
    expect((await page.evaluate(() => document.documentElement.dataset.theme)) === "dark", "no data-theme=dark under auto on a dark system");
    await page.emulateMedia({ colorScheme: "light" });
    await until("auto follows the system back to light", async () => (await rootBackground()) === light);
    noProblems();
  });
}

// Mastodon's keyboard shortcuts on the home timeline: j and k move, f favourites (and
// again takes it back), ? lists the keys in a dialog that Escape closes, n goes to the
// compose box, where typing j types it.
async function shortcutSteps({ page, shots, step, expect, noProblems }) {
  await step("keyboard shortcuts: j and k move between posts, f favourites, ? lists the keys, n writes, and typing is left alone", async () => {
    await page.goto(base + "/web/home");
    const posts = page.locator("main li.status");
    await posts.nth(1).waitFor();
    const focused = (i) => posts.nth(i).evaluate((el) => el === document.activeElement);
    await page.keyboard.press("j");
    expect(await focused(0), "j did not focus the first post");
    await page.keyboard.press("j");
    expect(await focused(1), "j did not move to the second post");
    await page.keyboard.press("k");
    expect(await focused(0), "k did not move back to the first post");
    const first = posts.first();
    const fav = first.locator('.actions button[data-action="favourite"]');
    const was = await fav.getAttribute("aria-pressed");
    const other = was === "true" ? "false" : "true";
    await page.keyboard.press("f");
    await first.locator(`.actions button[data-action="favourite"][aria-pressed="${other}"]`).waitFor();
    await page.keyboard.press("f");
    await first.locator(`.actions button[data-action="favourite"][aria-pressed="${was}"]`).waitFor();
    await page.keyboard.press("?");
    const dialog = page.getByRole("dialog", { name: "Keyboard shortcuts" });
    await dialog.waitFor();
    await dialog.getByText("Favourite the post").waitFor();
    await page.screenshot({ path: shots + "shortcuts.png" });
    await accessible(page, "shortcuts", shots);
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    await page.keyboard.press("n");
    const box = page.locator("aside .compose textarea");
    expect(await box.evaluate((el) => el === document.activeElement), "n did not focus the compose box");
    await page.keyboard.press("j");
    expect((await box.inputValue()) === "j", "j typed in the compose box was taken as a shortcut");
    await box.fill("");
    await page.keyboard.press("Escape");
    noProblems();
  });
}

try {
  await main();
  console.log(`web: ${passed} passed, 0 failed`);
} catch {
  console.log(`web: ${passed} passed, 1 failed`);
  process.exitCode = 1;
}
