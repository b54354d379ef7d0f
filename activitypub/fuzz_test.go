package activitypub

import (
	"strings"
	"testing"
)

// FuzzWebFingerResource: resource parsing never panics, and what it accepts names a
// user of this domain only.
func FuzzWebFingerResource(f *testing.F) {
	for _, s := range []string{"acct:alice@example.com", "alice@example.com", "https://example.com/users/alice",
		"https://example.com/@alice", "https://example.com/actor", "acct:@", "http://[::1", "acct:a@b@c", "@@@"} {
		f.Add(s)
	}
	s := &Service{opts: Options{Domain: "example.com", Scheme: "https"}}
	f.Fuzz(func(t *testing.T, resource string) {
		user, err := s.resourceUser(resource)
		if err != nil {
			return
		}
		if user == "" || strings.Contains(user, "/") {
			t.Fatalf("resource %q gave user %q", resource, user)
		}
	})
}
