package activitypub

import (
	"testing"
	"time"

	"github.com/herd-social/herd/activitypub/httpsig"
)

// TestKnocks walks one host through the knocking rules with a settable clock.
func TestKnocks(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	k := newKnocks(func() time.Time { return now })
	const host = "Peer.Example"
	const get, post = "GET", "POST"
	step := func(what string, method string, s httpsig.Scheme, status int, second, wantAgain bool, wantNext httpsig.Scheme) {
		t.Helper()
		if again := k.answered(host, method, s, status, second); again != wantAgain {
			t.Fatalf("%s: again %t, want %t", what, again, wantAgain)
		}
		if next := k.scheme("peer.example"); next != wantNext {
			t.Fatalf("%s: next scheme %s, want %s", what, next, wantNext)
		}
	}
	if s := k.scheme(host); s != httpsig.Cavage {
		t.Fatalf("first knock on an unknown host: %s", s)
	}
	step("an open GET proves nothing", get, httpsig.Cavage, 200, false, false, httpsig.Cavage)
	step("a 5xx changes nothing", post, httpsig.Cavage, 503, false, false, httpsig.Cavage)
	step("a refused first knock", post, httpsig.Cavage, 401, false, true, httpsig.RFC9421)
	step("the second knock taken", post, httpsig.RFC9421, 202, true, false, httpsig.RFC9421)
	step("the remembered scheme taken", post, httpsig.RFC9421, 202, false, false, httpsig.RFC9421)
	step("the remembered scheme refused once", post, httpsig.RFC9421, 401, false, false, httpsig.RFC9421)
	step("refused again: knock twice", post, httpsig.RFC9421, 401, false, true, httpsig.Cavage)
	step("both refused: the usual order", post, httpsig.Cavage, 400, true, false, httpsig.Cavage)
	step("a GET refused", get, httpsig.Cavage, 401, false, true, httpsig.RFC9421)
	step("the second GET served", get, httpsig.RFC9421, 200, true, false, httpsig.RFC9421)
	now = now.Add(knockTTL + time.Minute)
	if s := k.scheme(host); s != httpsig.Cavage {
		t.Fatalf("after %s the first knock is tried again, got %s", knockTTL, s)
	}
	if again := k.answered("other.example", post, 0, 401, false); again {
		t.Fatal("an unsigned request knocks again")
	}
}

// TestKnocksAdvertised: an actor that advertises RFC 9421 (FEP-844e), on its generator
// or itself, makes RFC 9421 the first knock on a host not known, and changes nothing on
// a host whose scheme is known.
func TestKnocksAdvertised(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	k := newKnocks(func() time.Time { return now })
	for _, doc := range []map[string]any{
		{"generator": map[string]any{"implements": []any{map[string]any{"href": implementsRFC9421}}}},
		{"implements": []any{map[string]any{"id": implementsRFC9421}, "junk"}},
		{"implements": map[string]any{"href": implementsRFC9421}},
		{"generator": map[string]any{"implements": []any{"https://datatracker.ietf.org/doc/html/rfc9421"}}},
	} {
		if !advertises9421(doc) {
			t.Errorf("%v does not advertise RFC 9421", doc)
		}
	}
	for _, doc := range []map[string]any{{}, {"generator": "x"}, {"implements": []any{map[string]any{"href": implementsRFC9421Ed25519}}},
		{"generator": map[string]any{"implements": []any{"https://datatracker.ietf.org/doc/html/rfc9421/"}}}} {
		if advertises9421(doc) {
			t.Errorf("%v advertises RFC 9421", doc)
		}
	}
	k.advertised("New.Example")
	if s := k.scheme("new.example"); s != httpsig.RFC9421 {
		t.Errorf("advertised host: first knock %s", s)
	}
	k.answered("known.example", "POST", httpsig.Cavage, 202, false)
	k.advertised("known.example")
	if s := k.scheme("known.example"); s != httpsig.Cavage {
		t.Errorf("a host known to take draft-cavage: first knock %s after an advertisement", s)
	}
}
