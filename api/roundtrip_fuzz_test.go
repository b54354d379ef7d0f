package api_test

import (
	"net/url"
	"testing"

	"github.com/herd-social/herd/testrig"
	"github.com/herd-social/herd/text"
)

// The round-trip fuzz targets go from an HTTP request to the stored record and back
// through the whole node: whatever a client sends, the answer is never a 5xx; text the
// boundary refuses is refused with a 422 and nothing stored; and whatever is accepted
// reads back as sent, alone and in the timelines that list it.

func FuzzCreateStatusRoundTrip(f *testing.F) {
	f.Add("hello world", "", "en")
	f.Add("hello\xffworld", "cw", "")
	f.Add("#tag\x00 @nobody", "", "e\xff")
	f.Add("\xed\xa0\x80 surrogate", "\xc0\xaf", "de")
	f.Add("  spaced  ", "\t", "zz")
	rig := testrig.New(f)
	registered := rig.Register("alice")
	f.Fuzz(func(t *testing.T, status, spoiler, language string) {
		c := rig.With(t)
		alice := registered.On(c)
		form := url.Values{"status": {status}, "spoiler_text": {spoiler}}
		if language != "" {
			form.Set("language", language)
		}
		r := alice.Do("POST", "/api/v1/statuses", form)
		checkAnswer(t, r, status, spoiler, language)
		if r.Code != 200 {
			return
		}
		id := testrig.At[string](t, r.Object(t), "id")
		src := c.Must(alice.Do("GET", "/api/v1/statuses/"+id+"/source", nil), 200).Object(t)
		if src["text"] != text.Strip(status) || src["spoiler_text"] != spoiler { // Mastodon strips the text
			t.Fatalf("stored %q / %q, sent %q / %q", src["text"], src["spoiler_text"], status, spoiler)
		}
		c.Must(alice.Do("GET", "/api/v1/statuses/"+id, nil), 200)
		c.Must(alice.Do("GET", "/api/v1/accounts/"+alice.ID+"/statuses", nil), 200)
		c.Must(c.Do("GET", "/api/v1/timelines/public", "", nil), 200)
	})
}

func FuzzUpdateCredentialsRoundTrip(f *testing.F) {
	f.Add("Alice", "about me", "site", "https://example.com")
	f.Add("%ff\xff", "note\x00", "\xc0\xaf", "\xed\xa0\x80")
	f.Add("", "", "", "")
	rig := testrig.New(f)
	registered := rig.Register("alice")
	f.Fuzz(func(t *testing.T, name, note, fieldName, fieldValue string) {
		c := rig.With(t)
		alice := registered.On(c)
		r := alice.Do("PATCH", "/api/v1/accounts/update_credentials", url.Values{"display_name": {name},
			"note": {note}, "fields_attributes[0][name]": {fieldName}, "fields_attributes[0][value]": {fieldValue}})
		checkAnswer(t, r, name, note, fieldName, fieldValue)
		me := c.Must(alice.Do("GET", "/api/v1/accounts/verify_credentials", nil), 200).Object(t)
		c.Must(c.Do("GET", "/api/v1/accounts/"+alice.ID, "", nil), 200)
		c.Must(c.Do("GET", "/api/v1/timelines/public", "", nil), 200)
		if r.Code != 200 {
			return
		}
		source := testrig.At[map[string]any](t, me, "source")
		if me["display_name"] != name || source["note"] != note {
			t.Fatalf("stored %q / %q, sent %q / %q", me["display_name"], source["note"], name, note)
		}
	})
}

// checkAnswer: never a 5xx, and text the boundary refuses is always a 422.
func checkAnswer(t *testing.T, r *testrig.Response, sent ...string) {
	t.Helper()
	if r.Code >= 500 {
		t.Fatalf("answered %d %s", r.Code, r.Body)
	}
	for _, s := range sent {
		if text.CheckInput(s) != nil && r.Code != 422 {
			t.Fatalf("%q was answered %d %s, want 422", s, r.Code, r.Body)
		}
	}
}
