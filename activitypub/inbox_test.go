package activitypub_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/datadriven"

	"github.com/herd-social/herd/activitypub"
	"github.com/herd-social/herd/testrig"
	"github.com/herd-social/herd/text"
)

// TestInboxData runs testdata/inbox: activities from a remote actor, mallory, signed
// and delivered to the shared inbox of one node, and the state they leave there.
// Commands:
//
//	register NAME             a local account
//	post NAME KEY [visibility=V] [poll=(A,B…)] [quote_policy=P]
//	                          NAME publishes the input (with a poll of options A,
//	                          B… that ends in an hour); $KEY then names the status
//	follow NAME mallory       NAME follows mallory through the API
//	deliver                   the input, an activity, signed by mallory and delivered;
//	                          "@context" is added when missing
//	home NAME                 NAME's home timeline, newest first
//	statuses ACCT [as=NAME]   an account's statuses as NAME (default: anonymous)
//	status KEY as=NAME        one status with its counts
//	poll KEY as=NAME          a status's poll: open or ended, counts, NAME's votes
//	vote NAME KEY CHOICE...   NAME votes on the poll of a status through the API
//	history KEY as=NAME       a status's edit history, oldest first
//	relationship NAME mallory the flags of NAME's relationship that are set
//	notifications NAME        NAME's notifications, newest first
//	dead-letters              the activities the inbox set aside
//	sent [sorted]             the activities mallory's inbox received, in order (sorted:
//	                          in alphabetical order, for those sent apart at once)
//
// In inputs, $mallory is mallory's actor id, $remote her host, $alpha the node's host,
// $public the public collection, $NAME a local actor and $KEY a local status, $later
// an instant an hour after the start, $soon one a second after the delivery and $past
// one a second before it; outputs name them the same way. The inbox applies activities
// asynchronously: every command that prints state retries until it prints the expected
// output or Wait passes, and then reports what it last printed. Activities of one actor
// are applied in order, so a case shows that an activity was dropped by printing the
// effect of a later one.
func TestInboxData(t *testing.T) { runInboxData(t, "testdata/inbox") }

// TestPollData runs testdata/polls on the same commands: polls asked by mallory and
// voted on here, and asked here and voted on by mallory.
func TestPollData(t *testing.T) { runInboxData(t, "testdata/polls") }

func runInboxData(t *testing.T, path string) {
	c := testrig.New(t, testrig.Host(t, "alpha"))
	remote := newFakeRemote(t, "remote")
	remote.actor["followers"] = remote.actorID() + "/followers"
	r := &inboxRig{t: t, c: c, remote: remote, users: map[string]*testrig.User{}, names: map[string]string{
		"$mallory": remote.actorID(), "$remote": remote.domain, "$alpha": c.Nodes[0].Config().Domain,
		"$public": "https://www.w3.org/ns/activitystreams#Public",
		"$later":  time.Now().Add(time.Hour).UTC().Format(time.RFC3339)}, local: map[string]string{}}
	pemText, _ := json.Marshal(remote.actor["publicKey"].(map[string]any)["publicKeyPem"])
	r.names["$pem"] = strings.Trim(string(pemText), `"`)
	datadriven.RunTest(t, path, func(t *testing.T, d *datadriven.TestData) string {
		if out, ok := r.act(t, d); ok {
			return out
		}
		dump := r.dump(t, d)
		return d.RetryFor(t, testrig.Wait(), func() string { return r.out(dump()) })
	})
}

// inboxRig is the node, the remote actor and the names of the scenario.
type inboxRig struct {
	t      *testing.T
	c      *testrig.Cluster
	remote *fakeRemote
	users  map[string]*testrig.User
	names  map[string]string // $name → what it stands for
	local  map[string]string // $KEY of a local status → its id
}

// act runs the commands that change state, and reports false for the others.
func (r *inboxRig) act(t *testing.T, d *datadriven.TestData) (string, bool) {
	switch d.Cmd {
	case "register":
		name := arg(t, d, 0)
		r.users[name] = r.c.Register(name)
		r.names["$"+name] = "http://" + r.names["$alpha"] + "/users/" + name
		return "ok", true
	case "post":
		u, key := r.user(t, d, arg(t, d, 0)), arg(t, d, 1)
		vis := "public"
		d.MaybeScanArgs(t, "visibility", &vis)
		form := url.Values{"status": {d.Input}, "visibility": {vis}}
		var policy string
		if d.MaybeScanArgs(t, "quote_policy", &policy) {
			form["quote_approval_policy"] = []string{policy}
		}
		for _, a := range d.CmdArgs {
			if a.Key == "poll" {
				form["poll[options][]"], form["poll[expires_in]"] = a.Vals, []string{"3600"}
			}
		}
		var st testrig.Status
		r.c.Must(u.Do("POST", "/api/v1/statuses", form), 200).JSON(t, &st)
		r.names["$"+key] = st.URI
		r.local["$"+key] = st.ID
		return "ok", true
	case "follow":
		u := r.user(t, d, arg(t, d, 0))
		u.Relate(r.accountID(t, d, arg(t, d, 1), u), "follow")
		return "ok", true
	case "vote":
		u := r.user(t, d, arg(t, d, 0))
		st, err := r.find(t, u, arg(t, d, 1))
		if err != nil {
			return err.Error(), true
		}
		var choices []string
		for _, a := range d.CmdArgs[2:] {
			choices = append(choices, a.Key)
		}
		resp := u.Do("POST", "/api/v1/polls/"+st.ID+"/votes", url.Values{"choices[]": choices})
		if resp.Code != 200 {
			return fmt.Sprintf("%d %s", resp.Code, resp.Body), true
		}
		return "ok", true
	case "deliver":
		r.names["$soon"] = time.Now().Add(time.Second).UTC().Format(time.RFC3339)
		r.names["$past"] = time.Now().Add(-time.Second).UTC().Format(time.RFC3339)
		var act map[string]any
		if err := json.Unmarshal([]byte(r.in(d.Input)), &act); err != nil {
			d.Fatalf(t, "activity: %v", err)
		}
		if _, ok := act["@context"]; !ok {
			act["@context"] = "https://www.w3.org/ns/activitystreams"
		}
		keyID := r.remote.actorID() + "#main-key"
		if d.MaybeScanArgs(t, "key", &keyID) {
			keyID = r.in(keyID)
		}
		r.remote.postKey(t, r.c, act, keyID)
		return "accepted", true
	}
	return r.actPeer(t, d)
}

// dump returns the function that prints the state a command asks for.
func (r *inboxRig) dump(t *testing.T, d *datadriven.TestData) func() string {
	var as *testrig.User
	var viewer string
	if d.MaybeScanArgs(t, "as", &viewer) {
		as = r.user(t, d, viewer)
	}
	switch d.Cmd {
	case "home":
		u := r.user(t, d, arg(t, d, 0))
		return func() string { return statusLines(u.Home(nil)) }
	case "statuses":
		id := r.accountID(t, d, arg(t, d, 0), as)
		return func() string {
			var l []testrig.Status
			r.c.Must(r.c.Do("GET", "/api/v1/accounts/"+id+"/statuses", token(as), nil), 200).JSON(t, &l)
			return statusLines(l)
		}
	case "status":
		return func() string {
			st, err := r.find(t, as, arg(t, d, 0))
			if err != nil {
				return err.Error()
			}
			return statusLine(st) + fmt.Sprintf(" (favourites %d, boosts %d)", st.FavouritesCount, st.ReblogsCount)
		}
	case "poll":
		return func() string {
			st, err := r.find(t, as, arg(t, d, 0))
			if err != nil || st.Poll == nil {
				return fmt.Sprintf("no poll (%v)", err)
			}
			state := "open"
			if st.Poll.Expired {
				state = "ended"
			}
			line := state + ": " + st.Poll.Counts()
			if st.Poll.Voted != nil && *st.Poll.Voted {
				line += fmt.Sprintf(", voted %v", st.Poll.OwnVotes)
			}
			return line
		}
	case "history":
		return func() string {
			st, err := r.find(t, as, arg(t, d, 0))
			if err != nil {
				return err.Error()
			}
			var l []testrig.Status
			r.c.Must(as.Do("GET", "/api/v1/statuses/"+st.ID+"/history", nil), 200).JSON(t, &l)
			var out []string
			for _, v := range l {
				out = append(out, text.PlainText(v.Content))
			}
			return lines(out)
		}
	case "relationship":
		u := r.user(t, d, arg(t, d, 0))
		id := r.accountID(t, d, arg(t, d, 1), u)
		return func() string { return relationFlags(u.Relationship(id)) }
	case "notifications":
		u := r.user(t, d, arg(t, d, 0))
		var q url.Values
		if d.HasArg("include_filtered") { // with those a notification policy filtered
			q = url.Values{"include_filtered": {"true"}}
		}
		return func() string {
			var out []string
			for _, n := range u.Notifications(q) {
				line := n.Type + " by " + n.Account.Acct
				if n.Status != nil {
					line += " on " + n.Status.URI
				}
				out = append(out, line)
			}
			return lines(out)
		}
	case "dead-letters":
		return func() string {
			letters, err := r.c.Nodes[0].AdminDeadLetters(context.Background(), activitypub.InboxGroup, 0)
			if err != nil {
				return err.Error()
			}
			var out []string
			for _, l := range letters {
				var act struct{ ID, Type string }
				json.Unmarshal(l.Value, &act)
				out = append(out, act.Type+" "+act.ID+": "+l.Err)
			}
			return lines(out)
		}
	case "sent":
		return func() string {
			var out []string
			for _, body := range r.remote.received() {
				var act struct {
					Type       string
					Actor      string
					Object     json.RawMessage
					Instrument json.RawMessage
					Result     string
				}
				json.Unmarshal(body, &act)
				line := act.Type + " by " + act.Actor + " of " + summary(act.Object)
				if len(act.Instrument) > 0 { // a QuoteRequest's quoting post
					line += " for " + summary(act.Instrument)
				}
				if act.Result != "" { // an Accept's QuoteAuthorization
					line += " with " + act.Result
				}
				out = append(out, stampID.ReplaceAllString(line, "${1}ID"))
			}
			if d.HasArg("sorted") {
				sort.Strings(out)
			}
			return lines(out)
		}
	}
	if f := r.dumpRendered(t, d, as); f != nil {
		return f
	}
	d.Fatalf(t, "unknown command %q", d.Cmd)
	return nil
}

// find reads a status by its $KEY as the user: a local one by its id, a remote one
// through search.
func (r *inboxRig) find(t *testing.T, as *testrig.User, key string) (testrig.Status, error) {
	if id, ok := r.local[key]; ok {
		return as.Status(id), nil
	}
	uri := r.in(key)
	var res struct{ Statuses []testrig.Status }
	r.c.Must(as.Do("GET", "/api/v2/search", url.Values{"q": {uri}, "type": {"statuses"}}), 200).JSON(t, &res)
	if len(res.Statuses) != 1 {
		return testrig.Status{}, fmt.Errorf("search for %s found %d statuses", key, len(res.Statuses))
	}
	return res.Statuses[0], nil
}

func (r *inboxRig) user(t *testing.T, d *datadriven.TestData, name string) *testrig.User {
	u, ok := r.users[name]
	if !ok {
		d.Fatalf(t, "no local account %q", name)
	}
	return u
}

// accountID looks up a local account or mallory, as the user (nil: anonymously).
func (r *inboxRig) accountID(t *testing.T, d *datadriven.TestData, name string, as *testrig.User) string {
	acct := name
	if name == "mallory" {
		acct = "mallory@" + r.remote.domain
	}
	var a testrig.Account
	r.c.Must(r.c.Do("GET", "/api/v1/accounts/lookup", token(as), url.Values{"acct": {acct}}), 200).JSON(t, &a)
	return a.ID
}

// in replaces the $names of an input by what they stand for.
func (r *inboxRig) in(s string) string { return r.replacer(false).Replace(s) }

// out replaces what the $names stand for by the names.
func (r *inboxRig) out(s string) string { return r.replacer(true).Replace(s) }

func (r *inboxRig) replacer(reverse bool) *strings.Replacer {
	type pair struct{ name, value string }
	var pairs []pair
	for n, v := range r.names {
		pairs = append(pairs, pair{n, v})
	}
	// The longest first, so that a status's URI wins over its author's.
	key := func(p pair) string {
		if reverse {
			return p.value
		}
		return p.name
	}
	sort.Slice(pairs, func(i, j int) bool {
		if len(key(pairs[i])) != len(key(pairs[j])) {
			return len(key(pairs[i])) > len(key(pairs[j]))
		}
		return key(pairs[i]) < key(pairs[j])
	})
	var args []string
	for _, p := range pairs {
		if reverse {
			args = append(args, p.value, p.name)
		} else {
			args = append(args, p.name, p.value)
		}
	}
	return strings.NewReplacer(args...)
}

func token(u *testrig.User) string {
	if u == nil {
		return ""
	}
	return u.Token
}

func arg(t *testing.T, d *datadriven.TestData, i int) string {
	if i >= len(d.CmdArgs) {
		d.Fatalf(t, "%s: missing argument %d", d.Cmd, i+1)
	}
	return d.CmdArgs[i].Key
}

// statusLine is a status as "URI visibility by ACCT: text", a boost as
// "boost by ACCT of URI".
func statusLine(s testrig.Status) string {
	if s.Reblog != nil {
		return "boost by " + s.Account.Acct + " of " + s.Reblog.URI
	}
	line := s.URI + " " + s.Visibility + " by " + s.Account.Acct + ": " + text.PlainText(s.Content)
	if s.EditedAt != nil {
		line += " (edited)"
	}
	return line
}

func statusLines(l []testrig.Status) string {
	out := make([]string, len(l))
	for i, s := range l {
		out[i] = statusLine(s)
	}
	return lines(out)
}

// relationFlags lists the flags of a relationship that are set.
func relationFlags(rel testrig.Relationship) string {
	var out []string
	for _, f := range []struct {
		name string
		set  bool
	}{{"following", rel.Following}, {"followed_by", rel.FollowedBy}, {"requested", rel.Requested},
		{"blocking", rel.Blocking}, {"blocked_by", rel.BlockedBy}, {"muting", rel.Muting}} {
		if f.set {
			out = append(out, f.name)
		}
	}
	if len(out) == 0 {
		return "(none)"
	}
	return strings.Join(out, " ")
}

// summary is an activity's object: its id, or "TYPE by ACTOR of OBJECT" when it is
// an activity itself.
func summary(raw json.RawMessage) string {
	var id string
	if json.Unmarshal(raw, &id) == nil {
		return id
	}
	var o struct {
		ID, Type, Actor, Name, InReplyTo string
		Object                           json.RawMessage
	}
	json.Unmarshal(raw, &o)
	if o.Name != "" && o.InReplyTo != "" {
		return "(vote " + o.Name + " on " + o.InReplyTo + ")"
	}
	if o.Actor == "" {
		return o.ID
	}
	return "(" + o.Type + " by " + o.Actor + " of " + summary(o.Object) + ")"
}

func lines(l []string) string {
	if len(l) == 0 {
		return "(none)"
	}
	return strings.Join(l, "\n")
}
