"""Flows beyond the day in the life, driven through Mastodon.py against $HERD_URL: a
list and its timeline, a hiding and a warning filter seen in home and on the streaming
user stream (server-sent events), a direct conversation, a scheduled status (list,
update, cancel), grouped notifications (GET /api/v2/notifications) and follow
suggestions. Three accounts: A follows B; B and C favourite A's post; B follows C.

Written against the Mastodon API as documented, not against Herd's code. One line per
step; the last line is "mastodonpy-flows: N passed, M failed". Stops at the first
failure and always closes its stream. The step machinery is day.py's.

Run: HERD_URL=http://127.0.0.1:PORT ../.tools/venv/bin/python flows.py
(tests/clients/run.sh does this for you).
"""

import os
import secrets
import sys
import threading
import time
from datetime import datetime, timedelta, timezone

import day
from day import RecordingSession, StepFailure, check, eventually, not_yet, same, step
from mastodon import Mastodon, MastodonAPIError, MastodonNotFoundError, StreamListener

NAME = "mastodonpy-flows"
STREAM_WAIT_S = 5.0  # deadline of a wait for a streamed event
PROBE_WAIT_S = 1.5  # a probe that has not arrived by then is sent again
PROBES = 3


class Recorder(StreamListener):
    """Keeps every status that arrives as update, and any stream error."""

    def __init__(self):
        super().__init__()
        self.updates = []
        self.errors = []
        self.cond = threading.Condition()

    def on_update(self, status):
        with self.cond:
            self.updates.append(status)
            self.cond.notify_all()

    def on_abort(self, err):
        with self.cond:
            self.errors.append(err)
            self.cond.notify_all()

    def find(self, what, status_id, wait_s=STREAM_WAIT_S):
        deadline = time.monotonic() + wait_s
        with self.cond:
            while True:
                s = next((x for x in self.updates if same(x.id, status_id)), None)
                if s is not None:
                    return s
                check(not self.errors, f"the user stream failed waiting for {what}: {self.errors}")
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = ", ".join(str(x.id) for x in self.updates) or "nothing"
                    raise day.WaitTimeout(f"timed out after {wait_s:g} s waiting for {what}; it received: {seen}")
                self.cond.wait(left)


def main(handles):
    url = os.environ.get("HERD_URL")
    if not url:
        print("HERD_URL is not set: point it at a running server, e.g. HERD_URL=http://127.0.0.1:8080")
        return False
    base = url.rstrip("/")
    suffix = secrets.token_hex(4)
    users = {k: {"username": f"mpy_f{k}_{suffix}", "password": f"pw-{k}-{suffix}-long-enough"} for k in "abc"}
    names = ", ".join(u["username"] for u in users.values())
    print(f"{NAME}: flows against {base} (users {names})")

    def client(**kw):
        # As in day.py: no version checks, fail on 429 rather than sleep.
        return Mastodon(
            api_base_url=base,
            version_check_mode="none",
            ratelimit_method="throw",
            request_timeout=day.REQUEST_TIMEOUT_S,
            session=RecordingSession(),
            **kw,
        )

    # --- App and accounts -----------------------------------------------------------
    def register():
        cid, secret = Mastodon.create_app(
            f"herd-mastodonpy-flows-{suffix}",
            scopes=day.SCOPES,
            redirect_uris=day.OOB,
            api_base_url=base,
            request_timeout=day.REQUEST_TIMEOUT_S,
            session=RecordingSession(),
        )
        for u in users.values():
            api = client(client_id=cid, client_secret=secret)
            token = api.create_account(
                u["username"], u["password"], f"{u['username']}@example.com",
                agreement=True, locale="en", scopes=day.SCOPES,
            )
            check(isinstance(token, str) and token, "create_account returns an access token")
            me = api.account_verify_credentials()
            check(me.username == u["username"], f"username, got {me.username!r}")
            u["api"], u["id"] = api, str(me.id)

    step("register an app and accounts A, B and C (create_app, create_account)", register)
    a, b, c = users["a"], users["b"], users["c"]

    def follow():
        rel = a["api"].account_follow(b["id"])
        check(rel.following is True, f"following, got {rel.following!r}")

    step("A follows B", follow)

    # --- A list -----------------------------------------------------------------------
    def make_list():
        lst = a["api"].list_create(f"friends {suffix}")
        check(lst.title == f"friends {suffix}", f"title, got {lst.title!r}")
        a["api"].list_accounts_add(lst.id, [b["id"]])
        members = a["api"].list_accounts(lst.id)
        check([str(m.id) for m in members] == [b["id"]], f"the list's members, got {[m.id for m in members]}")
        check(any(same(x.id, lst.id) for x in a["api"].lists()), "lists() names the list")
        return lst

    lst = step("A creates a list and adds B (list_create, list_accounts_add, list_accounts)", make_list)

    def list_timeline():
        s = b["api"].status_post(f"for the list ({suffix})", visibility="public")

        def shown():
            page = a["api"].timeline_list(lst.id, limit=40)
            not_yet(any(same(x.id, s.id) for x in page), "B's post is not in the list timeline yet")
            return True

        eventually("B's post in A's list timeline", shown)

    step("B posts; A's list timeline shows it (timeline_list)", list_timeline)

    # --- Filters, in home and on the streaming user stream ---------------------------
    rec = Recorder()

    def open_stream():
        handles.append(a["api"].stream_user(rec, run_async=True))
        # Nothing acknowledges a stream: A posts until one of its probes arrives.
        last = None
        for i in range(PROBES):
            s = a["api"].status_post(f"probe {i} ({suffix})", visibility="public")
            try:
                return rec.find("A's probe", s.id, PROBE_WAIT_S)
            except day.WaitTimeout as e:
                last = e
        raise day.WaitTimeout(f"none of {PROBES} probes arrived; last: {last}")

    step("A streams user (stream_user, server-sent events); A's own post arrives", open_stream)

    def make_filters():
        hide = a["api"].create_filter_v2(
            f"hide {suffix}", ["home"], "hide", keywords_attributes=[{"keyword": "rutabaga", "whole_word": True}]
        )
        warn = a["api"].create_filter_v2(
            f"warn {suffix}", ["home"], "warn", keywords_attributes=[{"keyword": "parsnip", "whole_word": False}]
        )
        check(hide.filter_action == "hide", f"filter_action, got {hide.filter_action!r}")
        check(warn.filter_action == "warn", f"filter_action, got {warn.filter_action!r}")
        ids = {str(f.id) for f in a["api"].filters_v2()}
        check({str(hide.id), str(warn.id)} <= ids, "filters_v2() names both")
        hidden = b["api"].status_post(f"a rutabaga stew ({suffix})", visibility="public")
        warned = b["api"].status_post(f"some parsnips ({suffix})", visibility="public")
        plain = b["api"].status_post(f"plain soup ({suffix})", visibility="public")
        return hide, warn, hidden, warned, plain

    hide, warn, hidden, warned, plain = step(
        "A creates a hiding and a warning filter (create_filter_v2); B posts one for each and a plain one", make_filters
    )

    def check_warned(w, where):
        check(w is not None, f"the warned post is in {where}")
        results = w.get("filtered") or []
        check(len(results) == 1, f"the warned post carries one filter result in {where}, got {results!r}")
        check(same(results[0].filter.id, warn.id), f"the warn filter in {where}")
        check(results[0].keyword_matches == ["parsnip"], f"keyword_matches in {where}, got {results[0].keyword_matches!r}")

    def home_filtered():
        page = a["api"].timeline_home(limit=40)
        not_yet(any(same(x.id, plain.id) for x in page), "B's plain post is not in A's home yet")
        check(not any(same(x.id, hidden.id) for x in page), "the hidden post is not in A's home")
        check_warned(next((x for x in page if same(x.id, warned.id)), None), "home")
        p = next(x for x in page if same(x.id, plain.id))
        check(not p.get("filtered"), "the plain post carries no filter")
        return True

    step(
        "A's home: the hidden post is absent, the warned one carries filtered",
        lambda: eventually("B's posts in A's home", home_filtered),
    )

    def stream_filtered():
        p = rec.find("B's plain post", plain.id)
        check(not p.get("filtered"), "the plain post carries no filter")
        # The three were posted in order: once the last arrived, the others would have too.
        check_warned(rec.find("B's warned post", warned.id, 0), "the user stream")
        check(not any(same(x.id, hidden.id) for x in rec.updates), "the hidden post is not on the user stream")
        check(not rec.errors, f"no stream errors, got {rec.errors}")
        a["api"].delete_filter_v2(hide.id)
        a["api"].delete_filter_v2(warn.id)

    step("A's user stream: the hidden post never comes, the warned one carries filtered", stream_filtered)

    # --- A direct conversation ------------------------------------------------------
    def conversation():
        dm = b["api"].status_post(f"@{a['username']} just between us ({suffix})", visibility="direct")
        check(dm.visibility == "direct", f"visibility, got {dm.visibility!r}")

        def listed():
            found = next((x for x in a["api"].conversations(limit=20) if x.last_status and same(x.last_status.id, dm.id)), None)
            not_yet(found is not None, "no conversation with B's direct status yet")
            return found

        conv = eventually("the conversation in A's list", listed)
        check(conv.unread is True, "a new conversation is unread")
        check([str(x.id) for x in conv.accounts] == [b["id"]], "the other participant is B")
        read = a["api"].conversations_read(conv.id)
        check(same(read.id, conv.id) and read.unread is False, f"conversations_read: unread is false, got {read.unread!r}")
        again = next((x for x in a["api"].conversations(limit=20) if same(x.id, conv.id)), None)
        check(again is not None and again.unread is False, "the list shows it read")

    step("B writes to A directly; A's conversations show it unread; A marks it read", conversation)

    # --- A scheduled status (not waited for: publishing needs at least 5 minutes) ------
    def scheduled():
        at = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(hours=1)
        sch = a["api"].status_post(f"later ({suffix})", visibility="public", scheduled_at=at)
        check(sch.get("scheduled_at") == at, f"a ScheduledStatus at the time asked for, got {sch.get('scheduled_at')!r}")
        check(sch.params.text == f"later ({suffix})", f"params.text, got {sch.params.text!r}")
        check([str(x.id) for x in a["api"].scheduled_statuses()] == [str(sch.id)], "scheduled_statuses() lists it")
        later = at + timedelta(hours=1)
        moved = a["api"].scheduled_status_update(sch.id, later)
        check(moved.scheduled_at == later, f"update moves scheduled_at, got {moved.scheduled_at!r}")
        check(a["api"].scheduled_status(sch.id).scheduled_at == later, "scheduled_status shows the new time")
        try:
            a["api"].scheduled_status_update(sch.id, datetime.now(timezone.utc) + timedelta(minutes=1))
            check(False, "a time less than 5 minutes ahead is refused")
        except MastodonAPIError as e:
            check(e.args[1] == 422, f"a time less than 5 minutes ahead is a 422, got {e.args[1]}")
        a["api"].scheduled_status_delete(sch.id)
        check(len(a["api"].scheduled_statuses()) == 0, "the list is empty after cancelling")
        try:
            a["api"].scheduled_status(sch.id)
            check(False, "a cancelled scheduled status is gone")
        except MastodonNotFoundError:
            pass

    step("A schedules a status an hour ahead, lists, reschedules and cancels it", scheduled)

    # --- Grouped notifications --------------------------------------------------------
    def grouped():
        post = a["api"].status_post(f"favourite me ({suffix})", visibility="public")
        b["api"].status_favourite(post.id)
        c["api"].status_favourite(post.id)

        def group():
            res = a["api"].grouped_notifications(limit=40)
            groups = [g for g in res.notification_groups if g.type == "favourite" and same(g.status_id, post.id)]
            not_yet(len(groups) == 1 and groups[0].notifications_count == 2, f"favourite groups: {groups!r}")
            g = groups[0]
            check(sorted(str(x) for x in g.sample_account_ids) == sorted([b["id"], c["id"]]), "sample_account_ids are B and C")
            check(any(same(x.id, post.id) for x in res.statuses), "statuses include the post")
            one = a["api"].grouped_notification(g.group_key)
            check(one.notification_groups[0].notifications_count == 2, "grouped_notification(group_key)")
            return True

        eventually("a favourite group of 2", group)

    step("B and C favourite A's post: grouped_notifications has one group of 2", grouped)

    # --- Search -------------------------------------------------------------------------
    def search():
        word, tag = f"quokka{suffix}", f"marsupial{suffix}"
        post = b["api"].status_post(f"a {word} smiles #{tag}", visibility="public")

        def found():
            by_word = a["api"].search_v2(word, result_type="statuses")
            not_yet(any(same(x.id, post.id) for x in by_word.statuses), f"statuses for {word}: {[x.id for x in by_word.statuses]}")
            by_name = a["api"].search_v2(b["username"], result_type="accounts")
            not_yet(any(same(x.id, b["id"]) for x in by_name.accounts), f"accounts for {b['username']}: {[x.acct for x in by_name.accounts]}")
            # Mastodon.py asks for exclude_unreviewed: a tag no moderator reviewed is found by its whole name only.
            by_tag = a["api"].search_v2(f"#{tag}", result_type="hashtags")
            not_yet(any(h.name == tag for h in by_tag.hashtags), f"hashtags for #{tag}: {[h.name for h in by_tag.hashtags]}")
            prefix = a["api"].search_v2(f"#{tag[:-2]}", result_type="hashtags")
            check(not prefix.hashtags, f"an unreviewed tag found by a prefix with exclude_unreviewed: {[h.name for h in prefix.hashtags]}")
            return True

        eventually("the post, the account and the tag indexed", found)

    step("A searches (search_v2): B's post by a word in it, B by name, its hashtag by name", search)

    # --- Follow suggestions -------------------------------------------------------------
    def suggestions():
        b["api"].account_follow(c["id"])
        sugs = a["api"].suggestions_v2()
        mine = [x for x in sugs if same(x.account.id, c["id"])]
        check(len(mine) == 1 and "friends_of_friends" in mine[0].sources,
              f"suggestions_v2 names C, followed by B, as a friend of a friend: {[(str(x.account.id), x.sources) for x in sugs]!r}")
        check(not any(same(x.account.id, b["id"]) for x in sugs), "B, already followed, is not suggested")
        a["api"].suggestion_delete(c["id"])
        check(not any(same(x.id, c["id"]) for x in a["api"].suggestions_v1()), "C is gone after suggestion_delete")

    step("B follows C: A's suggestions (v2) name C; A dismisses C (suggestion_delete)", suggestions)
    return True


def run():
    ok = False
    handles = []
    try:
        ok = main(handles)
    except StepFailure:
        pass
    except Exception as err:  # noqa: BLE001
        print("FAIL (outside a step)")
        print(day.indent(day.describe(err)))
    finally:
        for h in handles:
            h.close()
    print(f"{NAME}: {day.passed} passed, {0 if ok else 1} failed", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(run())
