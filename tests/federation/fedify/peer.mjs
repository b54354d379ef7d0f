// A Fedify (https://fedify.dev) ActivityPub server with one actor, used as an independent
// federation peer for Herd's federation tests. It runs on Node 22 over plain http on a
// loopback port and, besides the ActivityPub routes Fedify serves (actor, inboxes, outbox,
// followers, following, notes, WebFinger, NodeInfo), answers a small control API under
// /_control/ so that tests/federation/scenario.mjs can drive it and read what it received.
//
//   PEER_PORT=8081 node peer.mjs        (PEER_PORT=0 picks a free port; the URL is printed)
//
// Environment:
//   PEER_PORT          port to listen on (default 0: a free port)
//   PEER_HOST          address to listen on (default 127.0.0.1)
//   PEER_USERNAME      the actor's identifier and preferredUsername (default "peer")
//   PEER_FIRST_KNOCK   "rfc9421" (Fedify's default) or "draft-cavage-http-signatures-12":
//                      the HTTP signature spec Fedify tries first with a server it has not
//                      talked to before; on a 4xx/5xx answer it retries with the other one
//   PEER_ED25519       "false" to give the actor only its RSA key (default: RSA + Ed25519,
//                      as Fedify recommends; the Ed25519 key adds Object Integrity Proofs)
//   PEER_SIGNED_FETCH  "true" for a peer that requires signed fetches, as GoToSocial does: its
//                      actor and notes are served only to a GET with a valid HTTP signature
//                      (Fedify's authorize predicate; 401 otherwise); its key id is a URL of
//                      its own, /users/NAME/main-key, that serves anyone a stub
//                      {id: actor, type, preferredUsername, publicKey} without inbox or
//                      collections; it signs with that key id (RSA only, no Ed25519 proofs),
//                      and its own fetches are signed too (those of a personal inbox's
//                      listeners with actor#main-key, Fedify's; the full actor lists both)
//   PEER_LOG_LEVEL     lowest level of Fedify's log printed to stderr (default "warning");
//                      everything from "debug" up is also kept in memory for /_control/log
//
// Control API (JSON in and out; errors are {"error": "..."} with a 4xx/5xx status):
//   GET  /_control/health                   {ok, actor, origin}
//   GET  /_control/state                    followers, following, counts
//   GET  /_control/inbox[?type=T&since=N]   activities that reached an inbox listener, i.e.
//                                           that Fedify verified; each with the raw JSON and,
//                                           for a Create, "parsed": its Note (or Question)
//                                           as Fedify reads it
//   GET  /_control/deliveries[?since=N]     every POST to an inbox with Fedify's answer
//   GET  /_control/unverified[?since=N]     activities Fedify refused, with the reason
//   GET  /_control/errors[?since=N]         outbox (delivery) and inbox errors
//   GET  /_control/log[?since=N&min=level]  Fedify's log records kept in memory
//   GET  /_control/fetches[?since=N]        every GET of the actor, a note, the key id or a
//                                           file under /files/,
//                                           with its signature spec and what was served
//   POST /_control/lookup     {uri}         ctx.lookupObject(uri), summarised
//   POST /_control/webfinger  {resource}    ctx.lookupWebFinger(resource)
//   POST /_control/nodeinfo   {url}         /.well-known/nodeinfo and the document it links,
//                                           parsed with Fedify's strict parseNodeInfo()
//   POST /_control/follow     {actor}       send Follow(actor)
//   POST /_control/post       {text, inReplyTo?, mentions?: [actorUrl], visibility?:
//                             "public"|"unlisted"|"followers"|"direct", attachments?:
//                             [{name}], emojis?: [shortcode]}  send Create(Note); each
//                             attachment is a Document of the photo this peer serves at
//                             /files/photo.png (../pictures.mjs) with the name as its alt
//                             text, each emoji an Emoji tag whose icon is /files/emoji.png
//   POST /_control/vote       {question, name, actor?}  send a vote, Create(Note{name}) in
//                                           reply to a Question, to its author (or actor)
//   POST /_control/like       {object, actor?}   send Like(object) to its author (or actor)
//   POST /_control/announce   {object, actor?}   send Announce(object)
//   POST /_control/undo       {activity}    send Undo of an activity this peer sent before
// Sends from the control API are immediate (not queued), so a refused delivery comes back
// as a 502 with the remote status and body. Activities the inbox listeners send (the
// Accept of a Follow) go through Fedify's InProcessMessageQueue; their failures land in
// /_control/errors.

import http from "node:http";
import { readFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { inspect } from "node:util";
import { AsyncLocalStorage } from "node:async_hooks";
import { Temporal } from "@js-temporal/polyfill";
import { configure, getConsoleSink } from "@logtape/logtape";
import {
  createFederation,
  generateCryptoKeyPair,
  InProcessMessageQueue,
  MemoryKvStore,
  parseNodeInfo,
  SendActivityError,
} from "@fedify/fedify";
import {
  Accept,
  Activity,
  Announce,
  Create,
  CryptographicKey,
  Document,
  Emoji,
  Endpoints,
  Follow,
  Image,
  isActor,
  Like,
  Mention,
  Note,
  Person,
  PUBLIC_COLLECTION,
  Question,
  Reject,
  Undo,
} from "@fedify/vocab";
import { EMOJI, PHOTO } from "../pictures.mjs";

const HOST = process.env.PEER_HOST || "127.0.0.1";
const USERNAME = process.env.PEER_USERNAME || "peer";
const FIRST_KNOCK = process.env.PEER_FIRST_KNOCK || undefined;
const WITH_ED25519 = process.env.PEER_ED25519 !== "false";
const SIGNED_FETCH = process.env.PEER_SIGNED_FETCH === "true";
const LOG_LEVEL = process.env.PEER_LOG_LEVEL || "warning";
const MAX_RECORDS = 5000;
const FEDIFY_VERSION = JSON.parse(
  readFileSync(new URL("./node_modules/@fedify/fedify/package.json", import.meta.url), "utf8"),
).version;

// --- Records ------------------------------------------------------------------------------
let seq = 0;
const now = () => new Date().toISOString();
const received = []; // activities that reached a listener (verified)
const deliveries = []; // every POST to an inbox path
const unverified = []; // activities refused for their signature
const errors = []; // outbox and inbox errors
const fetches = []; // GETs of the actor, notes, the key id and files
// The files this peer serves under /files/ (attachments and emoji icons of its posts).
const FILES = new Map([
  ["/files/photo.png", PHOTO],
  ["/files/emoji.png", EMOJI],
]);
const logs = []; // Fedify's log (debug and up)
const push = (list, rec) => {
  list.push({ seq: ++seq, at: now(), ...rec });
  if (list.length > MAX_RECORDS) list.splice(0, list.length - MAX_RECORDS);
};
const rawById = new Map(); // activity id -> the JSON body it arrived in

const followers = new Map(); // actor id -> { id, inbox, sharedInbox, followId }
const following = new Map(); // actor id -> { state, followId, inbox, sharedInbox }
const notes = new Map(); // note id -> Note
const sent = new Map(); // activity id -> { activity, recipients }

// --- Logging ------------------------------------------------------------------------------
const LEVELS = ["trace", "debug", "info", "warning", "error", "fatal"];
const rank = (l) => LEVELS.indexOf(l);
const consoleSink = getConsoleSink();
const render = (record) =>
  record.message.map((part, i) => (i % 2 === 0 ? part : typeof part === "string" ? part : inspect(part, { depth: 4, breakLength: Infinity }))).join("");
await configure({
  contextLocalStorage: new AsyncLocalStorage(),
  sinks: {
    console: (record) => {
      if (rank(record.level) >= rank(LOG_LEVEL)) consoleSink(record);
    },
    memory: (record) =>
      push(logs, { level: record.level, category: record.category.join("."), message: render(record) }),
  },
  loggers: [
    { category: ["fedify"], lowestLevel: "debug", sinks: ["memory", "console"] },
    { category: ["logtape", "meta"], lowestLevel: "warning", sinks: ["console"] },
  ],
});

// --- Keys ---------------------------------------------------------------------------------
// Generated at start, kept in memory: the peer's identity lives as long as the process.
const keyPairs = [await generateCryptoKeyPair("RSASSA-PKCS1-v1_5")];
if (WITH_ED25519) keyPairs.push(await generateCryptoKeyPair("Ed25519"));

// --- Federation ---------------------------------------------------------------------------
const federation = createFederation({
  kv: new MemoryKvStore(),
  queue: new InProcessMessageQueue(),
  allowPrivateAddress: true, // Herd runs on loopback
  ...(FIRST_KNOCK ? { firstKnock: FIRST_KNOCK } : {}),
  onOutboxError: (error, activity) =>
    push(errors, {
      kind: "outbox",
      activityId: activity?.id?.href ?? null,
      activityType: activity?.constructor?.name ?? null,
      message: String(error?.message ?? error),
    }),
});

federation
  .setActorDispatcher("/users/{identifier}", async (ctx, identifier) => {
    if (identifier !== USERNAME) return null;
    const keys = await ctx.getActorKeyPairs(identifier);
    // In signed mode the actor lists two ids of its RSA key: KEY_PATH, which it signs its
    // deliveries and fetches with, and Fedify's own actor#main-key, which Fedify signs
    // the fetches of a personal inbox's listeners with (it cannot be told otherwise).
    const stubKey = new CryptographicKey({ id: new URL(KEY_PATH, ctx.getActorUri(identifier)), owner: ctx.getActorUri(identifier), publicKey: keyPairs[0].publicKey });
    return new Person({
      id: ctx.getActorUri(identifier),
      preferredUsername: identifier,
      name: "Fedify peer",
      summary: "<p>An independent ActivityPub server (Fedify) that Herd's federation tests talk to.</p>",
      url: ctx.getActorUri(identifier),
      inbox: ctx.getInboxUri(identifier),
      outbox: ctx.getOutboxUri(identifier),
      followers: ctx.getFollowersUri(identifier),
      following: ctx.getFollowingUri(identifier),
      endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
      publicKeys: SIGNED_FETCH ? [stubKey, keys[0].cryptographicKey] : [keys[0].cryptographicKey],
      assertionMethods: keys.map((k) => k.multikey),
      manuallyApprovesFollowers: false,
      discoverable: true,
    });
  })
  .setKeyPairsDispatcher((_ctx, identifier) => (identifier === USERNAME ? keyPairs : []))
  .authorize(signedOnly);

federation
  .setObjectDispatcher(Note, "/users/{identifier}/notes/{id}", (ctx, values) => {
    if (values.identifier !== USERNAME) return null;
    return notes.get(ctx.getObjectUri(Note, values).href) ?? null;
  })
  .authorize(signedOnly);

/** With PEER_SIGNED_FETCH, a GET is served only when its HTTP signature verifies. */
async function signedOnly(ctx) {
  if (!SIGNED_FETCH) return true;
  return (await ctx.getSignedKey()) != null;
}

/** The key id of the peer with PEER_SIGNED_FETCH, a URL of its own (GoToSocial's shape). */
const KEY_PATH = `/users/${USERNAME}/main-key`;
/** The key the peer signs with in signed mode: its RSA key under KEY_PATH. */
const signingKey = () => ({ privateKey: keyPairs[0].privateKey, keyId: new URL(KEY_PATH, origin) });
/** Who sends the peer's activities: its actor's key pairs, or the KEY_PATH key in signed mode. */
const sender = () => (SIGNED_FETCH ? [signingKey()] : { identifier: USERNAME });

/** What an unsigned or badly signed GET of the actor or a note gets in signed mode. */
const unauthorized = () => new Response("Unauthorized: sign the request.", { status: 401, headers: { "Content-Type": "text/plain" } });

/** What anyone gets at KEY_PATH in signed mode: a stub of the actor with the key and no
 *  inbox, as GoToSocial serves at its key ids. */
async function keyStub(url) {
  const actor = new URL(`/users/${USERNAME}`, url).href;
  const spki = Buffer.from(await crypto.subtle.exportKey("spki", keyPairs[0].publicKey)).toString("base64");
  const pem = `-----BEGIN PUBLIC KEY-----\n${spki.match(/.{1,64}/g).join("\n")}\n-----END PUBLIC KEY-----\n`;
  const stub = {
    "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
    id: actor,
    type: "Person",
    preferredUsername: USERNAME,
    publicKey: { id: new URL(KEY_PATH, url).href, owner: actor, publicKeyPem: pem },
  };
  return JSON.stringify(stub);
}

federation.setOutboxDispatcher("/users/{identifier}/outbox", async (ctx, identifier) => {
  if (identifier !== USERNAME) return null;
  const items = [...sent.values()].map((s) => s.activity).filter((a) => a instanceof Create || a instanceof Announce);
  return { items: items.reverse() };
});

federation.setFollowersDispatcher("/users/{identifier}/followers", (_ctx, identifier) => {
  if (identifier !== USERNAME) return null;
  return { items: [...followers.values()].map(toRecipient) };
});

federation.setFollowingDispatcher("/users/{identifier}/following", (_ctx, identifier) => {
  if (identifier !== USERNAME) return null;
  return {
    items: [...following.entries()].filter(([, f]) => f.state === "accepted").map(([id]) => new URL(id)),
  };
});

federation.setNodeInfoDispatcher("/nodeinfo/2.1", () => ({
  software: { name: "herd-test-fedify-peer", version: FEDIFY_VERSION },
  protocols: ["activitypub"],
  usage: { users: { total: 1 }, localPosts: notes.size, localComments: 0 },
}));

const toRecipient = (r) => ({
  id: new URL(r.id),
  inboxId: r.inbox ? new URL(r.inbox) : null,
  endpoints: r.sharedInbox ? { sharedInbox: new URL(r.sharedInbox) } : null,
});
const actorRecord = (actor) => ({
  id: actor.id.href,
  inbox: actor.inboxId?.href ?? null,
  sharedInbox: actor.endpoints?.sharedInbox?.href ?? null,
});

/** How Fedify reads an activity's object (after JSON-LD processing), for checks that are
 *  about what a Fedify-based server sees rather than about the raw JSON. */
async function parsedObject(ctx, activity) {
  let obj;
  try {
    obj = await activity.getObject({ ...ctx, crossOrigin: "ignore" });
  } catch (e) {
    return { error: String(e?.message ?? e) };
  }
  if (obj instanceof Question) return parsedQuestion(ctx, obj);
  if (obj == null || !(obj instanceof Note)) return obj == null ? null : { type: obj.constructor.name, id: obj.id?.href ?? null };
  const load = { ...ctx, suppressError: true, crossOrigin: "ignore" };
  const tags = [];
  for await (const t of obj.getTags(load)) {
    const tag = { type: t.constructor.name, href: t.href?.href ?? null, name: t.name?.toString() ?? null };
    if (t instanceof Emoji) {
      const icon = await t.getIcon(load);
      tag.id = t.id?.href ?? null;
      tag.icon = icon == null ? null : { type: icon.constructor.name, mediaType: icon.mediaType ?? null, url: icon.url?.href ?? null };
    }
    tags.push(tag);
  }
  const attachments = [];
  for await (const a of obj.getAttachments(load)) {
    attachments.push({
      type: a.constructor.name,
      mediaType: a.mediaType ?? null,
      url: a.url?.href ?? null,
      name: a.name?.toString() ?? null,
      width: a.width ?? null,
      height: a.height ?? null,
    });
  }
  return {
    type: "Note",
    id: obj.id?.href ?? null,
    attributedTo: obj.attributionId?.href ?? null,
    content: obj.content?.toString() ?? null,
    summary: obj.summary?.toString() ?? null,
    sensitive: obj.sensitive ?? null,
    to: obj.toIds.map((u) => u.href),
    cc: obj.ccIds.map((u) => u.href),
    inReplyTo: obj.replyTargetId?.href ?? null,
    published: obj.published?.toString() ?? null,
    url: obj.url?.href?.href ?? obj.url?.href ?? null,
    tags,
    attachments,
  };
}

/** How Fedify reads a Question (a poll): its options with their counts, whether one or
 *  several may be chosen, its end and its voters. */
async function parsedQuestion(ctx, q) {
  const options = async (it) => {
    const out = [];
    for await (const o of it) {
      const replies = await o.getReplies?.({ ...ctx, suppressError: true });
      out.push({ name: o.name?.toString() ?? null, votes: replies?.totalItems ?? null });
    }
    return out;
  };
  const load = { ...ctx, suppressError: true, crossOrigin: "ignore" };
  const oneOf = await options(q.getExclusiveOptions(load));
  const anyOf = await options(q.getInclusiveOptions(load));
  return {
    type: "Question",
    id: q.id?.href ?? null,
    content: q.content?.toString() ?? null,
    multiple: anyOf.length > 0,
    options: anyOf.length > 0 ? anyOf : oneOf,
    endTime: q.endTime?.toString() ?? null,
    closed: q.closed?.toString() ?? null,
    voters: q.voters ?? null,
  };
}

async function record(ctx, activity, extra = {}) {
  const id = activity.id?.href ?? null;
  let json = id ? rawById.get(id) : undefined;
  if (json === undefined) json = await activity.toJsonLd({ format: "compact", contextLoader: ctx.contextLoader });
  if (activity instanceof Create) extra = { parsed: await parsedObject(ctx, activity), ...extra };
  push(received, {
    inbox: ctx.recipient == null ? "shared" : `personal:${ctx.recipient}`,
    type: activity.constructor.name,
    id,
    actor: activity.actorId?.href ?? null,
    object: activity.objectId?.href ?? null,
    json,
    ...extra,
  });
}

federation
  .setInboxListeners("/users/{identifier}/inbox", "/inbox")
  .on(Follow, async (ctx, follow) => {
    // Auto-accept a Follow of our actor.
    const target = follow.objectId && ctx.parseUri(follow.objectId);
    if (target?.type !== "actor" || target.identifier !== USERNAME || follow.actorId == null) {
      await record(ctx, follow, { note: "not a Follow of this peer's actor; ignored" });
      return;
    }
    const follower = await follow.getActor(ctx);
    if (follower == null || !isActor(follower) || follower.id == null) {
      await record(ctx, follow, { note: "could not fetch the follower's actor; not accepted" });
      return;
    }
    followers.set(follower.id.href, { ...actorRecord(follower), followId: follow.id?.href ?? null });
    const accept = new Accept({
      id: new URL(`/users/${USERNAME}/accepts/${randomUUID()}`, ctx.canonicalOrigin),
      actor: ctx.getActorUri(USERNAME),
      object: follow,
      to: follower.id,
    });
    sent.set(accept.id.href, { activity: accept, recipients: [actorRecord(follower)] });
    await record(ctx, follow, { note: `accepted with ${accept.id.href}` });
    await ctx.sendActivity(sender(), follower, accept);
  })
  .on(Accept, async (ctx, accept) => {
    await updateFollowing(ctx, accept, "accepted");
  })
  .on(Reject, async (ctx, reject) => {
    await updateFollowing(ctx, reject, "rejected");
  })
  .on(Undo, async (ctx, undo) => {
    // The undone activity is embedded (as Mastodon does) or only referenced by its id; in
    // the latter case Fedify dereferences it, and a Follow id we recorded also identifies it.
    const inner = await undo.getObject({ ...ctx, crossOrigin: "ignore" }).catch(() => null);
    const f = undo.actorId == null ? undefined : followers.get(undo.actorId.href);
    const undoesFollow =
      inner instanceof Follow || (inner == null && f != null && f.followId != null && f.followId === undo.objectId?.href);
    if (undoesFollow && undo.actorId != null) {
      if (f) followers.delete(undo.actorId.href);
      await record(ctx, undo, {
        innerType: "Follow",
        note: `${inner == null ? "Follow referenced by id; " : ""}${f ? "follower removed" : "was not a follower"}`,
      });
      return;
    }
    await record(ctx, undo, {
      innerType: inner?.constructor?.name ?? null,
      note: inner == null ? `could not get the undone object ${undo.objectId?.href ?? "(none)"}` : undefined,
    });
  })
  .on(Activity, async (ctx, activity) => {
    await record(ctx, activity);
  })
  .onUnverifiedActivity((_ctx, activity, reason) => {
    push(unverified, {
      type: activity.constructor.name,
      id: activity.id?.href ?? null,
      actor: activity.actorId?.href ?? null,
      reason: describeReason(reason),
    });
  })
  .onError((_ctx, error) => push(errors, { kind: "inbox", message: String(error?.stack ?? error) }))
  .setSharedKeyDispatcher(() => (SIGNED_FETCH ? signingKey() : null));

async function updateFollowing(ctx, response, state) {
  // The object is the Follow, embedded or by id; match it against the Follows we sent.
  const objectId = response.objectId?.href ?? null;
  let matched = null;
  for (const [actorId, f] of following) {
    if (f.followId === objectId && response.actorId?.href === actorId) matched = actorId;
  }
  if (matched == null && response.actorId != null && following.has(response.actorId.href)) {
    // Some servers answer with an Accept whose object is the Follow without an id.
    const inner = await response.getObject({ ...ctx, crossOrigin: "ignore" }).catch(() => null);
    if (inner instanceof Follow && inner.objectId?.href === response.actorId.href) matched = response.actorId.href;
  }
  if (matched != null) following.get(matched).state = state;
  await record(ctx, response, {
    note: matched != null ? `Follow of ${matched} is now ${state}` : "did not match a Follow this peer sent",
  });
}

function describeReason(reason) {
  const r = { type: reason.type };
  if ("keyId" in reason && reason.keyId) r.keyId = reason.keyId.href;
  if (reason.type === "keyFetchError" && reason.result) {
    if ("status" in reason.result) r.keyFetchStatus = reason.result.status;
    else r.keyFetchError = String(reason.result.error?.message ?? reason.result.error);
  }
  return r;
}

// --- Control API ----------------------------------------------------------------------------
class HttpError extends Error {
  constructor(status, message, extra = {}) {
    super(message);
    this.status = status;
    this.extra = extra;
  }
}
const need = (body, key) => {
  const v = body?.[key];
  if (typeof v !== "string" || v === "") throw new HttpError(400, `missing string field "${key}"`);
  return v;
};
const since = (url) => Number(url.searchParams.get("since") || 0);
const ctxFor = () => federation.createContext(new URL(origin), undefined);
/** The options of the control API's lookups: signed with the peer's key in signed mode. */
const lookupOpts = async (ctx) => (SIGNED_FETCH ? { documentLoader: ctx.getDocumentLoader(signingKey()) } : {});
const newId = (kind) => new URL(`/users/${USERNAME}/${kind}/${randomUUID()}`, origin);
const recentLogs = (from, min = "debug") => logs.filter((l) => l.seq > from && rank(l.level) >= rank(min));

async function lookupActor(ctx, uri) {
  const mark = seq;
  const actor = await ctx.lookupObject(uri, await lookupOpts(ctx));
  if (actor == null || !isActor(actor) || actor.id == null) {
    throw new HttpError(422, `lookupObject(${uri}) did not give an actor (${actor == null ? "null" : actor.constructor.name})`, {
      log: recentLogs(mark, "debug").slice(-20),
    });
  }
  return actor;
}

/** Finds who to send an interaction with `object` to: `actor` if given, else its author. */
async function authorOf(ctx, object, actorUri) {
  if (actorUri) return lookupActor(ctx, actorUri);
  const mark = seq;
  const obj = await ctx.lookupObject(object, await lookupOpts(ctx));
  if (obj == null) {
    throw new HttpError(422, `lookupObject(${object}) returned null, so its author is unknown; pass "actor"`, {
      log: recentLogs(mark, "debug").slice(-20),
    });
  }
  const author = obj.attributionId ?? (isActor(obj) ? obj.id : null);
  if (author == null) throw new HttpError(422, `${object} has no attributedTo; pass "actor"`);
  return lookupActor(ctx, author.href);
}

async function send(ctx, activity, recipients, { preferSharedInbox = false } = {}) {
  const recs = recipients.map((r) => (isActor(r) ? actorRecord(r) : r));
  sent.set(activity.id.href, { activity, recipients: recs });
  const json = await activity.toJsonLd({ format: "compact", contextLoader: ctx.contextLoader });
  if (recs.length === 0) return { id: activity.id.href, json, recipients: [], note: "no recipients" };
  try {
    await ctx.sendActivity(sender(), recs.map(toRecipient), activity, {
      immediate: true,
      preferSharedInbox,
    });
  } catch (error) {
    const status = error instanceof SendActivityError ? error.statusCode : null;
    throw new HttpError(502, `delivery of ${activity.constructor.name} failed: ${error?.message ?? error}`, {
      remoteStatus: status,
      remoteBody: error instanceof SendActivityError ? error.responseBody : null,
      id: activity.id.href,
    });
  }
  const inboxes = [...new Set(recs.map((r) => (preferSharedInbox && r.sharedInbox) || r.inbox))];
  return { id: activity.id.href, json, recipients: recs.map((r) => r.id), inboxes };
}

const routes = {
  "GET /_control/health": () => ({ ok: true, actor: actorUri(), origin, signedFetch: SIGNED_FETCH, keyId: SIGNED_FETCH ? new URL(KEY_PATH, origin).href : `${actorUri()}#main-key` }),
  "GET /_control/state": () => ({
    actor: actorUri(),
    followers: [...followers.values()],
    following: [...following.entries()].map(([id, f]) => ({ id, ...f })),
    notes: [...notes.keys()],
    counts: { received: received.length, deliveries: deliveries.length, unverified: unverified.length, errors: errors.length },
    seq,
  }),
  "GET /_control/inbox": (_b, url) => {
    const type = url.searchParams.get("type");
    return received.filter((r) => r.seq > since(url) && (!type || r.type === type));
  },
  "GET /_control/deliveries": (_b, url) => deliveries.filter((r) => r.seq > since(url)),
  "GET /_control/unverified": (_b, url) => unverified.filter((r) => r.seq > since(url)),
  "GET /_control/errors": (_b, url) => errors.filter((r) => r.seq > since(url)),
  "GET /_control/fetches": (_b, url) => fetches.filter((r) => r.seq > since(url)),
  "GET /_control/log": (_b, url) => recentLogs(since(url), url.searchParams.get("min") || "debug"),

  "POST /_control/lookup": async (body) => {
    const uri = need(body, "uri");
    const ctx = ctxFor();
    const mark = seq;
    const obj = await ctx.lookupObject(uri, await lookupOpts(ctx));
    if (obj == null) {
      throw new HttpError(404, `lookupObject(${uri}) returned null`, { log: recentLogs(mark, "debug").slice(-20) });
    }
    const out = {
      type: obj.constructor.name,
      id: obj.id?.href ?? null,
      json: await obj.toJsonLd({ format: "compact", contextLoader: ctx.contextLoader }),
    };
    if (isActor(obj)) {
      const key = await obj.getPublicKey(ctx).catch((e) => ({ error: String(e) }));
      out.actor = {
        preferredUsername: obj.preferredUsername?.toString() ?? null,
        inbox: obj.inboxId?.href ?? null,
        sharedInbox: obj.endpoints?.sharedInbox?.href ?? null,
        outbox: obj.outboxId?.href ?? null,
        followers: obj.followersId?.href ?? null,
        following: obj.followingId?.href ?? null,
        url: obj.url?.href?.href ?? obj.url?.href ?? null,
        publicKey:
          key == null
            ? null
            : key.error
              ? key
              : {
                  id: key.id?.href ?? null,
                  owner: key.ownerId?.href ?? null,
                  algorithm: key.publicKey?.algorithm?.name ?? null,
                  modulusLength: key.publicKey?.algorithm?.modulusLength ?? null,
                  hash: key.publicKey?.algorithm?.hash?.name ?? null,
                },
      };
    } else {
      out.object = {
        attributedTo: obj.attributionId?.href ?? null,
        content: obj.content?.toString() ?? null,
        to: obj.toIds.map((u) => u.href),
        cc: obj.ccIds.map((u) => u.href),
        inReplyTo: obj.replyTargetId?.href ?? null,
        url: obj.url?.href?.href ?? obj.url?.href ?? null,
        published: obj.published?.toString() ?? null,
      };
    }
    return out;
  },

  "POST /_control/webfinger": async (body) => {
    const resource = need(body, "resource");
    const jrd = await ctxFor().lookupWebFinger(resource);
    if (jrd == null) throw new HttpError(404, `lookupWebFinger(${resource}) returned null`);
    return jrd;
  },

  "POST /_control/nodeinfo": async (body) => {
    // Fedify's own getNodeInfo() refuses loopback addresses whatever allowPrivateAddress
    // says, so fetch here and use Fedify's parser.
    const base = need(body, "url");
    const wkUrl = new URL("/.well-known/nodeinfo", base);
    const wk = await fetch(wkUrl, { headers: { Accept: "application/json" } });
    if (!wk.ok) throw new HttpError(422, `GET ${wkUrl} -> ${wk.status}`);
    const wellKnown = await wk.json();
    const link = wellKnown?.links?.find?.((l) =>
      ["http://nodeinfo.diaspora.software/ns/schema/2.0", "http://nodeinfo.diaspora.software/ns/schema/2.1"].includes(l?.rel),
    );
    if (!link?.href) throw new HttpError(422, `no NodeInfo 2.0/2.1 link in ${wkUrl}`, { wellKnown });
    const doc = await fetch(link.href, { headers: { Accept: "application/json" } });
    if (!doc.ok) throw new HttpError(422, `GET ${link.href} -> ${doc.status}`);
    const raw = await doc.json();
    const parsed = parseNodeInfo(raw);
    return {
      wellKnown,
      href: link.href,
      contentType: doc.headers.get("content-type"),
      raw,
      parsed: parsed == null ? null : { ...parsed, software: { ...parsed.software, repository: parsed.software.repository?.href, homepage: parsed.software.homepage?.href } },
      parsedBestEffort: parsed == null ? parseNodeInfo(raw, { tryBestEffort: true }) : undefined,
    };
  },

  "POST /_control/follow": async (body) => {
    const ctx = ctxFor();
    const target = await lookupActor(ctx, need(body, "actor"));
    const follow = new Follow({ id: newId("follows"), actor: ctx.getActorUri(USERNAME), object: target.id, to: target.id });
    following.set(target.id.href, { state: "pending", followId: follow.id.href, ...actorRecord(target) });
    return send(ctx, follow, [target]);
  },

  "POST /_control/post": async (body) => {
    const ctx = ctxFor();
    const text = need(body, "text");
    const visibility = body.visibility ?? "public";
    const mentioned = [];
    for (const m of body.mentions ?? []) mentioned.push(await lookupActor(ctx, m));
    let replyAuthor = null;
    if (body.inReplyTo) {
      replyAuthor = await authorOf(ctx, body.inReplyTo, body.inReplyToActor).catch((e) => {
        if (mentioned.length === 0) throw e;
        return null; // a mentioned actor gets it anyway
      });
    }
    const me = ctx.getActorUri(USERNAME);
    const followersUri = ctx.getFollowersUri(USERNAME);
    const mentionTags = mentioned.map(
      (a) => new Mention({ href: a.id, name: `@${a.preferredUsername}@${a.id.host}` }),
    );
    const mentionHtml = mentioned
      .map((a) => `<span class="h-card"><a href="${a.url?.href ?? a.id.href}" class="u-url mention">@<span>${a.preferredUsername}</span></a></span>`)
      .join(" ");
    const emojis = (body.emojis ?? []).map(
      (code) => new Emoji({ id: new URL(`/emojis/${code}`, origin), name: `:${code}:`, icon: new Image({ mediaType: EMOJI.mediaType, url: new URL("/files/emoji.png", origin) }) }),
    );
    const attachments = (body.attachments ?? []).map(
      (a) => new Document({ mediaType: PHOTO.mediaType, url: new URL("/files/photo.png", origin), name: a.name ?? null, width: PHOTO.width, height: PHOTO.height }),
    );
    const emojiText = emojis.map((e) => ` ${e.name}`).join("");
    const content = `<p>${mentionHtml ? mentionHtml + " " : ""}${escapeHtml(text)}${emojiText}</p>`;
    const mentionIds = mentioned.map((a) => a.id);
    let to, cc;
    switch (visibility) {
      case "public": to = [PUBLIC_COLLECTION]; cc = [followersUri, ...mentionIds]; break;
      case "unlisted": to = [followersUri]; cc = [PUBLIC_COLLECTION, ...mentionIds]; break;
      case "followers": to = [followersUri]; cc = mentionIds; break;
      case "direct": to = mentionIds; cc = []; break;
      default: throw new HttpError(400, `unknown visibility ${visibility}`);
    }
    const noteId = ctx.getObjectUri(Note, { identifier: USERNAME, id: randomUUID() });
    const published = Temporal.Now.instant();
    const note = new Note({
      id: noteId,
      attribution: me,
      content,
      url: noteId,
      published,
      tos: to,
      ccs: cc,
      tags: [...mentionTags, ...emojis],
      attachments,
      replyTarget: body.inReplyTo ? new URL(body.inReplyTo) : null,
    });
    notes.set(noteId.href, note);
    const create = new Create({
      id: new URL(`${noteId.href}/activity`),
      actor: me,
      object: note,
      published,
      tos: to,
      ccs: cc,
    });
    const recipients = visibility === "direct" ? [] : [...followers.values()];
    for (const a of [...mentioned, ...(replyAuthor ? [replyAuthor] : [])]) {
      if (!recipients.some((r) => r.id === a.id.href)) recipients.push(actorRecord(a));
    }
    const result = await send(ctx, create, recipients, { preferSharedInbox: true });
    return { ...result, note: noteId.href };
  },

  "POST /_control/vote": async (body) => {
    const ctx = ctxFor();
    const question = need(body, "question");
    const name = need(body, "name");
    const author = await authorOf(ctx, question, body.actor);
    const me = ctx.getActorUri(USERNAME);
    const note = new Note({
      id: ctx.getObjectUri(Note, { identifier: USERNAME, id: randomUUID() }),
      attribution: me,
      name,
      replyTarget: new URL(question),
      tos: [author.id],
    });
    const create = new Create({ id: new URL(`${note.id.href}/activity`), actor: me, object: note, tos: [author.id] });
    return send(ctx, create, [author]);
  },

  "POST /_control/like": async (body) => {
    const ctx = ctxFor();
    const object = need(body, "object");
    const author = await authorOf(ctx, object, body.actor);
    const like = new Like({ id: newId("likes"), actor: ctx.getActorUri(USERNAME), object: new URL(object), to: author.id });
    return send(ctx, like, [author]);
  },

  "POST /_control/announce": async (body) => {
    const ctx = ctxFor();
    const object = need(body, "object");
    const author = await authorOf(ctx, object, body.actor);
    const announce = new Announce({
      id: newId("announces"),
      actor: ctx.getActorUri(USERNAME),
      object: new URL(object),
      published: Temporal.Now.instant(),
      tos: [PUBLIC_COLLECTION],
      ccs: [author.id, ctx.getFollowersUri(USERNAME)],
    });
    const recipients = [actorRecord(author), ...[...followers.values()].filter((f) => f.id !== author.id.href)];
    return send(ctx, announce, recipients, { preferSharedInbox: true });
  },

  "POST /_control/undo": async (body) => {
    const ctx = ctxFor();
    const id = need(body, "activity");
    const orig = sent.get(id);
    if (!orig) throw new HttpError(404, `this peer did not send ${id}`);
    const undo = new Undo({
      id: newId("undos"),
      actor: ctx.getActorUri(USERNAME),
      object: orig.activity,
      tos: orig.activity.toIds,
      ccs: orig.activity.ccIds,
    });
    if (orig.activity instanceof Follow) {
      for (const [actorId, f] of following) if (f.followId === id) following.delete(actorId);
    }
    return send(ctx, undo, orig.recipients);
  },
};

const escapeHtml = (s) => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
const actorUri = () => new URL(`/users/${USERNAME}`, origin).href;

// --- HTTP server ------------------------------------------------------------------------------
function sigSpec(headers) {
  if (headers["signature-input"]) return "rfc9421";
  if (headers.signature) return "draft-cavage";
  return "none";
}

async function handle(req, res) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const body = Buffer.concat(chunks);
  const url = new URL(req.url, origin);
  const key = `${req.method} ${url.pathname}`;

  if (url.pathname.startsWith("/_control/")) {
    const route = routes[key];
    let status = 200;
    let out;
    try {
      if (!route) throw new HttpError(404, `no control route ${key}`);
      let parsed = {};
      if (req.method === "POST" && body.length > 0) {
        try {
          parsed = JSON.parse(body.toString("utf8"));
        } catch {
          throw new HttpError(400, "the body is not JSON");
        }
      }
      out = await route(parsed, url);
    } catch (err) {
      status = err instanceof HttpError ? err.status : 500;
      out = { error: err?.message ?? String(err), ...(err?.extra ?? {}) };
      if (!(err instanceof HttpError)) out.stack = err?.stack;
    }
    const text = JSON.stringify(out);
    res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(text) });
    res.end(text);
    return;
  }

  if (SIGNED_FETCH && req.method === "GET" && url.pathname === KEY_PATH) {
    const text = await keyStub(url);
    push(fetches, { path: url.pathname, signatureSpec: sigSpec(req.headers), userAgent: req.headers["user-agent"] ?? null, status: 200, served: "key stub" });
    res.writeHead(200, { "Content-Type": "application/activity+json", "Content-Length": Buffer.byteLength(text) });
    res.end(text);
    return;
  }

  const file = (req.method === "GET" || req.method === "HEAD") && FILES.get(url.pathname);
  if (file) {
    push(fetches, { path: url.pathname, signatureSpec: sigSpec(req.headers), userAgent: req.headers["user-agent"] ?? null, status: 200, served: "file" });
    res.writeHead(200, { "Content-Type": file.mediaType, "Content-Length": file.bytes.length });
    res.end(req.method === "HEAD" ? undefined : file.bytes);
    return;
  }

  // Everything else is Fedify's: hand it a Fetch API Request.
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value != null) headers.set(name, value);
  }
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  const request = new Request(url, { method: req.method, headers, body: hasBody ? body : undefined });

  const isInboxPost = req.method === "POST" && (url.pathname === "/inbox" || /^\/users\/[^/]+\/inbox$/.test(url.pathname));
  let json = null;
  if (isInboxPost) {
    try {
      json = JSON.parse(body.toString("utf8"));
      if (typeof json?.id === "string") rawById.set(json.id, json);
    } catch {
      json = null;
    }
  }

  let response;
  try {
    response = await federation.fetch(request, {
      contextData: undefined,
      onNotFound: () => new Response("Not found.", { status: 404, headers: { "Content-Type": "text/plain" } }),
      onNotAcceptable: () => new Response("Not acceptable.", { status: 406, headers: { "Content-Type": "text/plain", Vary: "Accept" } }),
      onUnauthorized: unauthorized,
    });
  } catch (err) {
    push(errors, { kind: "http", message: `${key}: ${err?.stack ?? err}` });
    response = new Response("Internal server error.", { status: 500 });
  }
  const out = Buffer.from(await response.arrayBuffer());

  if (isInboxPost) {
    push(deliveries, {
      path: url.pathname,
      contentType: req.headers["content-type"] ?? null,
      signatureSpec: sigSpec(req.headers),
      signature: req.headers.signature ?? null,
      signatureInput: req.headers["signature-input"] ?? null,
      digest: req.headers.digest ?? null,
      contentDigest: req.headers["content-digest"] ?? null,
      date: req.headers.date ?? null,
      userAgent: req.headers["user-agent"] ?? null,
      activityType: json?.type ?? null,
      activityId: json?.id ?? null,
      actor: typeof json?.actor === "string" ? json.actor : (json?.actor?.id ?? null),
      status: response.status,
      response: out.toString("utf8").slice(0, 500),
      body: json ?? body.toString("utf8").slice(0, 2000),
    });
  }

  if (req.method === "GET" && (url.pathname === `/users/${USERNAME}` || url.pathname.startsWith(`/users/${USERNAME}/notes/`))) {
    let served = `${response.status}`;
    if (response.status === 200) served = out.includes(Buffer.from('"inbox"')) ? "full" : "stub";
    push(fetches, { path: url.pathname, signatureSpec: sigSpec(req.headers), userAgent: req.headers["user-agent"] ?? null, status: response.status, served });
  }

  const outHeaders = {};
  response.headers.forEach((v, k) => (outHeaders[k] = v));
  outHeaders["content-length"] = String(out.length);
  res.writeHead(response.status, outHeaders);
  res.end(req.method === "HEAD" ? undefined : out);
}

const server = http.createServer((req, res) => {
  handle(req, res).catch((err) => {
    push(errors, { kind: "http", message: String(err?.stack ?? err) });
    if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain" });
    res.end("Internal server error.");
  });
});

let origin = "";
await new Promise((resolve, reject) => {
  server.once("error", reject);
  server.listen(Number(process.env.PEER_PORT || 0), HOST, resolve);
});
origin = `http://${HOST}:${server.address().port}`;
// Fedify takes the origin from each request's URL; the control API uses this one.
console.log(`peer: Fedify ${FEDIFY_VERSION} peer listening on ${origin} (actor ${actorUri()}, keys: ${keyPairs.map((k) => k.privateKey.algorithm.name).join(" + ")}${FIRST_KNOCK ? `, first knock ${FIRST_KNOCK}` : ""})`);

const stop = () => {
  server.close();
  server.closeAllConnections?.();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
