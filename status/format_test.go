package status_test

import (
	"context"
	"fmt"
	"hash/fnv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
)

// knownAccounts is a Lookup over a fixed set of accounts, keyed user@domain.
type knownAccounts map[string]*account.Account

func (k knownAccounts) Lookup(_ context.Context, username, domain string) (*account.Account, error) {
	if a := k[strings.ToLower(username)+"@"+domain]; a != nil {
		return a, nil
	}
	return nil, account.ErrNotFound
}

func remoteAccount(username, domain string) *account.Account {
	h := fnv.New64a()
	h.Write([]byte(strings.ToLower(username) + "@" + domain))
	id := shard.ID(h.Sum64() >> 1)
	return &account.Account{ID: id, Username: username, Domain: domain, URI: "https://" + domain + "/users/" + username}
}

// handles names n unknown accounts on domain, each twice in differing case.
func handles(n int, domain string) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "@u%d@%s @U%d@%s ", i, domain, i, domain)
	}
	return b.String()
}

// TestFormatResolvesConcurrently: unknown remote handles are resolved once each, at
// most Parallel at a time, and all of them are linked.
func TestFormatResolvesConcurrently(t *testing.T) {
	const parallel = 4
	var inFlight, most atomic.Int32
	calls := map[string]int{}
	var mu sync.Mutex
	full := make(chan struct{})
	var once sync.Once
	resolve := resolveFunc(func(ctx context.Context, username, domain string) (*account.Account, error) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		mu.Lock()
		calls[strings.ToLower(username)]++
		mu.Unlock()
		if n == parallel {
			once.Do(func() { close(full) })
		}
		select { // hold every lookup until the pool has been full once
		case <-full:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		return remoteAccount(username, domain), nil
	})
	f := status.NewTextFormatter(knownAccounts{}, resolve, "herd.example", "https://herd.example", status.RemoteOptions{Budget: time.Minute, Parallel: parallel})

	out, err := f.Format(context.Background(), handles(10, "far.example"))
	if err != nil {
		t.Fatal(err)
	}
	if got := most.Load(); got != parallel {
		t.Errorf("at most %d lookups ran at once, want %d", got, parallel)
	}
	if len(calls) != 10 || len(out.Mentions) != 10 {
		t.Errorf("lookups %v, want each of 10 handles", calls)
	}
	for h, n := range calls {
		if n != 1 {
			t.Errorf("%s looked up %d times", h, n)
		}
	}
	if got := strings.Count(out.HTML, `class="u-url mention"`); got != 20 {
		t.Errorf("%d mention links, want 20: %s", got, out.HTML)
	}
}

// TestFormatBudget: lookups that outlast the budget leave their handles as plain
// text, while known accounts and a handle resolved in time are linked.
func TestFormatBudget(t *testing.T) {
	known := knownAccounts{"alice@": {ID: 1, Username: "alice"}}
	resolve := resolveFunc(func(ctx context.Context, username, domain string) (*account.Account, error) {
		if domain == "quick.example" {
			return remoteAccount(username, domain), nil
		}
		<-ctx.Done() // a server that never answers
		return nil, ctx.Err()
	})
	f := status.NewTextFormatter(known, resolve, "herd.example", "https://herd.example", status.RemoteOptions{Budget: 50 * time.Millisecond, Parallel: 4})

	out, err := f.Format(context.Background(), "@fast@quick.example @alice "+handles(10, "slow.example"))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(out.HTML, `class="u-url mention"`); got != 2 {
		t.Errorf("%d mention links, want 2 (fast and alice): %s", got, out.HTML)
	}
	if !strings.Contains(out.HTML, "@u9@slow.example") || len(out.Mentions) != 2 {
		t.Errorf("mentions %v, html %s", out.Mentions, out.HTML)
	}
}

// TestFormatSharedDeadline: texts formatted under one lookup deadline (a profile's
// note and fields) end their remote lookups by it, however long each one's budget.
func TestFormatSharedDeadline(t *testing.T) {
	var mu sync.Mutex
	var deadlines []time.Time
	resolve := resolveFunc(func(ctx context.Context, username, domain string) (*account.Account, error) {
		d, _ := ctx.Deadline()
		mu.Lock()
		deadlines = append(deadlines, d)
		mu.Unlock()
		return nil, account.ErrNotFound
	})
	f := status.NewTextFormatter(knownAccounts{}, resolve, "herd.example", "https://herd.example", status.RemoteOptions{Budget: time.Hour})
	shared := time.Now().Add(time.Minute)
	ctx := status.WithLookupDeadline(context.Background(), shared)
	for _, src := range []string{"@a@x.example", "@b@x.example @c@x.example"} {
		if _, err := f.Format(ctx, src); err != nil {
			t.Fatal(err)
		}
	}
	if len(deadlines) != 3 {
		t.Fatalf("%d lookups, want 3", len(deadlines))
	}
	for _, d := range deadlines {
		if !d.Equal(shared) {
			t.Errorf("a lookup had the deadline %v, want the shared %v", d, shared)
		}
	}
}

// resolveFunc is a status.Resolver made of a function.
type resolveFunc func(ctx context.Context, username, domain string) (*account.Account, error)

func (f resolveFunc) ResolveAcct(ctx context.Context, username, domain string) (*account.Account, error) {
	return f(ctx, username, domain)
}
