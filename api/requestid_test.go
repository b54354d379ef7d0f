package api_test

import (
	"regexp"
	"testing"

	"github.com/herd-social/herd/testrig"
)

// TestRequestID: every answer names its request; an id a proxy set is kept, one that
// could forge a log line is replaced.
func TestRequestID(t *testing.T) {
	c := testrig.New(t)
	fresh := regexp.MustCompile(`^[0-9a-f]{32}$`)
	a := c.Do("GET", "/api/v1/instance", "", nil).Header.Get("X-Request-Id")
	b := c.Do("GET", "/api/v1/nothing-here", "", nil).Header.Get("X-Request-Id")
	if !fresh.MatchString(a) || !fresh.MatchString(b) || a == b {
		t.Fatalf("request ids %q and %q", a, b)
	}
	if got := c.DoWithHeader("GET", "/api/v1/instance", "", nil, "X-Request-Id", "proxy-1234_ab").Header.Get("X-Request-Id"); got != "proxy-1234_ab" {
		t.Fatalf("the proxy's id became %q", got)
	}
	if got := c.DoWithHeader("GET", "/api/v1/instance", "", nil, "X-Request-Id", "a b\tc").Header.Get("X-Request-Id"); !fresh.MatchString(got) {
		t.Fatalf("a forged id became %q", got)
	}
}
