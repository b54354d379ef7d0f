package activitypub_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/cockroachdb/datadriven"

	"github.com/herd-social/herd/testrig"
)

// Commands of quote posts (testdata/interop/mastodon-quotes), on top of TestInboxData's:
//
//	quote NAME KEY QUOTED       NAME posts the input quoting QUOTED ($KEY of a local or a
//	                            remote status); $KEY then names the post. Prints the
//	                            answer when it is not 200.
//	revoke NAME KEY QUOTING     NAME revokes the quote that QUOTING makes of KEY
//	quoted KEY as=NAME          the quote of a status as NAME sees it: its state and
//	                            the quoted status's URI
//	note KEY                    the quote properties of a local status's note, as served
//	stamp                       the QuoteAuthorization that the last Accept mallory
//	                            received names, as served

func (r *inboxRig) actQuote(t *testing.T, d *datadriven.TestData) (string, bool) {
	switch d.Cmd {
	case "quote":
		u, key := r.user(t, d, arg(t, d, 0)), arg(t, d, 1)
		quoted, err := r.find(t, u, arg(t, d, 2))
		if err != nil {
			return err.Error(), true
		}
		res := u.Do("POST", "/api/v1/statuses", url.Values{"status": {d.Input}, "quoted_status_id": {quoted.ID}})
		if res.Code != 200 {
			return fmt.Sprintf("%d %s", res.Code, res.Body), true
		}
		var st testrig.Status
		res.JSON(t, &st)
		r.names["$"+key] = st.URI
		r.local["$"+key] = st.ID
		return "ok", true
	case "revoke":
		u := r.user(t, d, arg(t, d, 0))
		quoting, err := r.find(t, u, arg(t, d, 2))
		if err != nil {
			return err.Error(), true
		}
		path := "/api/v1/statuses/" + r.local[arg(t, d, 1)] + "/quotes/" + quoting.ID + "/revoke"
		if res := u.Do("POST", path, nil); res.Code != 200 {
			return fmt.Sprintf("%d %s", res.Code, res.Body), true
		}
		return "ok", true
	}
	return "", false
}

func (r *inboxRig) dumpQuote(t *testing.T, d *datadriven.TestData, as *testrig.User) func() string {
	switch d.Cmd {
	case "quoted":
		return func() string {
			st, err := r.find(t, as, arg(t, d, 0))
			if err != nil {
				return err.Error()
			}
			var s map[string]any
			r.c.Must(r.c.Do("GET", "/api/v1/statuses/"+st.ID, token(as), nil), 200).JSON(t, &s)
			q := obj(s["quote"])
			if q == nil {
				return "no quote"
			}
			return str(q["state"]) + " " + str(obj(q["quoted_status"])["uri"])
		}
	case "note":
		uri := r.in(arg(t, d, 0))
		return func() string { return quoteProperties(r.document(t, uri)) }
	case "stamp":
		return func() string {
			stamp := ""
			for _, body := range r.remote.received() {
				var act struct{ Type, Result string }
				json.Unmarshal(body, &act)
				if act.Type == "Accept" && act.Result != "" {
					stamp = act.Result
				}
			}
			if stamp == "" {
				return "no Accept with a stamp"
			}
			doc := r.document(t, stamp)
			var out []string
			for _, k := range []string{"type", "attributedTo", "interactingObject", "interactionTarget"} {
				out = append(out, k+": "+str(doc[k]))
			}
			return strings.Join(out, "\n")
		}
	}
	return nil
}

// document GETs an ActivityStreams document of the node, anonymously.
func (r *inboxRig) document(t *testing.T, uri string) map[string]any {
	u, err := url.Parse(uri)
	if err != nil {
		t.Fatal(err)
	}
	res := r.c.DoWithHeader("GET", u.Path, "", nil, "Accept", "application/activity+json")
	var doc map[string]any
	if res.Code != 200 {
		return map[string]any{"error": fmt.Sprint(res.Code)}
	}
	res.JSON(t, &doc)
	return doc
}

// quoteProperties prints what a note says of its quote and of who may quote it.
func quoteProperties(doc map[string]any) string {
	if e := str(doc["error"]); e != "" {
		return "GET answered " + e
	}
	var out []string
	for _, k := range []string{"quote", "_misskey_quote", "quoteUri", "quoteAuthorization"} {
		switch v := doc[k].(type) {
		case string:
			out = append(out, k+": "+stampID.ReplaceAllString(v, "${1}ID"))
		case map[string]any:
			out = append(out, k+": "+str(v["type"]))
		}
	}
	policy := obj(obj(doc["interactionPolicy"])["canQuote"])
	out = append(out, fmt.Sprintf("canQuote: %v", policy["automaticApproval"]))
	return strings.Join(out, "\n")
}

// stampID is the id of a stamp's quoting status here, which differs from run to run.
var stampID = regexp.MustCompile(`(/quote_authorizations/)[0-9]{6,}`)
