package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/herd-social/herd/node"
	"github.com/herd-social/herd/relay"
)

// TestAdminRelay: herd admin relay refuses unusable URLs (not https, not a public
// address) and unknown ids, and lists what it kept (nothing).
func TestAdminRelay(t *testing.T) {
	n, err := node.Open(node.Config{Data: t.TempDir(), Domain: "herd.example", NoSync: true, BcryptCost: 4},
		slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	ctx := context.Background()
	var v *relay.Validation
	for _, url := range []string{"http://relay.example/inbox", "https://127.0.0.1/inbox", "https://[::1]/inbox", "nonsense"} {
		if err := adminRelay(ctx, n, []string{"add", url}, io.Discard); !errors.As(err, &v) {
			t.Errorf("add %s: %v, want a validation error", url, err)
		}
	}
	if err := adminRelay(ctx, n, []string{"remove", "117740766885642240"}, io.Discard); !errors.Is(err, relay.ErrNotFound) {
		t.Errorf("remove an unknown relay: %v", err)
	}
	for _, args := range [][]string{{}, {"frob"}, {"remove", "x"}, {"add"}} {
		if err := adminRelay(ctx, n, args, io.Discard); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
	if err := adminRelay(ctx, n, []string{"list"}, io.Discard); err != nil {
		t.Fatal(err)
	}
	if list, err := n.Federation.Relays(ctx); err != nil || len(list) != 0 {
		t.Fatalf("relays kept: %v, %v", list, err)
	}
}

// TestAdminRelaySubscribers: herd admin relay-subscribers lists nothing and refuses
// every change while relay mode is off; with it on, it lists the (no) subscribers and
// refuses unknown ids and uses.
func TestAdminRelaySubscribers(t *testing.T) {
	for _, on := range []bool{false, true} {
		cfg := node.Config{Data: t.TempDir(), Domain: "herd.example", NoSync: true, BcryptCost: 4}
		cfg.Relay.Enabled = on
		n, err := node.Open(cfg, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		if err := adminRelaySubscribers(ctx, n, []string{"list"}, io.Discard); (err == nil) != on {
			t.Errorf("relay mode %v: list: %v", on, err)
		}
		for _, verb := range []string{"approve", "reject", "remove"} {
			if err := adminRelaySubscribers(ctx, n, []string{verb, "117740766885642240"}, io.Discard); !errors.Is(err, relay.ErrNotFound) {
				t.Errorf("relay mode %v: %s an unknown subscriber: %v", on, verb, err)
			}
		}
		for _, args := range [][]string{{}, {"frob"}, {"approve", "x"}, {"approve"}} {
			if err := adminRelaySubscribers(ctx, n, args, io.Discard); err == nil {
				t.Errorf("%v accepted", args)
			}
		}
		n.Close()
	}
}

// TestAdminRelayAllow: herd admin relay-allow refuses everything while relay mode is
// off; with it on, it adds (in lower case, once), lists and removes domains, and
// refuses removing one not on the list, a malformed domain and unknown uses.
func TestAdminRelayAllow(t *testing.T) {
	for _, on := range []bool{false, true} {
		cfg := node.Config{Data: t.TempDir(), Domain: "herd.example", NoSync: true, BcryptCost: 4}
		cfg.Relay.Enabled, cfg.Relay.AllowList = on, true
		n, err := node.Open(cfg, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		var out strings.Builder
		for _, d := range []string{"Alpha.Example", "alpha.example", "beta.example:8443"} {
			if err := adminRelayAllow(ctx, n, []string{"add", d}, io.Discard); (err == nil) != on {
				t.Errorf("relay mode %v: add %s: %v", on, d, err)
			}
		}
		if err := adminRelayAllow(ctx, n, []string{"list"}, &out); (err == nil) != on {
			t.Errorf("relay mode %v: list: %v", on, err)
		}
		if on && (strings.Count(out.String(), "alpha.example") != 1 || !strings.Contains(out.String(), "beta.example:8443")) {
			t.Errorf("list:\n%s", out.String())
		}
		if err := adminRelayAllow(ctx, n, []string{"remove", "gamma.example"}, io.Discard); !errors.Is(err, relay.ErrNotFound) {
			t.Errorf("relay mode %v: remove a domain not on the list: %v", on, err)
		}
		if on {
			if err := adminRelayAllow(ctx, n, []string{"remove", "ALPHA.example"}, io.Discard); err != nil {
				t.Errorf("remove: %v", err)
			}
			out.Reset()
			if err := adminRelayAllow(ctx, n, []string{"list"}, &out); err != nil || strings.Contains(out.String(), "alpha") {
				t.Errorf("list after remove: %v\n%s", err, out.String())
			}
			var v *relay.Validation
			if err := adminRelayAllow(ctx, n, []string{"add", "https://x.example/"}, io.Discard); !errors.As(err, &v) {
				t.Errorf("add a URL: %v", err)
			}
		}
		for _, args := range [][]string{{}, {"frob"}, {"add"}, {"remove"}} {
			if err := adminRelayAllow(ctx, n, args, io.Discard); err == nil {
				t.Errorf("%v accepted", args)
			}
		}
		n.Close()
	}
}
