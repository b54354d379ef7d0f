package api_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/herd-social/herd/testrig"
)

// TestMuteDuration: a mute's duration is whole seconds; a malformed one is refused in
// Mastodon's error shape and mutes nothing, where it used to mute for ever.
func TestMuteDuration(t *testing.T) {
	c := testrig.New(t)
	alice, bob := c.Register("alice"), c.Register("bob")
	mute := "/api/v1/accounts/" + bob.ID + "/mute"
	for _, bad := range []string{"abc", "10s", "NaN", "1e30"} {
		r := alice.Do("POST", mute, url.Values{"duration": {bad}})
		if r.Code != 422 || !strings.Contains(string(r.Body), `"error":"Validation failed: Duration`) {
			t.Fatalf("duration %q: %d %s, want 422", bad, r.Code, r.Body)
		}
	}
	if rel := alice.Relationship(bob.ID); rel.Muting {
		t.Fatalf("a refused mute muted: %+v", rel)
	}
	for _, tc := range []struct {
		duration string
		expires  bool
	}{{"", false}, {"0", false}, {"-5", false}, {"3600", true}, {"3600.0", true}} {
		rel := alice.Relate(bob.ID, "mute", "duration", tc.duration)
		if !rel.Muting || (rel.MutingExpiresAt != nil) != tc.expires {
			t.Fatalf("duration %q: %+v (expires %v)", tc.duration, rel, rel.MutingExpiresAt != nil)
		}
		// The list of mutes gives the same end, as Mastodon's mute_expires_at.
		muted := testrig.Decode[[]map[string]any](t, c.Must(alice.Do("GET", "/api/v1/mutes", nil), 200))
		if len(muted) != 1 || muted[0]["id"] != bob.ID {
			t.Fatalf("mutes: %v", muted)
		}
		if end, ok := muted[0]["mute_expires_at"]; ok != tc.expires || (ok && end != *rel.MutingExpiresAt) {
			t.Fatalf("duration %q: mutes say %v, relationship %+v", tc.duration, end, rel)
		}
	}
}
