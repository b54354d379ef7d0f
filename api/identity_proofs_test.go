package api_test

import (
	"strings"
	"testing"

	"github.com/herd-social/herd/testrig"
)

// TestIdentityProofs: the deprecated identity proofs answer, as Mastodon's controller,
// an empty array for an account that exists (to any user's token, whatever its
// scopes), 404 for one that does not, and 422 to a caller without a user.
func TestIdentityProofs(t *testing.T) {
	c := testrig.New(t)
	alice, bob := c.Register("alice"), c.Register("bob")
	path := "/api/v1/accounts/" + bob.ID + "/identity_proofs"
	if body := strings.TrimSpace(string(c.Must(alice.Do("GET", path, nil), 200).Body)); body != "[]" {
		t.Fatalf("identity proofs of bob: %s, want []", body)
	}
	c.Must(alice.Do("GET", "/api/v1/accounts/1234567890/identity_proofs", nil), 404)
	c.Must(alice.Do("GET", "/api/v1/accounts/nonsense/identity_proofs", nil), 404)
	for name, token := range map[string]string{"anonymous": "", "app token": c.AppToken()} {
		r := c.Must(c.Do("GET", path, token, nil), 422)
		if !strings.Contains(string(r.Body), "This method requires an authenticated user") {
			t.Errorf("%s: %s", name, r.Body)
		}
	}
	writeOnly := scopedToken(t, c, "alice", "write:media")
	c.Must(c.Do("GET", path, writeOnly, nil), 200)
}
