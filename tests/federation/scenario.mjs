// Herd <-> Fedify federation scenario. Drives a running Herd ($HERD_URL) through the Mastodon
// API and a running Fedify peer ($PEER_URL, tests/federation/fedify/peer.mjs) through the
// peer's /_control/ API, and checks what each side sees of the other.
//
//   HERD_URL=http://127.0.0.1:8080 PEER_URL=http://127.0.0.1:8081 node scenario.mjs
//   (tests/federation/run.sh builds and starts both and runs this)
//
// Only Node built-ins are used here; everything ActivityPub happens inside the peer, so
// the ActivityPub side of each check is Fedify's own behaviour, not a re-implementation.
//
// One line per step ("ok   N name" or "FAIL N name" followed by indented details). A step
// whose inputs come from a failed step is not run and counts as failed ("FAIL ... not run").
// Steps that depend on parts of Herd's federation that had not landed when this was written
// (inbox, HTTP signature verification, delivery, search resolve) are marked "[pending]" in
// their FAIL line. The last line is "federation: N passed, M failed"; exit 1 on any failure.
//
// With SIGNED_PEER_URL (a second peer run with PEER_SIGNED_FETCH=true) and HERD_AF_URL (a
// second Herd with authorized_fetch), the signed-fetch steps of signed.mjs follow. With
// HERD_MOD_TOKEN (a token of a Herd moderator with admin:read and admin:write), the
// moderation steps of moderation.mjs come last: report forwarding, silence, domain suspension.
//
// FEDERATION_DEADLINE_MS (default 15000) bounds every wait for an asynchronous effect;
// waits poll every 100 ms and return as soon as the effect is seen.

import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { signedSteps } from "./signed.mjs";
import { moderationSteps } from "./moderation.mjs";
import { herdMediaStep, peerMediaStep } from "./media.mjs";

const DEADLINE_MS = Number(process.env.FEDERATION_DEADLINE_MS || 15_000);
const POLL_MS = 100;
const REQUEST_TIMEOUT_MS = 20_000;
const AS_PUBLIC = ["https://www.w3.org/ns/activitystreams#Public", "as:Public", "Public"];
const PENDING = {
  inbox: "pending: Herd's inbox POST with HTTP signature verification",
  accept: "pending: Herd's inbox, Follow handling and Accept delivery",
  delivery: "pending: Herd's delivery of local activities to remote followers",
  notify: "pending: Herd's inbox handling of Create/Like/Announce/Undo and notifications",
  search: "pending: search with resolve=true fetching remote actors",
  outbound: "pending: Herd's outbound Follow/Like/Create/Undo delivery and inbound Accept",
};

// --- Output and bookkeeping ---------------------------------------------------------------
let passed = 0;
let failed = 0;
let n = 0;
const FAILED = Symbol("failed");
const indent = (s) =>
  String(s)
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => `     ${l}`)
    .join("\n");

class NotYet extends Error {}
class WaitTimeout extends Error {}
const notYet = (cond, msg) => {
  if (!cond) throw new NotYet(msg);
};

/** Runs one step. `needs` lists results of earlier steps; if one failed, this is not run. */
async function step(name, { pending, needs = [] } = {}, fn) {
  n++;
  const num = String(n).padStart(2);
  const tag = pending ? ` [${pending}]` : "";
  const blocked = needs.find((x) => x === FAILED);
  if (blocked !== undefined) {
    failed++;
    console.log(`FAIL ${num} ${name}${tag}`);
    console.log(indent("not run: it needs the result of an earlier step that failed"));
    return FAILED;
  }
  const mark = await peerMark();
  lastHerd = "none";
  try {
    const r = await fn(mark);
    passed++;
    console.log(`ok   ${num} ${name}`);
    return r === undefined ? true : r;
  } catch (err) {
    failed++;
    console.log(`FAIL ${num} ${name}${tag}`);
    console.log(indent(describe(err)));
    if (lastHerd !== "none") console.log(indent(`last Herd request: ${lastHerd}`));
    const ctx = await peerContext(mark).catch((e) => [`(could not read the peer's records: ${e.message})`]);
    for (const line of ctx) console.log(indent(line));
    return FAILED;
  }
}

function describe(err) {
  if (err instanceof assert.AssertionError) return `assertion failed: ${err.message}`;
  if (err instanceof HttpFailure) return err.message;
  if (err instanceof WaitTimeout) return err.message;
  if (err instanceof TypeError && err.message === "fetch failed") {
    const c = err.cause;
    return `cannot connect: ${c ? `${c.code ?? c.name}: ${c.message}` : "unknown cause"}`;
  }
  return err?.stack ?? String(err);
}

/** Calls fn every POLL_MS until it returns something other than undefined/false. */
async function eventually(what, fn) {
  const deadline = Date.now() + DEADLINE_MS;
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
      throw new WaitTimeout(`timed out after ${DEADLINE_MS} ms waiting for ${what}${last ? `; last check: ${last.message}` : ""}`);
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

// --- HTTP ---------------------------------------------------------------------------------
class HttpFailure extends Error {
  constructor(message, status, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}
let lastHerd = "none";

async function request(base, method, path, { token, body, accept } = {}) {
  const url = new URL(path, base);
  const headers = { Accept: accept ?? "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await res.text();
  let json;
  try {
    json = text === "" ? null : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { res, url, text, json };
}

/** Mastodon API call on Herd; throws HttpFailure on a non-2xx answer. */
async function herd(method, path, opts = {}) {
  const { res, url, text, json } = await request(HERD, method, path, opts);
  lastHerd = `${method} ${url.pathname}${url.search} -> ${res.status} ${res.headers.get("content-type") ?? ""}`;
  if (!res.ok) throw new HttpFailure(`Herd: ${method} ${url.pathname}${url.search} -> ${res.status}: ${text.slice(0, 500)}`, res.status, json);
  if (json === undefined) throw new HttpFailure(`Herd: ${method} ${url.pathname} answered ${res.status} with a body that is not JSON: ${text.slice(0, 200)}`, res.status);
  return json;
}

/** Peer control API call; throws HttpFailure with the peer's explanation on failure. */
async function peer(method, path, body) {
  const { res, text, json } = await request(PEER, method, `/_control/${path}`, { body });
  if (!res.ok) {
    let msg = `peer: ${method} /_control/${path} -> ${res.status}: ${json?.error ?? text.slice(0, 500)}`;
    if (json?.remoteStatus != null) msg += `\nthe remote server answered ${json.remoteStatus}: ${String(json.remoteBody ?? "").slice(0, 500)}`;
    if (Array.isArray(json?.log) && json.log.length > 0) {
      msg += "\nFedify's log:\n" + json.log.map((l) => `  ${l.level} ${l.category}: ${l.message.slice(0, 400)}`).join("\n");
    }
    throw new HttpFailure(msg, res.status, json);
  }
  return json;
}

async function peerMark() {
  try {
    return (await peer("GET", "state")).seq;
  } catch {
    return 0;
  }
}

/** What the peer saw since `mark`, for failure reports. */
async function peerContext(mark) {
  const out = [];
  const [dels, unv, errs, logs] = await Promise.all([
    peer("GET", `deliveries?since=${mark}`),
    peer("GET", `unverified?since=${mark}`),
    peer("GET", `errors?since=${mark}`),
    peer("GET", `log?since=${mark}&min=debug`),
  ]);
  if (dels.length === 0) out.push("the peer's inboxes got no POST during this step");
  for (const d of dels.slice(-8)) {
    out.push(`peer inbox got POST ${d.path}: ${d.activityType ?? "?"} ${d.activityId ?? ""} from ${d.actor ?? "?"} (signature: ${d.signatureSpec}, Content-Type: ${d.contentType}) -> Fedify answered ${d.status} ${d.response.slice(0, 120)}`);
  }
  for (const u of unv.slice(-5)) out.push(`the peer refused ${u.type} ${u.id ?? ""}: signature not verified (${JSON.stringify(u.reason)})`);
  for (const e of errs.slice(-5)) out.push(`peer ${e.kind} error: ${e.message.slice(0, 600)}`);
  const sig = logs.filter(
    (l) =>
      /sig|inbox|outbox|docloader|webfinger/.test(l.category) &&
      (l.level === "warning" || l.level === "error" || /fail|retry|knock|mismatch|missing|invalid|refus|too far|not match|no .* (header|field)/i.test(l.message)),
  );
  for (const l of sig.slice(-8)) out.push(`fedify ${l.level} ${l.category}: ${l.message.replace(/\s+/g, " ").slice(0, 400)}`);
  return out;
}

// --- ActivityStreams helpers ---------------------------------------------------------------
const arr = (x) => (x == null ? [] : Array.isArray(x) ? x : [x]);
const idOf = (x) => (typeof x === "string" ? x : (x?.id ?? x?.href ?? null));
const ids = (x) => arr(x).map(idOf);
const hasPublic = (x) => ids(x).some((i) => AS_PUBLIC.includes(i));
const stripHtml = (s) => String(s ?? "").replace(/<[^>]*>/g, "");

/** Waits for a verified activity in the peer's inbox that matches `pred`. */
function peerReceives(what, mark, type, pred) {
  return eventually(what, async () => {
    const got = await peer("GET", `inbox?since=${mark}&type=${type}`);
    const hit = got.find(pred);
    notYet(hit, got.length === 0 ? `no verified ${type} reached the peer yet` : `${got.length} ${type}(s) reached the peer, none matching`);
    return hit;
  });
}

// --- The scenario -------------------------------------------------------------------------
// The Herd and the peer the helpers talk to; signed.mjs points them at the second pair.
let HERD = (process.env.HERD_URL || "").replace(/\/+$/, "");
let PEER = (process.env.PEER_URL || "").replace(/\/+$/, "");
const retarget = (herdUrl, peerUrl) => {
  HERD = herdUrl;
  PEER = peerUrl;
};

/** Makes an app, an app token and an account on the current Herd; returns {token, id}. */
async function makeAccount(suffix, username) {
  const app = await herd("POST", "/api/v1/apps", {
    body: { client_name: `herd-federation-${suffix}`, redirect_uris: "urn:ietf:wg:oauth:2.0:oob", scopes: "read write follow" },
  });
  const appToken = await herd("POST", "/oauth/token", {
    body: { grant_type: "client_credentials", client_id: app.client_id, client_secret: app.client_secret, scope: "read write follow" },
  });
  const tok = await herd("POST", "/api/v1/accounts", {
    token: appToken.access_token,
    body: { username, email: `${username}@example.com`, password: `pw-${suffix}-long-enough`, agreement: true, locale: "en" },
  });
  assert.ok(tok?.access_token, "POST /api/v1/accounts returns a token");
  const acct = await herd("GET", "/api/v1/accounts/verify_credentials", { token: tok.access_token });
  assert.equal(acct.username, username);
  return { token: tok.access_token, id: acct.id };
}

async function main() {
  if (!HERD || !PEER) {
    console.log("set HERD_URL and PEER_URL, e.g. HERD_URL=http://127.0.0.1:8080 PEER_URL=http://127.0.0.1:8081");
    return false;
  }
  const herdHost = new URL(HERD).host;
  const health = await peer("GET", "health").catch((e) => {
    console.log(`the peer at ${PEER} does not answer: ${describe(e)}`);
    return null;
  });
  if (!health) return false;
  const peerActor = health.actor;
  const peerHost = new URL(peerActor).host;
  const peerUser = new URL(peerActor).pathname.split("/").pop();
  const peerAcct = `${peerUser}@${peerHost}`;
  const suffix = randomBytes(3).toString("hex");
  const username = `fed_${suffix}`;
  const actorUrl = `${HERD}/users/${username}`;
  console.log(`federation: Herd ${HERD} (user ${username}) <-> Fedify peer ${peerActor}`);

  // --- Setup ------------------------------------------------------------------------------
  const me = await step("setup: app, app token and account A through the Mastodon API", {}, () => makeAccount(suffix, username));
  if (me === FAILED) return false;
  const token = me.token;

  // --- (a) Discovery ----------------------------------------------------------------------
  await step("a1 discovery: NodeInfo (/.well-known/nodeinfo) parses with Fedify's strict parser and lists activitypub", {}, async () => {
    const ni = await peer("POST", "nodeinfo", { url: HERD });
    assert.ok(ni.parsed, `Fedify's parseNodeInfo() rejects ${ni.href}: ${JSON.stringify(ni.raw)}`);
    assert.ok(ni.parsed.protocols.includes("activitypub"), `protocols: ${JSON.stringify(ni.parsed.protocols)}`);
  });

  const actor = await step("a2 discovery: the peer fetches A's actor by URL (lookupObject): Person with inbox, shared inbox and an RSA key A owns", {}, async () => {
    const got = await peer("POST", "lookup", { uri: actorUrl });
    assert.equal(got.type, "Person", "type");
    assert.equal(got.id, actorUrl, "id is the URL it was fetched from");
    const a = got.actor;
    assert.equal(a.preferredUsername, username, "preferredUsername");
    assert.ok(a.inbox && new URL(a.inbox).host === herdHost, `inbox on Herd's host, got ${a.inbox}`);
    assert.ok(a.sharedInbox && new URL(a.sharedInbox).host === herdHost, `endpoints.sharedInbox on Herd's host, got ${a.sharedInbox}`);
    assert.ok(a.followers, "followers collection");
    assert.ok(a.publicKey && !a.publicKey.error, `publicKey: ${JSON.stringify(a.publicKey)}`);
    assert.equal(a.publicKey.owner, actorUrl, "publicKey.owner is the actor");
    assert.ok(a.publicKey.id?.startsWith(actorUrl), `publicKey.id under the actor URL, got ${a.publicKey.id}`);
    assert.equal(a.publicKey.algorithm, "RSASSA-PKCS1-v1_5", "an RSA key");
    assert.ok(a.publicKey.modulusLength >= 2048, `modulus >= 2048 bits, got ${a.publicKey.modulusLength}`);
    return a;
  });

  await step("a3 discovery: WebFinger over http with the actor URL as resource (Fedify lookupWebFinger)", {}, async () => {
    const jrd = await peer("POST", "webfinger", { resource: actorUrl });
    assert.equal(jrd.subject?.toLowerCase(), `acct:${username}@${herdHost}`, "subject");
    const self = jrd.links?.find((l) => l.rel === "self");
    assert.ok(self, `a self link, got ${JSON.stringify(jrd.links)}`);
    assert.equal(self.href, actorUrl, "self href");
    assert.equal(self.type, "application/activity+json", "self type");
  });

  await step("a4 discovery: WebFinger acct:A@host (plain GET; Fedify resolves acct: only over https), its self link resolves with lookupObject", {}, async () => {
    const { res, json, text } = await request(HERD, "GET", `/.well-known/webfinger?resource=${encodeURIComponent(`acct:${username}@${herdHost}`)}`, { accept: "application/jrd+json" });
    assert.equal(res.status, 200, `status, body ${text.slice(0, 200)}`);
    assert.match(res.headers.get("content-type") ?? "", /^application\/jrd\+json/, "Content-Type");
    assert.equal(json.subject?.toLowerCase(), `acct:${username}@${herdHost}`, "subject");
    const self = json.links?.find((l) => l.rel === "self" && (l.type === "application/activity+json" || /^application\/ld\+json;\s*profile="https:\/\/www.w3.org\/ns\/activitystreams"/.test(l.type ?? "")));
    assert.ok(self?.href, `a self link of an ActivityPub type, got ${JSON.stringify(json.links)}`);
    const got = await peer("POST", "lookup", { uri: self.href });
    assert.equal(got.id, actorUrl, "the self link resolves to A's actor");
  });

  const first = await step("a5 discovery: A posts publicly; the peer fetches the status by its URI: a Note by A, to Public, with the text", {}, async () => {
    const text = `Hello fediverse, first post (${suffix})`;
    const s = await herd("POST", "/api/v1/statuses", { token, body: { status: text, visibility: "public" } });
    assert.ok(s.uri, "the status has a uri");
    const got = await peer("POST", "lookup", { uri: s.uri });
    assert.equal(got.type, "Note", "type");
    assert.equal(got.id, s.uri, "id is the status uri");
    assert.equal(got.object.attributedTo, actorUrl, "attributedTo");
    assert.ok(hasPublic(got.object.to), `to includes Public, got ${JSON.stringify(got.object.to)}`);
    assert.ok(stripHtml(got.object.content).includes(text), `content, got ${JSON.stringify(got.object.content)}`);
    return s;
  });

  // --- (b) The peer follows A -------------------------------------------------------------
  const follow = await step("b1 the peer sends Follow to A's inbox; Herd takes the signed delivery (2xx)", { pending: PENDING.inbox, needs: [actor] }, async (mark) => {
    const r = await peer("POST", "follow", { actor: actorUrl });
    const knock = (await peer("GET", `log?since=${mark}&min=debug`)).find((l) => /double-knocking/.test(l.message));
    if (knock) console.log(indent(`note: Herd refused Fedify's first (RFC 9421) signature; the draft-cavage retry was taken`));
    return r;
  });

  await step("b2 Herd answers with Accept(Follow); the peer verifies its signature and records it", { pending: PENDING.accept, needs: [follow] }, async (mark) => {
    const acc = await peerReceives("an Accept from Herd", mark, "Accept", (r) => r.actor === actorUrl);
    const obj = acc.json?.object;
    const ok = idOf(obj) === follow.id || (obj?.type === "Follow" && idOf(obj.actor) === peerActor && idOf(obj.object) === actorUrl);
    assert.ok(ok, `the Accept's object is the peer's Follow (${follow.id}), got ${JSON.stringify(obj)}`);
    assert.match(acc.note, /now accepted/, "the peer matched the Accept to its Follow");
  });

  await step("b3 A's followers (GET /api/v1/accounts/:id/followers) list the peer's account", { pending: PENDING.accept, needs: [follow] }, async () =>
    eventually("the peer among A's followers", async () => {
      const list = await herd("GET", `/api/v1/accounts/${me.id}/followers`, { token });
      notYet(list.some((a) => a.acct === peerAcct), `followers: ${JSON.stringify(list.map((a) => a.acct))}`);
      return true;
    }),
  );

  // --- (c) A posts; the peer receives Create(Note) ----------------------------------------
  const created = await step("c1 A posts publicly; the peer gets Create(Note) by A with the text, to Public, cc A's followers", { pending: PENDING.delivery, needs: [follow, actor] }, async (mark) => {
    const text = `A public post for my followers (${suffix})`;
    const s = await herd("POST", "/api/v1/statuses", { token, body: { status: text, visibility: "public" } });
    const rec = await peerReceives("Create(Note) of A's post at the peer", mark, "Create", (r) => stripHtml(r.json?.object?.content).includes(text));
    const act = rec.json;
    const note = act.object;
    assert.equal(idOf(act.actor), actorUrl, "Create.actor");
    assert.equal(note.type, "Note", "object.type");
    assert.equal(note.id, s.uri, "object.id is the status uri");
    assert.equal(idOf(note.attributedTo), actorUrl, "object.attributedTo");
    assert.ok(hasPublic(note.to), `object.to includes Public, got ${JSON.stringify(note.to)}`);
    assert.ok(ids(note.cc).includes(actor.followers), `object.cc includes ${actor.followers}, got ${JSON.stringify(note.cc)}`);
    assert.ok(hasPublic(act.to), `Create.to includes Public, got ${JSON.stringify(act.to)}`);
    assert.ok(note.published, "object.published");
    // The same, as Fedify reads it after JSON-LD processing.
    const seen = rec.parsed;
    assert.ok(seen && !seen.error, `Fedify reads the object as a Note, got ${JSON.stringify(seen)}`);
    assert.equal(seen.attributedTo, actorUrl, "attributedTo as Fedify reads it");
    assert.ok(seen.to.includes(AS_PUBLIC[0]), `to as Fedify reads it includes Public, got ${JSON.stringify(seen.to)}`);
    assert.ok(stripHtml(seen.content).includes(text), `content as Fedify reads it, got ${JSON.stringify(seen.content)}`);
    const del = (await peer("GET", `deliveries?since=${mark}`)).find((d) => d.activityId === act.id);
    if (del) console.log(indent(`note: delivered to ${del.path}, signed ${del.signatureSpec}, Content-Type ${del.contentType}`));
    return s;
  });

  await step("c2 A posts followers-only; the peer gets it addressed to A's followers and not to Public", { pending: PENDING.delivery, needs: [follow, actor] }, async (mark) => {
    const text = `Only for followers (${suffix})`;
    await herd("POST", "/api/v1/statuses", { token, body: { status: text, visibility: "private" } });
    const rec = await peerReceives("Create(Note) of A's followers-only post", mark, "Create", (r) => stripHtml(r.json?.object?.content).includes(text));
    const note = rec.json.object;
    assert.ok(ids(note.to).includes(actor.followers), `object.to includes ${actor.followers}, got ${JSON.stringify(note.to)}`);
    assert.ok(!hasPublic(note.to) && !hasPublic(note.cc), `not addressed to Public: to ${JSON.stringify(note.to)} cc ${JSON.stringify(note.cc)}`);
  });

  await step("c3 A posts with a content warning; Fedify reads the delivered Note with the warning as summary and sensitive true", { pending: PENDING.delivery, needs: [follow, actor] }, async (mark) => {
    const cw = `spoiler ${suffix}`;
    const text = `Behind a warning (${suffix})`;
    await herd("POST", "/api/v1/statuses", { token, body: { status: text, spoiler_text: cw, visibility: "public" } });
    const rec = await peerReceives("Create(Note) of A's post with a content warning", mark, "Create", (r) => stripHtml(r.json?.object?.content).includes(text));
    assert.equal(rec.json.object.summary, cw, "object.summary in the JSON");
    assert.equal(rec.parsed?.summary, cw, "summary as Fedify reads it");
    assert.equal(
      rec.parsed?.sensitive,
      true,
      `sensitive as Fedify reads it: the delivered activity's @context must define "sensitive" (Mastodon: "sensitive": "as:sensitive"); JSON has sensitive=${JSON.stringify(rec.json.object.sensitive)} and @context ${JSON.stringify(rec.json["@context"])}`,
    );
  });

  const poll = await step("c4 A asks a poll; the peer gets Create(Question); Fedify reads its options, counts, end and voters", { pending: PENDING.delivery, needs: [follow, actor] }, async (mark) => {
    const text = `Tea or coffee? (${suffix})`;
    const s = await herd("POST", "/api/v1/statuses", { token, body: { status: text, visibility: "public", poll: { options: ["tea", "coffee"], expires_in: 3600 } } });
    const rec = await peerReceives("Create(Question) of A's poll", mark, "Create", (r) => stripHtml(r.json?.object?.content).includes(text));
    assert.equal(rec.json.object.type, "Question", "object.type");
    const q = rec.parsed;
    assert.ok(q && q.type === "Question", `Fedify reads a Question, got ${JSON.stringify(q)}`);
    assert.deepEqual(q.options.map((o) => o.name), ["tea", "coffee"], "options as Fedify reads them (oneOf)");
    assert.deepEqual(q.options.map((o) => o.votes), [0, 0], "each option's replies.totalItems");
    assert.equal(q.multiple, false, "single choice: oneOf, not anyOf");
    assert.ok(q.endTime, `endTime as Fedify reads it, got ${JSON.stringify(q.endTime)}`);
    assert.equal(q.voters, 0, "votersCount as Fedify reads it");
    return s;
  });

  await herdMediaStep(
    { step, herd, peerReceives, eventually, notYet, PENDING },
    { herdUrl: HERD, token, modToken: process.env.HERD_MOD_TOKEN || "", follow, actor, suffix },
  );

  // --- (d) The peer replies, likes, boosts, undoes ----------------------------------------
  const target = created !== FAILED ? created : first;
  const reply = await step("d1 the peer replies to A's post, mentioning A; Herd takes the delivery", { pending: PENDING.inbox, needs: [target] }, async () => {
    const text = `Nice post! (reply ${suffix})`;
    const r = await peer("POST", "post", { text, inReplyTo: target.uri, mentions: [actorUrl] });
    return { ...r, text };
  });

  await step("d2 A gets a mention notification for the reply, from the peer's account, in reply to A's post", { pending: PENDING.notify, needs: [reply] }, async () =>
    eventually("a mention notification", async () => {
      const list = await herd("GET", "/api/v1/notifications?types[]=mention&limit=40", { token });
      const hit = list.find((x) => x.type === "mention" && stripHtml(x.status?.content).includes(reply.text));
      notYet(hit, `mention notifications: ${list.length}`);
      assert.equal(hit.account.acct, peerAcct, "notification account acct");
      assert.equal(hit.status.in_reply_to_id, target.id, "the status is a reply to A's post");
      assert.equal(hit.status.uri, reply.note, "the status uri is the peer's Note id");
      return true;
    }),
  );

  await step("d3 the reply shows in the thread (GET /api/v1/statuses/:id/context)", { pending: PENDING.notify, needs: [reply] }, async () =>
    eventually("the reply in the context's descendants", async () => {
      const c = await herd("GET", `/api/v1/statuses/${target.id}/context`, { token });
      notYet(c.descendants?.some((s) => s.uri === reply.note), `descendants: ${JSON.stringify((c.descendants ?? []).map((s) => s.uri))}`);
      return true;
    }),
  );

  const like = await step("d4 the peer likes A's post; A gets a favourite notification and favourites_count is 1", { pending: PENDING.notify, needs: [target] }, async () => {
    const r = await peer("POST", "like", { object: target.uri });
    await eventually("a favourite notification", async () => {
      const list = await herd("GET", "/api/v1/notifications?types[]=favourite&limit=40", { token });
      const hit = list.find((x) => x.type === "favourite" && x.status?.id === target.id && x.account?.acct === peerAcct);
      notYet(hit, `favourite notifications: ${JSON.stringify(list.map((x) => [x.account?.acct, x.status?.id]))}`);
      return true;
    });
    const s = await herd("GET", `/api/v1/statuses/${target.id}`, { token });
    assert.equal(s.favourites_count, 1, "favourites_count");
    return r;
  });

  await step("d5 the peer boosts (Announce) A's post; A gets a reblog notification", { pending: PENDING.notify, needs: [target] }, async () => {
    await peer("POST", "announce", { object: target.uri });
    await eventually("a reblog notification", async () => {
      const list = await herd("GET", "/api/v1/notifications?types[]=reblog&limit=40", { token });
      const hit = list.find((x) => x.type === "reblog" && x.status?.id === target.id && x.account?.acct === peerAcct);
      notYet(hit, `reblog notifications: ${JSON.stringify(list.map((x) => [x.account?.acct, x.status?.id]))}`);
      return true;
    });
  });

  await step("d6 the peer undoes its Like (Undo(Like)); the post's favourites_count goes back to 0", { pending: PENDING.notify, needs: [like] }, async () => {
    await peer("POST", "undo", { activity: like.id });
    await eventually("favourites_count 0", async () => {
      const s = await herd("GET", `/api/v1/statuses/${target.id}`, { token });
      notYet(s.favourites_count === 0, `favourites_count is ${s.favourites_count}`);
      return true;
    });
  });

  const vote = await step("d7 the peer votes in A's poll (Create(Note) naming an option, in reply to the Question); Herd counts it", { pending: PENDING.notify, needs: [poll] }, async (mark) => {
    await peer("POST", "vote", { question: poll.uri, name: "coffee" });
    await eventually("the peer's vote counted", async () => {
      const p = await herd("GET", `/api/v1/polls/${poll.poll.id}`, { token });
      notYet(p.votes_count === 1, `votes_count is ${p.votes_count}`);
      assert.deepEqual(p.options.map((o) => o.votes_count), [0, 1], "the vote is for coffee");
      assert.equal(p.voters_count, 1, "one voter");
      return true;
    });
    return mark;
  });

  await step("d8 Herd sends the peer, a voter, the new counts: Update(Question) with coffee at 1", { pending: PENDING.delivery, needs: [vote] }, async () => {
    const rec = await peerReceives("Update(Question) of A's poll", vote, "Update", (r) => r.json?.object?.id === poll.uri);
    const q = rec.json.object;
    assert.equal(q.type, "Question", "object.type");
    assert.deepEqual(arr(q.oneOf).map((o) => [o.name, o.replies?.totalItems]), [["tea", 0], ["coffee", 1]], "counts in oneOf");
    assert.equal(q.votersCount, 1, "votersCount");
  });

  // --- (e) A follows the peer -------------------------------------------------------------
  const remote = await step("e1 A resolves the peer's actor by URL (GET /api/v2/search?q=URL&resolve=true)", { pending: PENDING.search }, async () => {
    const r = await herd("GET", `/api/v2/search?q=${encodeURIComponent(peerActor)}&resolve=true&type=accounts`, { token });
    const acc = r.accounts?.find((a) => a.acct === peerAcct);
    assert.ok(acc, `an account with acct ${peerAcct}, got ${JSON.stringify((r.accounts ?? []).map((a) => a.acct))}`);
    assert.equal(acc.username, peerUser, "username");
    return acc;
  });

  const herdFollow = await step("e2 A follows the peer; the peer gets a verified Follow of its actor and accepts it", { pending: PENDING.outbound, needs: [remote] }, async (mark) => {
    await herd("POST", `/api/v1/accounts/${remote.id}/follow`, { token });
    const rec = await peerReceives("a Follow from A at the peer", mark, "Follow", (r) => r.actor === actorUrl);
    assert.equal(idOf(rec.json.object), peerActor, "Follow.object is the peer's actor");
    assert.match(rec.note ?? "", /^accepted/, `the peer accepted it (${rec.note})`);
    return rec;
  });

  const following = await step("e3 Herd takes the peer's Accept: the relationship shows following", { pending: PENDING.outbound, needs: [remote, herdFollow] }, async () =>
    eventually("relationship following=true", async () => {
      const [rel] = await herd("GET", `/api/v1/accounts/relationships?id[]=${remote.id}`, { token });
      notYet(rel?.following === true, `relationship: ${JSON.stringify(rel)}`);
      return true;
    }),
  );

  const peerPost = await step("e4 the peer posts; the post appears in A's home timeline", { pending: PENDING.outbound, needs: [following] }, async () => {
    const text = `Hello from Fedify (${suffix})`;
    const r = await peer("POST", "post", { text });
    assert.ok(r.recipients.includes(actorUrl), `the peer delivers to A as a follower, recipients ${JSON.stringify(r.recipients)}`);
    return eventually("the peer's post in A's home timeline", async () => {
      const home = await herd("GET", "/api/v1/timelines/home?limit=40", { token });
      const s = home.find((x) => stripHtml(x.content).includes(text));
      notYet(s, `home has ${home.length} statuses, none with the text`);
      assert.equal(s.account.acct, peerAcct, "account acct");
      assert.equal(s.uri, r.note, "uri is the peer's Note id");
      return s;
    });
  });

  await peerMediaStep(
    { step, herd, peer, eventually, notYet, PENDING },
    { herdUrl: HERD, peerUrl: PEER, token, following, peerAcct, suffix },
  );

  await step("e6 A favourites the peer's post; the peer gets Like of its Note", { pending: PENDING.outbound, needs: [peerPost] }, async (mark) => {
    await herd("POST", `/api/v1/statuses/${peerPost.id}/favourite`, { token });
    await peerReceives("a Like from A", mark, "Like", (r) => r.actor === actorUrl && idOf(r.json.object) === peerPost.uri);
  });

  await step("e7 A replies to the peer's post; the peer gets Create(Note) inReplyTo its Note, mentioning it", { pending: PENDING.outbound, needs: [peerPost] }, async (mark) => {
    const text = `thanks for the post (${suffix})`;
    await herd("POST", "/api/v1/statuses", { token, body: { status: `@${peerAcct} ${text}`, in_reply_to_id: peerPost.id, visibility: "public" } });
    const rec = await peerReceives("A's reply at the peer", mark, "Create", (r) => stripHtml(r.json?.object?.content).includes(text));
    const note = rec.json.object;
    assert.equal(idOf(note.inReplyTo), peerPost.uri, "inReplyTo is the peer's Note");
    assert.ok(arr(note.tag).some((t) => t.type === "Mention" && t.href === peerActor), `a Mention tag of the peer, got ${JSON.stringify(note.tag)}`);
    assert.equal(rec.parsed?.inReplyTo, peerPost.uri, "inReplyTo as Fedify reads it");
    assert.ok(rec.parsed?.tags?.some((t) => t.type === "Mention" && t.href === peerActor), `the Mention as Fedify reads it, got ${JSON.stringify(rec.parsed?.tags)}`);
    assert.ok([...ids(note.to), ...ids(note.cc)].includes(peerActor), `the peer is addressed: to ${JSON.stringify(note.to)} cc ${JSON.stringify(note.cc)}`);
  });

  await step("e8 A unfollows the peer; the peer gets Undo(Follow) and drops A from its followers", { pending: PENDING.outbound, needs: [following] }, async (mark) => {
    await herd("POST", `/api/v1/accounts/${remote.id}/unfollow`, { token });
    const rec = await peerReceives("Undo(Follow) from A", mark, "Undo", (r) => r.actor === actorUrl);
    assert.equal(rec.innerType, "Follow", `the Undo's object is A's Follow, embedded or dereferenceable at its id (peer: ${rec.note ?? "-"})`);
    const st = await peer("GET", "state");
    assert.ok(!st.followers.some((f) => f.id === actorUrl), "A is no longer among the peer's followers");
  });

  // --- (f) The peer unfollows A; overall signature health ---------------------------------
  await step("f1 the peer unfollows A (Undo(Follow)); A's followers no longer list it", { pending: PENDING.inbox, needs: [follow] }, async () => {
    await peer("POST", "undo", { activity: follow.id });
    await eventually("the peer gone from A's followers", async () => {
      const list = await herd("GET", `/api/v1/accounts/${me.id}/followers`, { token });
      notYet(!list.some((a) => a.acct === peerAcct), `followers: ${JSON.stringify(list.map((a) => a.acct))}`);
      return true;
    });
  });

  await step("f2 every POST Herd made to the peer's inboxes passed Fedify's signature check (at least one was made)", { pending: PENDING.delivery }, async () => {
    const dels = await peer("GET", "deliveries");
    assert.ok(dels.length > 0, "Herd made no POST to the peer's inboxes");
    const bad = dels.filter((d) => d.status >= 300);
    assert.deepEqual(
      bad.map((d) => `${d.activityType} ${d.activityId} -> ${d.status} ${d.response.slice(0, 100)}`),
      [],
      "deliveries Fedify refused",
    );
  });

  const [herdUrl, peerUrl] = [HERD, PEER];
  const signedPeer = (process.env.SIGNED_PEER_URL || "").replace(/\/+$/, "");
  if (signedPeer) {
    await signedSteps(
      { step, herd, peer, request, eventually, notYet, peerReceives, makeAccount, retarget, FAILED },
      { herdUrl: HERD, peerUrl: signedPeer, afHerdUrl: (process.env.HERD_AF_URL || "").replace(/\/+$/, ""), token, actorUrl, suffix, me },
    );
  }
  // The moderation steps end the federation with the peer (its domain is suspended): last.
  const modToken = process.env.HERD_MOD_TOKEN || "";
  if (modToken) {
    retarget(herdUrl, peerUrl);
    await moderationSteps(
      { step, herd, peer, request, eventually, notYet, peerReceives, HttpFailure, FAILED, herdUrl: () => HERD },
      { modToken, token, actorUrl, peerActor, remote, peerPost, suffix },
    );
  } else {
    console.log("federation: moderation steps skipped (no HERD_MOD_TOKEN)");
  }
  return failed === 0;
}

let ok = false;
try {
  ok = await main();
} catch (err) {
  console.log(`scenario crashed: ${err?.stack ?? err}`);
  failed++;
}
console.log(`federation: ${passed} passed, ${failed} failed`);
process.exit(ok && failed === 0 ? 0 : 1);
