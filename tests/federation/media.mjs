// The media and custom emoji steps of the federation scenario (scenario.mjs runs c5 after the
// poll of c4, and e5 once A follows the peer):
//
// c5: A uploads a picture with alt text and a focal point, a moderator adds a custom emoji,
//     and A posts both; the peer gets the attachment as a Document and the emoji as an Emoji
//     tag, in the JSON as Mastodon sends them and as Fedify reads them, and their files
//     answer at the URLs given.
// e5: the peer posts a Document (its photo, served at /files/photo.png) with alt text and an
//     Emoji tag; A's home shows the attachment, fetched and kept by Herd (served from Herd's
//     own URL, the peer's as remote_url), and the emoji.

import assert from "node:assert/strict";
import { EMOJI, PHOTO } from "./pictures.mjs";

const stripHtml = (s) => String(s ?? "").replace(/<[^>]*>/g, "");
const arr = (x) => (x == null ? [] : Array.isArray(x) ? x : [x]);
const REQUEST_TIMEOUT_MS = 20_000;

/** A multipart POST to the Mastodon API (uploads); throws on a non-2xx answer. */
async function upload(herdUrl, path, token, fields, file) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append(file.field, new Blob([file.bytes], { type: file.mediaType }), file.name);
  const res = await fetch(new URL(path, herdUrl), {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, Accept: "application/json" },
    body: form,
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await res.text();
  assert.ok(res.ok, `Herd: POST ${path} (multipart) -> ${res.status}: ${text.slice(0, 500)}`);
  return { status: res.status, json: JSON.parse(text) };
}

/** GETs a file as a peer would and checks it is a picture. */
async function fetchPicture(url, what) {
  const res = await fetch(url, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  assert.equal(res.status, 200, `GET ${what} ${url}`);
  assert.match(res.headers.get("content-type") ?? "", /^image\//, `Content-Type of ${what} ${url}`);
  const bytes = Buffer.from(await res.arrayBuffer());
  assert.ok(bytes.length > 0, `${what} is not empty`);
  return bytes;
}

/** c5: A's picture and custom emoji reach the peer. */
export async function herdMediaStep(t, { herdUrl, token, modToken, follow, actor, suffix }) {
  const { step, herd, peerReceives, eventually, notYet, PENDING } = t;
  const name = "c5 A posts a picture (alt text, focus) with a custom emoji; the peer gets a Document (mediaType, url, name, blurhash, focalPoint, width, height) and an Emoji tag as Mastodon sends them, and Fedify reads both";
  if (!modToken) {
    console.log("federation: c5 skipped (no HERD_MOD_TOKEN to add the custom emoji)");
    return;
  }
  await step(name, { pending: PENDING.delivery, needs: [follow, actor] }, async (mark) => {
    const code = `herdcat_${suffix}`;
    await upload(herdUrl, "/api/v1/admin/custom_emojis", modToken, { shortcode: code }, { field: "image", name: "herdcat.png", ...EMOJI });
    const alt = `A gradient, seen from Herd (${suffix})`;
    const up = await upload(herdUrl, "/api/v2/media", token, { description: alt, focus: "0.5,-0.25" }, { field: "file", name: "photo.png", ...PHOTO });
    assert.ok(up.status === 200 || up.status === 202, `POST /api/v2/media answers 200 or 202, got ${up.status}`);
    await eventually("the upload processed (GET /api/v1/media/:id answers 200 with a url)", async () => {
      const m = await herd("GET", `/api/v1/media/${up.json.id}`, { token });
      notYet(m?.url, `media: ${JSON.stringify(m)}`);
      return true;
    });
    const text = `A picture from Herd (${suffix})`;
    const s = await herd("POST", "/api/v1/statuses", { token, body: { status: `${text} :${code}:`, media_ids: [up.json.id], visibility: "public" } });
    assert.equal(s.media_attachments?.length, 1, "the status has the attachment");
    assert.deepEqual(s.emojis?.map((e) => e.shortcode), [code], "the status lists the emoji");

    const rec = await peerReceives("Create(Note) with A's picture", mark, "Create", (r) => stripHtml(r.json?.object?.content).includes(text));
    const note = rec.json.object;
    const [doc, ...more] = arr(note.attachment);
    assert.equal(more.length, 0, `one attachment, got ${JSON.stringify(note.attachment)}`);
    assert.equal(doc.type, "Document", "attachment.type");
    assert.equal(doc.mediaType, "image/png", "attachment.mediaType");
    assert.equal(doc.url, s.media_attachments[0].url, "attachment.url is the attachment's URL in the API");
    assert.equal(doc.name, alt, "attachment.name is the alt text");
    assert.ok(typeof doc.blurhash === "string" && doc.blurhash.length >= 6, `attachment.blurhash, got ${JSON.stringify(doc.blurhash)}`);
    assert.deepEqual(doc.focalPoint, [0.5, -0.25], "attachment.focalPoint");
    assert.deepEqual([doc.width, doc.height], [PHOTO.width, PHOTO.height], "attachment width and height");
    const emoji = arr(note.tag).find((x) => x.type === "Emoji");
    assert.ok(emoji, `an Emoji tag, got ${JSON.stringify(note.tag)}`);
    assert.equal(emoji.name, `:${code}:`, "Emoji.name");
    assert.ok(emoji.id && emoji.updated, `Emoji id and updated, got ${JSON.stringify(emoji)}`);
    assert.equal(emoji.icon?.type, "Image", "Emoji.icon.type");
    assert.equal(emoji.icon?.mediaType, "image/png", "Emoji.icon.mediaType");
    assert.equal(emoji.icon?.url, s.emojis[0].url, "Emoji.icon.url is the emoji's URL in the API");
    const context = JSON.stringify(rec.json["@context"]);
    for (const term of ["blurhash", "focalPoint", "Emoji"]) {
      assert.ok(context.includes(`"${term}"`), `the activity's @context defines ${term} (as Mastodon's does): ${context}`);
    }

    const p = rec.parsed;
    assert.deepEqual(
      p?.attachments?.map((a) => [a.type, a.mediaType, a.url, a.name, a.width, a.height]),
      [["Document", "image/png", doc.url, alt, PHOTO.width, PHOTO.height]],
      "the attachment as Fedify reads it",
    );
    const pe = p?.tags?.find((x) => x.type === "Emoji");
    assert.ok(pe, `an Emoji as Fedify reads the tags, got ${JSON.stringify(p?.tags)}`);
    assert.deepEqual([pe.name, pe.id, pe.icon?.url, pe.icon?.mediaType], [`:${code}:`, emoji.id, emoji.icon.url, "image/png"], "the Emoji as Fedify reads it");

    await fetchPicture(doc.url, "the attachment");
    await fetchPicture(emoji.icon.url, "the emoji");
  });
}

/** e5: the peer's picture and custom emoji reach A's home. */
export async function peerMediaStep(t, { herdUrl, peerUrl, token, following, peerAcct, suffix }) {
  const { step, herd, peer, eventually, notYet, PENDING } = t;
  const name = "e5 the peer posts a Document with alt text and an Emoji tag; A's home shows the picture, kept by Herd (its own url, the peer's as remote_url), and the emoji";
  await step(name, { pending: PENDING.outbound, needs: [following] }, async () => {
    const text = `A picture from Fedify (${suffix})`;
    const alt = `A gradient, seen from Fedify (${suffix})`;
    const code = "peercat";
    const before = (await peer("GET", "fetches")).at(-1)?.seq ?? 0;
    const r = await peer("POST", "post", { text, attachments: [{ name: alt }], emojis: [code] });
    const seen = await eventually("the peer's picture in A's home timeline", async () => {
      const home = await herd("GET", "/api/v1/timelines/home?limit=40", { token });
      const s = home.find((x) => stripHtml(x.content).includes(text));
      notYet(s, `home has ${home.length} statuses, none with the text`);
      return s;
    });
    assert.equal(seen.account.acct, peerAcct, "account acct");
    assert.equal(seen.uri, r.note, "uri is the peer's Note id");
    assert.ok(stripHtml(seen.content).includes(`:${code}:`), `the content keeps :${code}:, got ${seen.content}`);
    const [e, ...moreEmoji] = seen.emojis ?? [];
    assert.equal(moreEmoji.length, 0, `one emoji, got ${JSON.stringify(seen.emojis)}`);
    assert.equal(e?.shortcode, code, "emojis[0].shortcode");
    assert.ok(e.url && e.static_url, `emojis[0] url and static_url, got ${JSON.stringify(e)}`);
    await fetchPicture(e.url, "the peer's emoji as Herd shows it");

    const remoteUrl = new URL("/files/photo.png", peerUrl).href;
    const cached = await eventually("the peer's picture kept by Herd (url on Herd's host)", async () => {
      const s = await herd("GET", `/api/v1/statuses/${seen.id}`, { token });
      const [m, ...moreMedia] = s.media_attachments ?? [];
      assert.equal(moreMedia.length, 0, `one attachment, got ${JSON.stringify(s.media_attachments)}`);
      assert.ok(m, "an attachment");
      assert.equal(m.type, "image", "media_attachments[0].type");
      assert.equal(m.description, alt, "media_attachments[0].description is the alt text");
      assert.equal(m.remote_url, remoteUrl, "media_attachments[0].remote_url is the peer's file");
      notYet(m.url?.startsWith(`${herdUrl}/`), `url is ${m.url}`);
      return m;
    });
    assert.deepEqual([cached.meta?.original?.width, cached.meta?.original?.height], [PHOTO.width, PHOTO.height], `meta.original, got ${JSON.stringify(cached.meta)}`);
    assert.ok(cached.blurhash, `a blurhash, got ${JSON.stringify(cached.blurhash)}`);
    assert.ok(cached.preview_url?.startsWith(`${herdUrl}/`), `preview_url on Herd's host, got ${cached.preview_url}`);
    await fetchPicture(cached.url, "the kept picture");
    const fetched = (await peer("GET", `fetches?since=${before}`)).filter((f) => f.path === "/files/photo.png");
    assert.ok(fetched.length > 0, "Herd fetched the picture from the peer");
  });
}
