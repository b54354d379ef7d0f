"""A day in the life of two users, driven through Mastodon.py against $HERD_URL.

Written against the Mastodon API as documented, not against Herd's code: every
assertion here is something a Mastodon.py program relies on. One line per step; the
last line is "mastodonpy: N passed, M failed". Stops at the first failure.

Run: HERD_URL=http://127.0.0.1:PORT ../.tools/venv/bin/python day.py
(tests/clients/run.sh does this for you).
"""

import os
import secrets
import sys
import time
import traceback
from datetime import datetime, timezone

import requests
from mastodon import (
    Mastodon,
    MastodonAPIError,
    MastodonError,
    MastodonIllegalArgumentError,
    MastodonNetworkError,
    MastodonNotFoundError,
)

NAME = "mastodonpy"
REQUEST_TIMEOUT_S = 10  # per HTTP request
POLL_INTERVAL_S = 0.1  # fan-out is asynchronous: poll, never sleep long
POLL_DEADLINE_S = 10.0
SWEEP_POLL_INTERVAL_S = 1.0
POLL_SWEEP_S = 30.0  # a poll's end is found by a sweep every 15 s (with jitter)
OOB = "urn:ietf:wg:oauth:2.0:oob"
SCOPES = ["read", "write", "follow", "push"]
BULK_POSTS = 25
PAGE_LIMIT = 10
MAX_PAGES = 50  # a paginator that has not stopped by then never will

passed = 0


class RecordingSession(requests.Session):
    """Remembers the last HTTP exchange, so that a failure can say which request it
    was and what came back. Mastodon.py takes it as `session`."""

    last = "none"

    def request(self, method, url, *args, **kwargs):
        RecordingSession.last = f"{method} {url}"
        r = super().request(method, url, *args, **kwargs)
        ctype = r.headers.get("Content-Type", "(no Content-Type)")
        RecordingSession.last = f"{method} {r.url} -> {r.status_code} {ctype}"
        return r



class StepFailure(Exception):
    pass


class NotYet(AssertionError):
    """Raised inside eventually() for a condition that may still become true."""


class WaitTimeout(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise AssertionError(msg)


def not_yet(cond, msg):
    if not cond:
        raise NotYet(msg)


def step(name, fn):
    """Runs one step; prints "ok" or the failure and stops the run."""
    global passed
    try:
        result = fn()
    except Exception as err:  # noqa: BLE001 - every failure is reported the same way
        print(f"FAIL {name}")
        print(indent(describe(err)))
        print(indent(f"last request: {RecordingSession.last}"))
        raise StepFailure(name) from err
    passed += 1
    print(f"ok   {passed:2d} {name}", flush=True)
    return result


def eventually(what, fn, wait_s=POLL_DEADLINE_S, every_s=POLL_INTERVAL_S):
    """Calls fn every every_s until it returns something truthy, for at most
    wait_s. NotYet means "not yet"; any other error ends the wait at once."""
    deadline = time.monotonic() + wait_s
    while True:
        last = None
        try:
            r = fn()
            if r:
                return r
        except NotYet as e:
            last = e
        if time.monotonic() >= deadline:
            why = f"; last check: {last}" if last else ""
            raise WaitTimeout(f"timed out after {wait_s:g} s waiting for {what}{why}")
        time.sleep(every_s)


def describe(err):
    if isinstance(err, MastodonNetworkError):
        # Mastodon.py raises this for connection failures, and in create_app() also for
        # a response that is not JSON.
        return f"request to HERD_URL={os.environ.get('HERD_URL')} failed: {err}"
    if isinstance(err, MastodonAPIError) and len(err.args) == 4:
        _, code, reason, msg = err.args
        return f"HTTP {code} {reason}: {msg}"
    if isinstance(err, AssertionError):
        return f"assertion failed: {err}"
    if isinstance(err, WaitTimeout):
        return str(err)
    if isinstance(err, MastodonError):
        return f"{type(err).__name__}: {err}"
    return "".join(traceback.format_exception(err)).rstrip()


def indent(s):
    return "\n".join("     " + line for line in str(s).split("\n"))


def id_key(i):
    """Mastodon ids are strings that sort by (length, then lexical order)."""
    s = str(i)
    return (len(s), s)


def same(x, y):
    return x is not None and y is not None and str(x) == str(y)


def main():
    url = os.environ.get("HERD_URL")
    if not url:
        print("HERD_URL is not set: point it at a running server, e.g. HERD_URL=http://127.0.0.1:8080")
        return False
    base = url.rstrip("/")
    suffix = secrets.token_hex(4)
    users = {
        "a": {"username": f"mpy_a_{suffix}", "password": f"pw-a-{suffix}-long-enough"},
        "b": {"username": f"mpy_b_{suffix}", "password": f"pw-b-{suffix}-long-enough"},
    }
    print(f"{NAME}: day in the life against {base} (users {users['a']['username']}, {users['b']['username']})")

    def client(**kw):
        # version_check_mode="none": Mastodon.py would otherwise read the version from
        # /api/v1/instance and refuse calls it thinks the server is too old for. Herd
        # reports its own version, so the check is off (it is also 2.x's default).
        # ratelimit_method="throw": fail on 429 rather than sleep through a test run.
        return Mastodon(
            api_base_url=base,
            version_check_mode="none",
            ratelimit_method="throw",
            request_timeout=REQUEST_TIMEOUT_S,
            session=RecordingSession(),  # one per client: no shared cookies
            **kw,
        )

    # --- App and accounts -----------------------------------------------------------
    def register_app():
        cid, secret = Mastodon.create_app(
            f"herd-mastodonpy-{suffix}",
            scopes=SCOPES,
            redirect_uris=OOB,
            api_base_url=base,
            request_timeout=REQUEST_TIMEOUT_S,
            session=RecordingSession(),
        )
        check(isinstance(cid, str) and cid, "client_id is a non-empty string")
        check(isinstance(secret, str) and secret, "client_secret is a non-empty string")
        return cid, secret

    client_id, client_secret = step("register an app (POST /api/v1/apps)", register_app)

    def app_token():
        # Mastodon.py runs this grant itself inside create_account(); it is done here
        # too, form-encoded as Mastodon.py sends it, to check the app token on its own.
        try:
            r = RecordingSession().post(
                f"{base}/oauth/token",
                data={
                    "grant_type": "client_credentials",
                    "client_id": client_id,
                    "client_secret": client_secret,
                    "redirect_uri": OOB,
                    "scope": " ".join(SCOPES),
                },
                timeout=REQUEST_TIMEOUT_S,
            )
        except requests.RequestException as e:
            raise MastodonNetworkError(f"Could not complete request: {e}") from e
        check(r.ok, f"POST /oauth/token: HTTP {r.status_code}: {r.text[:300]}")
        token = r.json()
        check(isinstance(token.get("access_token"), str) and token["access_token"], "access_token is set")
        check(str(token.get("token_type", "")).lower() == "bearer", f"token_type is Bearer, got {token.get('token_type')!r}")
        app = client(client_id=client_id, client_secret=client_secret, access_token=token["access_token"])
        info = app.app_verify_credentials()
        check(info.name == f"herd-mastodonpy-{suffix}", f"apps/verify_credentials name, got {info.name!r}")
        return token["access_token"]

    step("app token by client_credentials (POST /oauth/token) and apps/verify_credentials", app_token)

    for key in ("a", "b"):
        u = users[key]

        def register(u=u):
            # create_account() takes a client_credentials token with SCOPES, posts
            # /api/v1/accounts with it, and checks the returned token's scope.
            api = client(client_id=client_id, client_secret=client_secret)
            token = api.create_account(
                u["username"],
                u["password"],
                f"{u['username']}@example.com",
                agreement=True,
                locale="en",
                scopes=SCOPES,
            )
            check(isinstance(token, str) and token, "create_account returns an access token")
            check(api.access_token == token, "the client is now logged in with that token")
            return api

        u["api"] = step(f"register account {key.upper()} (POST /api/v1/accounts)", register)
    a, b = users["a"], users["b"]

    def verify():
        for u in (a, b):
            me = u["api"].account_verify_credentials()
            check(me.username == u["username"], f"username, got {me.username!r}")
            check(me.acct == u["username"], f"acct of a local account is the bare username, got {me.acct!r}")
            check(isinstance(me.get("source"), dict), "verify_credentials returns a CredentialAccount with source")
            u["id"] = str(me.id)
        check(a["id"] != b["id"], "A and B have different ids")

    step("verify_credentials for A and B", verify)

    # --- Follow and post ------------------------------------------------------------
    def follow():
        rel = a["api"].account_follow(b["id"])
        check(same(rel.id, b["id"]), "relationship id is the target account")
        check(rel.following is True, f"follow response: following, got {rel.following!r}")
        rels = a["api"].account_relationships(b["id"])
        check(len(rels) == 1 and same(rels[0].id, b["id"]), "relationships returns B")
        check(rels[0].following is True, "relationships: following")

    step("A follows B; the relationship shows following", follow)

    cw = f"day test {suffix}"
    first_text = f"Hello from B, behind a content warning ({suffix})"

    def post_cw():
        s = b["api"].status_post(first_text, spoiler_text=cw, visibility="public")
        check(same(s.account.id, b["id"]), "author is B")
        check(s.spoiler_text == cw, f"spoiler_text, got {s.spoiler_text!r}")
        check(s.visibility == "public", f"visibility, got {s.visibility!r}")
        check(s.sensitive is True, "a status with a content warning is sensitive")
        check(suffix in s.content, f"content carries the text, got {s.content!r}")
        return s

    post = step("B posts publicly with a content warning", post_cw)

    def home_has_post():
        page = a["api"].timeline_home(limit=40)
        s = next((x for x in page if same(x.id, post.id)), None)
        not_yet(s is not None, "not in the first page of A's home yet")
        check(s.spoiler_text == cw, "spoiler_text in the timeline")
        return True

    step("A's home timeline shows B's post", lambda: eventually("B's post in A's home timeline", home_has_post))

    def do_reply():
        # status_reply() prefixes "@acct " of the author and keeps the CW and visibility.
        s = a["api"].status_reply(post, f"nice one ({suffix})")
        check(same(s.in_reply_to_id, post.id), "in_reply_to_id")
        check(same(s.in_reply_to_account_id, b["id"]), "in_reply_to_account_id")
        check(any(same(m.id, b["id"]) for m in s.mentions), f"mentions include B, got {s.mentions!r}")
        return s

    reply = step("A replies to B's post, mentioning B", do_reply)

    def mention_seen():
        ns = b["api"].notifications(limit=40)
        n = next((x for x in ns if x.type == "mention" and x.get("status") and same(x.status.id, reply.id)), None)
        not_yet(n is not None, f"no mention of the reply yet; types seen: {[x.type for x in ns]}")
        check(same(n.account.id, a["id"]), "the mention is from A")
        return True

    step("B gets a mention notification for the reply", lambda: eventually("a mention notification", mention_seen))

    def favourite():
        s = a["api"].status_favourite(post)
        check(same(s.id, post.id), "returns the favourited status")
        check(s.favourited is True, "favourited")

    step("A favourites B's post", favourite)

    def boost():
        s = a["api"].status_reblog(post)
        check(same(s.account.id, a["id"]), "the boost is A's status")
        check(s.get("reblog") is not None and same(s.reblog.id, post.id), "reblog is B's post")

    step("A boosts B's post", boost)

    def ask_poll():
        limits = b["api"].instance_v2().configuration.polls
        check(limits.max_options >= 2, f"polls.max_options {limits.max_options}")
        poll = b["api"].make_poll(["tea", "coffee"], expires_in=limits.min_expiration)
        s = b["api"].status_post(f"Tea or coffee? ({suffix})", poll=poll, visibility="public")
        check(s.get("poll") is not None, "the status carries its poll")
        check([o.title for o in s.poll.options] == ["tea", "coffee"], "options in order")
        check(s.poll.multiple is False and s.poll.expired is False, "single choice, not ended")
        return s

    question = step("B asks a poll (form-encoded poll[options][])", ask_poll)

    def vote():
        p = a["api"].poll_vote(question.poll.id, [1])
        check(p.voted is True and list(p.own_votes) == [1], f"voted, own_votes {p.own_votes}")
        check([o.votes_count for o in p.options] == [0, 1], f"counts {[o.votes_count for o in p.options]}")
        try:
            a["api"].poll_vote(question.poll.id, [0])
            check(False, "a second vote was accepted")
        except MastodonAPIError as e:
            check(len(e.args) > 1 and e.args[1] == 422, f"a second vote is refused with 422, got {e.args}")
        p = b["api"].poll(question.poll.id)
        check(p.votes_count == 1 and p.voters_count == 1, f"B reads {p.votes_count} votes, {p.voters_count} voters")

    step("A votes; the second vote is refused; B reads the results", vote)

    def post_media():
        here = os.path.dirname(os.path.abspath(__file__))
        path = os.path.join(here, "..", "..", "..", "mediaproc", "testdata", "alpha.png")
        m = b["api"].media_post(path, mime_type="image/png", description=f"dots ({suffix})", focus=(0.25, 0.5))
        check(m.type == "image", f"type {m.type}")
        check(m.get("url") is not None, "processed: url set")
        check(m.description == f"dots ({suffix})", "description")
        m = b["api"].media_update(m, description="dots, described again")
        check(m.description == "dots, described again", "description updated")
        s = b["api"].status_post(f"with an image ({suffix})", media_ids=[m], visibility="public")
        check([x.id for x in s.media_attachments] == [m.id], "media_attachments")
        r = requests.get(m.url, timeout=10)
        check(r.status_code == 200 and r.headers.get("Content-Type") == "image/png", f"file {r.status_code} {r.headers.get('Content-Type')}")

    step("B uploads an image (media_post), describes it again, posts it; the file is served", post_media)

    def all_four():
        ns = b["api"].notifications(limit=40)
        from_a = [n for n in ns if n.get("account") and same(n.account.id, a["id"])]

        def has(kind, status_id=None):
            return any(
                n.type == kind and (status_id is None or (n.get("status") and same(n.status.id, status_id)))
                for n in from_a
            )

        missing = [k for k, sid in (("follow", None), ("mention", reply.id), ("favourite", post.id), ("reblog", post.id)) if not has(k, sid)]
        not_yet(not missing, f"missing {missing}; seen {[n.type for n in ns]}")
        return True

    step("B's notifications have follow, mention, favourite and reblog from A", lambda: eventually("all four notification types", all_four))

    # --- Paging ---------------------------------------------------------------------
    def bulk_posts():
        ids = []
        for i in range(BULK_POSTS):
            s = b["api"].status_post(f"bulk {i} ({suffix})", visibility="public")
            ids.append(str(s.id))
        check(len(set(ids)) == BULK_POSTS, "every post has its own id")
        return ids

    bulk = step(f"B posts {BULK_POSTS} statuses", bulk_posts)

    def page_home():
        seen = []
        pages = 0
        page = a["api"].timeline_home(limit=PAGE_LIMIT)
        while page is not None:
            pages += 1
            check(pages <= MAX_PAGES, f"fetch_next did not stop after {MAX_PAGES} pages")
            check(len(page) <= PAGE_LIMIT, f"page {pages} has {len(page)} > {PAGE_LIMIT} statuses")
            for s in page:
                # Problems that waiting cannot fix fail at once; only missing posts mean "not yet".
                check(str(s.id) not in seen, f"status {s.id} comes again on page {pages} (Link rel=\"next\" does not advance?)")
                seen.append(str(s.id))
            # fetch_next follows the max_id of the Link header's rel="next"; None when absent.
            page = a["api"].fetch_next(page)
        for x, y in zip(seen, seen[1:]):
            check(id_key(x) > id_key(y), f"home is not newest first: {x} comes before {y}")
        missing = [i for i in bulk if i not in seen]
        not_yet(not missing, f"{len(missing)} of B's posts not seen yet ({pages} pages)")
        check(pages >= 3, f"{len(seen)} statuses came in {pages} pages of at most {PAGE_LIMIT}")
        positions = [seen.index(i) for i in bulk]
        for n, (older, newer) in enumerate(zip(positions, positions[1:]), start=1):
            check(newer < older, f"B's post #{n} is not above post #{n - 1} in the timeline")
        return True

    step(
        f'A pages home with limit {PAGE_LIMIT} by Link rel="next": each of B\'s posts once, newest first',
        lambda: eventually(f"all {BULK_POSTS} posts in A's home", page_home),
    )

    # --- Thread, edit, delete -------------------------------------------------------
    def context():
        ctx = b["api"].status_context(post)
        check(list(ctx.ancestors) == [], "no ancestors")
        ids = [str(s.id) for s in ctx.descendants]
        check(str(reply.id) in ids, f"descendants {ids} lack {reply.id}")

    step("context of B's post has A's reply as a descendant", context)

    edited_text = f"Edited by B ({suffix})"

    def edit():
        s = b["api"].status_update(post, edited_text, spoiler_text=cw)
        check(same(s.id, post.id), "same status id")
        check("Edited by B" in s.content, f"content is the new text, got {s.content!r}")
        check(s.get("edited_at") is not None, "edited_at is set")

    step("B edits the post (PUT /api/v1/statuses/:id)", edit)

    def history():
        h = b["api"].status_history(post)
        check(len(h) == 2, f"two versions, got {len(h)}")
        check("Hello from B" in h[0].content, "first entry is the original")
        check("Edited by B" in h[1].content, "second entry is the edit")

    step("history has 2 entries, original first", history)

    def source():
        src = b["api"].status_source(post)
        check(same(src.id, post.id), "source id")
        check(src.text == edited_text, f"source text, got {src.text!r}")
        check(src.spoiler_text == cw, f"source spoiler_text, got {src.spoiler_text!r}")

    step("source returns the plain text", source)

    def delete():
        s = b["api"].status_delete(post)
        check(same(s.id, post.id), "returns the deleted status")
        check(s.get("text") == edited_text, f"text for delete-and-redraft, got {s.get('text')!r}")

    step("B deletes the post; the response carries its text", delete)

    def gone():
        try:
            b["api"].status(post)
        except MastodonNotFoundError:
            return
        raise AssertionError("GET /api/v1/statuses/:id after delete should fail with 404")

    step("the deleted status is 404", gone)

    def poll_ended():
        lasts = b["api"].instance_v2().configuration.polls.min_expiration
        # Waiting for the sweep at the usual pace would spend the tokens' rate limit
        # (300 requests in 5 minutes): sleep until the poll ends, then ask every second.
        ends = question.poll.expires_at
        if ends.tzinfo is None:
            ends = ends.replace(tzinfo=timezone.utc)
        time.sleep(max(0.0, (ends - datetime.now(timezone.utc)).total_seconds()))
        for who, u in (("A", a), ("B", b)):

            def notified(u=u):
                ns = u["api"].notifications(limit=40)
                found = [n for n in ns if n.type == "poll" and n.get("status") and same(n.status.id, question.id)]
                not_yet(found, "no poll notification yet")
                return found[0]

            n = eventually(f"{who}'s poll notification", notified, lasts + POLL_SWEEP_S, SWEEP_POLL_INTERVAL_S)
            check(n.status.poll.expired is True, "the poll is shown ended")
            counts = [o.votes_count for o in n.status.poll.options]
            check(counts == [0, 1], f"the final counts {counts}")

    step("the poll ends: its voter A and its author B are notified (poll), with the final counts", poll_ended)
    return True


def run():
    ok = False
    try:
        ok = main()
    except StepFailure:
        pass
    except Exception as err:  # noqa: BLE001
        print("FAIL (outside a step)")
        print(indent(describe(err)))
    print(f"{NAME}: {passed} passed, {0 if ok else 1} failed", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(run())
