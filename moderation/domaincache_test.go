package moderation_test

import (
	"context"
	"net/url"
	"sync/atomic"
	"testing"

	"github.com/herd-social/herd/moderation"
	"github.com/herd-social/herd/store"
)

// scanCounter is a store that counts its partition scans.
type scanCounter struct {
	store.Store
	scans atomic.Int64
}

func (s *scanCounter) Scan(ctx context.Context, table string, pk []byte, r store.Range) ([]store.Row, error) {
	s.scans.Add(1)
	return s.Store.Scan(ctx, table, pk, r)
}

// TestDomainsFollowChanges: the domain policy readers of other nodes (here readers of
// the same store, each with its own memory) answer every change of a block or an
// allow made through the admin API from their next check on, and between changes
// they read the lists no more.
func TestDomainsFollowChanges(t *testing.T) {
	f := newAdmin(t)
	ctx := context.Background()
	st := &scanCounter{Store: f.c.Nodes[0].Store()}
	open, limited := moderation.NewDomains(st, false), moderation.NewDomains(st, true)
	check := func(when string, wantSuspended, wantRefused bool) {
		t.Helper()
		suspended, err := open.Suspended(ctx, "a.spam.example:443")
		if err != nil || suspended != wantSuspended {
			t.Fatalf("%s: suspended %v %v, want %v", when, suspended, err, wantSuspended)
		}
		refused, err := limited.Refused(ctx, "a.spam.example")
		if err != nil || refused != wantRefused {
			t.Fatalf("%s: refused in limited federation %v %v, want %v", when, refused, err, wantRefused)
		}
	}
	check("before any block", false, true)
	scans := st.scans.Load()
	for range 5 {
		check("again", false, true)
	}
	if got := st.scans.Load(); got != scans {
		t.Fatalf("unchanged policy read again: %d scans, then %d", scans, got)
	}

	block := f.post(t, "/api/v1/admin/domain_blocks", url.Values{"domain": {"spam.example"}, "severity": {"suspend"}}, 200).Object(t)
	check("after a suspending block of the parent", true, true)
	allow := f.post(t, "/api/v1/admin/domain_allows", url.Values{"domain": {"spam.example"}}, 200).Object(t)
	check("after an allow of the parent", true, true) // the suspension still refuses it
	f.c.Must(f.c.Do("PUT", "/api/v1/admin/domain_blocks/"+block["id"].(string), f.tok, url.Values{"severity": {"silence"}}), 200)
	check("after the block became a silence", false, false)
	if since, err := open.SilencedSince(ctx, "a.spam.example"); err != nil || since.IsZero() {
		t.Fatalf("silenced since %v %v", since, err)
	}
	f.c.Must(f.c.Do("DELETE", "/api/v1/admin/domain_blocks/"+block["id"].(string), f.tok, nil), 200)
	if b, err := open.BlockFor(ctx, "a.spam.example"); b != nil || err != nil {
		t.Fatalf("lifted block still found: %+v %v", b, err)
	}
	f.c.Must(f.c.Do("DELETE", "/api/v1/admin/domain_allows/"+allow["id"].(string), f.tok, nil), 200)
	check("after the allow was removed", false, true)
}
