package node_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/herd-social/herd/logctx"
	"github.com/herd-social/herd/node"
	"github.com/herd-social/herd/testrig"
)

// syncBuffer is a log destination written by many goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// lines returns the messages of the JSON log lines that carry req_id id.
func (b *syncBuffer) lines(t *testing.T, id string) []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for _, l := range strings.Split(b.buf.String(), "\n") {
		var rec map[string]any
		if l == "" || json.Unmarshal([]byte(l), &rec) != nil {
			continue
		}
		if rec[logctx.Attr] == id {
			out = append(out, fmt.Sprint(rec["msg"]))
		}
	}
	return out
}

// TestRequestIDFollowsAPost: the id a request came with (X-Request-Id) is on the log
// lines its post makes afterwards, in other goroutines and through the event log: its
// fan-out, and its delivery to a follower on another instance (the job published by
// a consumer of the post's event, so the id crosses the log twice).
func TestRequestIDFollowsAPost(t *testing.T) {
	var logs syncBuffer
	a := testrig.New(t, testrig.Host(t, "alpha"))
	b := testrig.New(t, testrig.Host(t, "beta"), testrig.Config(func(c *node.Config) {
		c.Logger = slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}))
	_, bob := followsAcross(t, a, b)
	const id = "req-follow-the-post-1"
	b.Must(b.DoWithHeader("POST", "/api/v1/statuses", bob.Token, url.Values{"status": {"a logged post"}}, "X-Request-Id", id), 200)
	testrig.Eventually(t, "the request's id on its fan-out and delivery lines", func() error {
		got := logs.lines(t, id)
		for _, want := range []string{"fanout: applied", "delivery: delivered"} {
			found := false
			for _, msg := range got {
				found = found || msg == want
			}
			if !found {
				return fmt.Errorf("no %q line with req_id %s; lines with it: %q", want, id, got)
			}
		}
		return nil
	})
}

// followsAcross registers alice on a and bob on b, and has alice follow bob, waiting
// for bob's Accept.
func followsAcross(t *testing.T, a, b *testrig.Cluster) (alice, bob *testrig.User) {
	t.Helper()
	alice, bob = a.Register("alice"), b.Register("bob")
	found := alice.Search("@bob@"+b.Nodes[0].Config().Domain, "resolve", "true")
	if len(found.Accounts) != 1 {
		t.Fatalf("search: %+v", found)
	}
	alice.Relate(found.Accounts[0].ID, "follow")
	testrig.Eventually(t, "the follow's Accept", func() error {
		if rel := alice.Relationship(found.Accounts[0].ID); !rel.Following {
			return fmt.Errorf("relationship %+v", rel)
		}
		return nil
	})
	return alice, bob
}
