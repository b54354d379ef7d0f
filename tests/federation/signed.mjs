// The signed-fetch steps of the federation scenario (scenario.mjs runs them after its own):
// a second Fedify peer that requires signed fetches (PEER_SIGNED_FETCH=true in peer.mjs: its
// actor and notes go only to a GET with a valid HTTP signature; its key id, a URL of its own,
// serves a stub with the key and no inbox, as GoToSocial does), and
// a second Herd in authorized-fetch mode (Mastodon's secure mode).
//
// g: the first Herd (user A) and the signed-fetch peer: the peer follows A (Herd verifies
//    the Follow with the stub key and must fetch the full actor signed to deliver its
//    Accept), A posts to it, it likes A's post, A follows it back, its post and A's like flow.
// h: the authorized-fetch Herd (user B) and the same peer: unsigned GETs refused, the
//    peer's signed fetches served, the peer follows B, B's post and the peer's like flow.

import assert from "node:assert/strict";

const stripHtml = (s) => String(s ?? "").replace(/<[^>]*>/g, "");
const idOf = (x) => (typeof x === "string" ? x : (x?.id ?? x?.href ?? null));

/** Runs the g and h steps with the scenario's helpers `t`. */
export async function signedSteps(t, { herdUrl, peerUrl, afHerdUrl, token, actorUrl, suffix, me }) {
  const { step, herd, peer, request, eventually, notYet, peerReceives, FAILED } = t;
  t.retarget(herdUrl, peerUrl);
  const health = await peer("GET", "health");
  const gina = health.actor;
  const ginaAcct = `${new URL(gina).pathname.split("/").pop()}@${new URL(gina).host}`;
  console.log(`federation: signed fetch: Fedify peer ${gina} (signed fetches only)${afHerdUrl ? `, Herd ${afHerdUrl} (authorized fetch)` : ""}`);

  const stub = await step("g1 the signed-fetch peer refuses an unsigned GET of its actor (401); its key id serves a stub: key, no inbox", {}, async () => {
    assert.ok(health.signedFetch, "the peer runs with PEER_SIGNED_FETCH");
    const actorRes = await request(peerUrl, "GET", new URL(gina).pathname, { accept: "application/activity+json" });
    assert.equal(actorRes.res.status, 401, "unsigned GET of the actor");
    const { res, json } = await request(peerUrl, "GET", new URL(health.keyId).pathname, { accept: "application/activity+json" });
    assert.equal(res.status, 200, "GET of the key id");
    assert.equal(json.id, gina, "the stub's id is the actor");
    assert.equal(json.inbox, undefined, `no inbox in the stub, got ${JSON.stringify(json)}`);
    assert.equal(json.publicKey?.id, health.keyId, "publicKey.id is the key id");
    assert.equal(json.publicKey?.owner, gina, "publicKey.owner");
  });

  const follow = await step("g2 the peer follows A; Herd verifies the Follow (stub key) and delivers Accept after a signed GET of the full actor", { needs: [stub] }, async (mark) => {
    const r = await peer("POST", "follow", { actor: actorUrl });
    const acc = await peerReceives("an Accept from Herd", mark, "Accept", (x) => x.actor === actorUrl);
    assert.match(acc.note, /now accepted/, "the peer matched the Accept to its Follow");
    const fetches = await peer("GET", `fetches?since=${mark}`);
    assert.ok(fetches.some((f) => f.served === "key stub"), `Herd fetched the key id; fetches ${JSON.stringify(fetches)}`);
    assert.ok(fetches.some((f) => f.signatureSpec !== "none" && f.served === "full"), `a signed GET served the full actor; fetches ${JSON.stringify(fetches)}`);
    console.log(`     note: the peer served during the step: ${fetches.map((f) => `${f.path} ${f.served} (${f.signatureSpec})`).join(", ")}`);
    return r;
  });

  const post = await step("g3 A posts publicly; the signed-fetch peer gets Create(Note)", { needs: [follow] }, async (mark) => {
    const text = `For the signed-fetch peer (${suffix})`;
    const s = await herd("POST", "/api/v1/statuses", { token, body: { status: text, visibility: "public" } });
    await peerReceives("Create(Note) of A's post", mark, "Create", (r) => stripHtml(r.json?.object?.content).includes(text));
    return s;
  });

  await step("g4 the signed-fetch peer likes A's post; A gets a favourite notification from it", { needs: [post] }, async () => {
    await peer("POST", "like", { object: post.uri, actor: actorUrl });
    await eventually("a favourite notification from the signed-fetch peer", async () => {
      const list = await herd("GET", "/api/v1/notifications?types[]=favourite&limit=40", { token });
      notYet(list.some((x) => x.status?.id === post.id && x.account?.acct === ginaAcct), `favourites: ${JSON.stringify(list.map((x) => [x.account?.acct, x.status?.id]))}`);
      return true;
    });
  });

  const remote = await step("g5 A resolves and follows the signed-fetch peer; its Accept is verified: following", { needs: [stub] }, async () => {
    const r = await herd("GET", `/api/v2/search?q=${encodeURIComponent(gina)}&resolve=true&type=accounts`, { token });
    const acc = r.accounts?.find((a) => a.acct === ginaAcct);
    assert.ok(acc, `an account ${ginaAcct}, got ${JSON.stringify((r.accounts ?? []).map((a) => a.acct))}`);
    await herd("POST", `/api/v1/accounts/${acc.id}/follow`, { token });
    await eventually("relationship following=true", async () => {
      const [rel] = await herd("GET", `/api/v1/accounts/relationships?id[]=${acc.id}`, { token });
      notYet(rel?.following === true, `relationship: ${JSON.stringify(rel)}`);
      return true;
    });
    return acc;
  });

  const ginaPost = await step("g6 the signed-fetch peer posts; the post is in A's home timeline", { needs: [remote] }, async () => {
    const text = `Signed-only hello (${suffix})`;
    const r = await peer("POST", "post", { text });
    return eventually("the peer's post in A's home", async () => {
      const home = await herd("GET", "/api/v1/timelines/home?limit=40", { token });
      const s = home.find((x) => stripHtml(x.content).includes(text));
      notYet(s, `home has ${home.length} statuses, none with the text`);
      assert.equal(s.account.acct, ginaAcct, "account acct");
      assert.equal(s.uri, r.note, "uri");
      return s;
    });
  });

  await step("g7 A favourites the signed-fetch peer's post; the peer gets Like", { needs: [ginaPost] }, async (mark) => {
    await herd("POST", `/api/v1/statuses/${ginaPost.id}/favourite`, { token });
    await peerReceives("a Like from A", mark, "Like", (r) => r.actor === actorUrl && idOf(r.json.object) === ginaPost.uri);
  });

  if (!afHerdUrl) return;
  await authorizedFetchSteps(t, { afHerdUrl, peerUrl, gina, ginaAcct, suffix, me });
}

/** The h steps: the signed-fetch peer and a Herd in authorized-fetch mode. */
async function authorizedFetchSteps(t, { afHerdUrl, peerUrl, ginaAcct, suffix }) {
  const { step, herd, peer, request, eventually, notYet, peerReceives, makeAccount, FAILED } = t;
  t.retarget(afHerdUrl, peerUrl);
  const username = `af_${suffix}`;
  const actorUrl = `${afHerdUrl}/users/${username}`;
  const b = await step("h1 setup: account B on the Herd with authorized fetch; an unsigned GET of B's actor is refused (401)", {}, async () => {
    const acc = await makeAccount(`af-${suffix}`, username);
    const { res } = await request(afHerdUrl, "GET", `/users/${username}`, { accept: "application/activity+json" });
    assert.equal(res.status, 401, "unsigned GET of B's actor");
    return acc;
  });
  if (b === FAILED) return;
  const token = b.token;

  const follow = await step("h2 the signed-fetch peer follows B (signed lookup); Herd verifies it and answers Accept; B's followers list it", {}, async (mark) => {
    const r = await peer("POST", "follow", { actor: actorUrl });
    const acc = await peerReceives("an Accept from the authorized-fetch Herd", mark, "Accept", (x) => x.actor === actorUrl);
    assert.match(acc.note, /now accepted/, "the peer matched the Accept to its Follow");
    await eventually("the peer among B's followers", async () => {
      const list = await herd("GET", `/api/v1/accounts/${b.id}/followers`, { token });
      notYet(list.some((a) => a.acct === ginaAcct), `followers: ${JSON.stringify(list.map((a) => a.acct))}`);
      return true;
    });
    return r;
  });

  const post = await step("h3 B posts publicly; the signed-fetch peer gets Create(Note)", { needs: [follow] }, async (mark) => {
    const text = `From a secure-mode Herd (${suffix})`;
    const s = await herd("POST", "/api/v1/statuses", { token, body: { status: text, visibility: "public" } });
    await peerReceives("Create(Note) of B's post", mark, "Create", (r) => stripHtml(r.json?.object?.content).includes(text));
    return s;
  });

  await step("h4 the signed-fetch peer fetches B's post signed and likes it; B gets a favourite notification", { needs: [post] }, async () => {
    const got = await peer("POST", "lookup", { uri: post.uri });
    assert.equal(got.id, post.uri, "the signed lookup of B's post");
    await peer("POST", "like", { object: post.uri });
    await eventually("a favourite notification on the authorized-fetch Herd", async () => {
      const list = await herd("GET", "/api/v1/notifications?types[]=favourite&limit=40", { token });
      notYet(list.some((x) => x.status?.id === post.id && x.account?.acct === ginaAcct), `favourites: ${JSON.stringify(list.map((x) => [x.account?.acct, x.status?.id]))}`);
      return true;
    });
  });
}
