package activitypub_test

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/cockroachdb/datadriven"

	"github.com/herd-social/herd/testrig"
	"github.com/herd-social/herd/text"
)

// TestInteropData runs testdata/interop: one file per server (Mastodon, GoToSocial,
// Akkoma, Misskey, Pixelfed, PeerTube), each the documents that server sends, in
// its shapes, delivered by mallory and shown as the Mastodon API renders them. The
// commands are those of TestInboxData, and:
//
//	actor                     mallory's actor document becomes the input, merged over
//	                          the default one (a null removes a field); $pem is her
//	                          public key in PEM, JSON-escaped
//	serve PATH                the remote serves the input at PATH
//	deliver [key=KEYID]       as before, the signature naming KEYID as its key
//	account ACCT [as=NAME]    the account entity, field by field
//	show KEY [as=NAME]        the status entity, field by field
func TestInteropData(t *testing.T) {
	datadriven.Walk(t, "testdata/interop", func(t *testing.T, path string) { runInboxData(t, path) })
}

// actPeer runs the commands that change what the remote serves.
func (r *inboxRig) actPeer(t *testing.T, d *datadriven.TestData) (string, bool) {
	switch d.Cmd {
	case "actor":
		var doc map[string]any
		if err := json.Unmarshal([]byte(r.in(d.Input)), &doc); err != nil {
			d.Fatalf(t, "actor: %v", err)
		}
		r.remote.mu.Lock()
		defer r.remote.mu.Unlock()
		merged := map[string]any{}
		for k, v := range r.remote.actor {
			merged[k] = v
		}
		for k, v := range doc {
			if v == nil {
				delete(merged, k)
			} else {
				merged[k] = v
			}
		}
		r.remote.actor = merged
		return "ok", true
	case "serve":
		var doc any
		if err := json.Unmarshal([]byte(r.in(d.Input)), &doc); err != nil {
			d.Fatalf(t, "serve: %v", err)
		}
		r.remote.mu.Lock()
		defer r.remote.mu.Unlock()
		r.remote.docs[arg(t, d, 0)] = doc
		return "ok", true
	}
	return r.actQuote(t, d)
}

// dumpRendered returns the printers of the account and status entities, nil for
// another command.
func (r *inboxRig) dumpRendered(t *testing.T, d *datadriven.TestData, as *testrig.User) func() string {
	if f := r.dumpQuote(t, d, as); f != nil {
		return f
	}
	switch d.Cmd {
	case "account":
		id := r.accountID(t, d, arg(t, d, 0), as)
		return func() string {
			var a map[string]any
			r.c.Must(r.c.Do("GET", "/api/v1/accounts/"+id, token(as), nil), 200).JSON(t, &a)
			return accountFields(a)
		}
	case "show":
		return func() string {
			st, err := r.find(t, as, arg(t, d, 0))
			if err != nil {
				return err.Error()
			}
			// The status may go between the search and the read (a Delete being
			// applied): the answer is printed, and the command retried.
			res := r.c.Do("GET", "/api/v1/statuses/"+st.ID, token(as), nil)
			if res.Code != 200 {
				return fmt.Sprintf("GET %s answered %d", arg(t, d, 0), res.Code)
			}
			var s map[string]any
			res.JSON(t, &s)
			parent := ""
			if id, ok := s["in_reply_to_id"].(string); ok {
				pres := r.c.Do("GET", "/api/v1/statuses/"+id, token(as), nil)
				if pres.Code != 200 {
					return fmt.Sprintf("GET the parent of %s answered %d", arg(t, d, 0), pres.Code)
				}
				var p map[string]any
				pres.JSON(t, &p)
				parent, _ = p["uri"].(string)
			}
			return statusFields(s, parent)
		}
	}
	return nil
}

// accountFields prints an account entity: the fields that differ between servers.
func accountFields(a map[string]any) string {
	out := []string{
		"acct: " + str(a["acct"]), "display_name: " + str(a["display_name"]),
		"note: " + text.PlainText(str(a["note"])), "url: " + str(a["url"]),
		fmt.Sprintf("bot: %v, group: %v, locked: %v", a["bot"], a["group"], a["locked"]),
	}
	for _, f := range list(a["fields"]) {
		out = append(out, "field "+str(f["name"])+": "+text.PlainText(str(f["value"])))
	}
	out = append(out, emojiLines(a)...)
	if str(a["avatar"]) != "" && !strings.Contains(str(a["avatar"]), "missing") {
		out = append(out, "avatar: set")
	}
	return strings.Join(out, "\n")
}

// statusFields prints a status entity: what Mastodon shows of a delivered note.
func statusFields(s map[string]any, parent string) string {
	out := []string{
		"uri: " + str(s["uri"]), "url: " + str(s["url"]),
		"by: " + str(obj(s["account"])["acct"]) + ", " + str(s["visibility"]),
		"content: " + str(s["content"]),
	}
	if sp := str(s["spoiler_text"]); sp != "" || s["sensitive"] == true {
		out = append(out, fmt.Sprintf("spoiler_text: %q, sensitive: %v", sp, s["sensitive"]))
	}
	if parent != "" {
		out = append(out, "in_reply_to: "+parent)
	}
	for _, m := range list(s["mentions"]) {
		out = append(out, "mention: "+str(m["acct"]))
	}
	for _, tag := range list(s["tags"]) {
		out = append(out, "tag: "+str(tag["name"]))
	}
	out = append(out, emojiLines(s)...)
	for _, m := range list(s["media_attachments"]) {
		line := "media: " + str(m["type"]) + " " + str(m["remote_url"])
		if desc := str(m["description"]); desc != "" {
			line += fmt.Sprintf(" %q", desc)
		}
		if bh := str(m["blurhash"]); bh != "" {
			line += " blurhash " + bh
		}
		out = append(out, line)
	}
	if p := obj(s["poll"]); p != nil {
		var opts []string
		for _, o := range list(p["options"]) {
			opts = append(opts, fmt.Sprintf("%s %v", str(o["title"]), o["votes_count"]))
		}
		out = append(out, fmt.Sprintf("poll (multiple %v, expired %v): %s", p["multiple"], p["expired"],
			strings.Join(opts, ", ")))
	}
	if q := obj(s["quote"]); q != nil {
		out = append(out, "quote: "+str(obj(q["quoted_status"])["uri"])+" "+str(q["state"]))
	}
	return strings.Join(out, "\n")
}

// emojiLines lists the custom emojis of an entity by shortcode.
func emojiLines(e map[string]any) []string {
	var names []string
	for _, em := range list(e["emojis"]) {
		names = append(names, ":"+str(em["shortcode"])+":")
	}
	if len(names) == 0 {
		return nil
	}
	sort.Strings(names)
	return []string{"emojis: " + strings.Join(names, " ")}
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func obj(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func list(v any) []map[string]any {
	var out []map[string]any
	l, _ := v.([]any)
	for _, e := range l {
		if m, ok := e.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}
