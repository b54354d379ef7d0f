// The moderation steps of the federation scenario (scenario.mjs runs them last, as they end
// the federation with the peer): Herd's moderator (HERD_MOD_TOKEN, a token with admin:read
// and admin:write; run.sh makes the moderator with `herd admin create-account --admin`
// before the node starts) acts on the Fedify peer, and each side's view is checked.
//
// m1: A reports the peer's account and post with forward=true; the peer gets a Flag.
// m2: A follows the peer again; the peer's public post shows in A's home and in Herd's
//     public timeline (the baseline of m3).
// m3: the moderator silences the peer's account; its next public post reaches A's home
//     (A follows it) but not Herd's public timeline.
// m4: the moderator suspends the peer's domain; the peer's next delivery is refused (403).
// m5: the peer's account reads as suspended (or 404) and its statuses answer 404.

import assert from "node:assert/strict";

const stripHtml = (s) => String(s ?? "").replace(/<[^>]*>/g, "");
const idOf = (x) => (typeof x === "string" ? x : (x?.id ?? x?.href ?? null));
const ids = (x) => (x == null ? [] : Array.isArray(x) ? x : [x]).map(idOf);

/** Runs the m steps with the scenario's helpers `t`; `remote` is the peer's account on
 *  Herd (step e1), `peerPost` a status of the peer that A saw (step e4). */
export async function moderationSteps(t, { modToken, token, actorUrl, peerActor, remote, peerPost, suffix }) {
  const { step, herd, peer, eventually, notYet, peerReceives, HttpFailure, FAILED } = t;
  const mod = { token: modToken };

  await step("m1 A reports the peer's account and post with forward=true; the peer's inbox gets a Flag naming its actor and the post", { needs: [remote, peerPost] }, async (mark) => {
    const comment = `spam from the peer (${suffix})`;
    const rep = await herd("POST", "/api/v1/reports", {
      token,
      body: { account_id: remote.id, status_ids: [peerPost.id], comment, forward: true },
    });
    assert.equal(rep.forwarded, true, "the report says it was forwarded");
    const rec = await peerReceives("a Flag at the peer", mark, "Flag", (r) => ids(r.json?.object).includes(peerActor));
    assert.ok(ids(rec.json.object).includes(peerPost.uri), `the Flag names the reported post, object ${JSON.stringify(rec.json.object)}`);
    assert.ok(stripHtml(rec.json.content).includes(comment), `the Flag carries the comment, content ${JSON.stringify(rec.json.content)}`);
  });

  /** The peer posts publicly and the post shows in A's home timeline; returns the status. */
  const postToHome = async (text) => {
    const r = await peer("POST", "post", { text });
    assert.ok(r.recipients.includes(actorUrl), `the peer delivers to A as a follower, recipients ${JSON.stringify(r.recipients)}`);
    return eventually("the peer's post in A's home timeline", async () => {
      const home = await herd("GET", "/api/v1/timelines/home?limit=40", { token });
      const s = home.find((x) => stripHtml(x.content).includes(text));
      notYet(s, `home has ${home.length} statuses, none with the text`);
      return s;
    });
  };
  const inPublic = async (status) => {
    const list = await herd("GET", "/api/v1/timelines/public?limit=40", mod);
    return list.some((x) => x.id === status.id);
  };

  const before = await step("m2 A follows the peer again; the peer's public post shows in A's home and in Herd's public timeline", { needs: [remote] }, async () => {
    await herd("POST", `/api/v1/accounts/${remote.id}/follow`, { token });
    await eventually("relationship following=true", async () => {
      const [rel] = await herd("GET", `/api/v1/accounts/relationships?id[]=${remote.id}`, { token });
      notYet(rel?.following === true, `relationship: ${JSON.stringify(rel)}`);
      return true;
    });
    const s = await postToHome(`Before moderation (${suffix})`);
    await eventually("the post in the public timeline", async () => {
      notYet(await inPublic(s), "not in the public timeline");
      return true;
    });
    return s;
  });

  const silenced = await step("m3 a moderator silences the peer's account; its next public post reaches A's home (a follower) but not Herd's public timeline", { needs: [before] }, async () => {
    await herd("POST", `/api/v1/admin/accounts/${remote.id}/action`, { ...mod, body: { type: "silence", text: `silenced (${suffix})` } });
    const acct = await herd("GET", `/api/v1/admin/accounts/${remote.id}`, mod);
    assert.equal(acct.silenced, true, "the admin account reads silenced");
    const s = await postToHome(`While silenced (${suffix})`);
    // Herd fans a status out to followers' homes before the public timeline, and one
    // author's statuses one after the other: once a later direct post of the peer has
    // notified A, the fan-out of this one is over, and its absence from public is final.
    const marker = `After the silenced post (${suffix})`;
    await peer("POST", "post", { text: marker, visibility: "direct", mentions: [actorUrl] });
    await eventually("A's mention notification of the peer's later direct post", async () => {
      const list = await herd("GET", "/api/v1/notifications?types[]=mention&limit=40", { token });
      notYet(list.some((x) => stripHtml(x.status?.content).includes(marker)), `mention notifications: ${list.length}`);
      return true;
    });
    assert.equal(await inPublic(s), false, "the silenced account's post is not in the public timeline");
    return s;
  });

  const suspended = await step("m4 a moderator suspends the peer's domain; the peer's next signed delivery to Herd's inbox is refused with 403", { needs: [remote] }, async () => {
    const domain = new URL(peerActor).hostname; // domain blocks name hosts without a port
    await herd("POST", "/api/v1/admin/domain_blocks", { ...mod, body: { domain, severity: "suspend" } });
    const text = `After the suspension (${suffix})`;
    const err = await peer("POST", "post", { text, mentions: [actorUrl] }).then(
      (r) => assert.fail(`the delivery was taken: ${JSON.stringify(r.inboxes)}`),
      (e) => e,
    );
    assert.ok(err instanceof HttpFailure, `the peer reports a failed delivery, got ${err}`);
    assert.equal(err.body?.remoteStatus, 403, `Herd answered 403 (${err.message})`);
    return text;
  });

  await step("m5 after the domain suspension the peer's account reads as suspended (or 404) and its statuses answer 404", { needs: [suspended] }, async () => {
    const { res, json } = await t.request(t.herdUrl(), "GET", `/api/v1/accounts/${remote.id}`, { token });
    assert.ok(res.status === 404 || json?.suspended === true, `GET /api/v1/accounts/${remote.id} -> ${res.status} ${JSON.stringify(json)?.slice(0, 300)}`);
    const gone = [peerPost, before, silenced].filter((s) => s !== FAILED && s?.id);
    await eventually("the peer's statuses gone", async () => {
      for (const s of gone) {
        const r = await t.request(t.herdUrl(), "GET", `/api/v1/statuses/${s.id}`, { token });
        notYet(r.res.status === 404, `GET /api/v1/statuses/${s.id} -> ${r.res.status}`);
      }
      return true;
    });
    const home = await herd("GET", "/api/v1/timelines/home?limit=40", { token });
    assert.ok(!home.some((x) => x.account?.id === remote.id || stripHtml(x.content).includes(suspended)), "none of the peer's posts in A's home");
  });
}
