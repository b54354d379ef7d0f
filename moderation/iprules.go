package moderation

import (
	"context"
	"net/netip"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/herd-social/herd/store"
)

// IPRules is a node's in-memory copy of the IP blocks, which every request is
// checked against: a map per prefix length, so that a lookup costs one map probe
// per distinct length in use. It reloads the blocks from the store when its copy is
// older than the refresh interval (by the request that finds it so, the others
// reading the old copy meanwhile), and at once after a change made through this
// node's service; another node's change reaches it within the interval.
type IPRules struct {
	st      store.Store
	now     func() time.Time
	refresh time.Duration
	snap    atomic.Pointer[ipSnapshot]
	loading sync.Mutex
}

// ipSnapshot is one loaded copy of the blocks.
type ipSnapshot struct {
	loaded time.Time
	// lengths are the prefix lengths in use, per family; byPrefix the blocks of
	// each masked prefix.
	lengths4, lengths6 []int
	byPrefix           map[netip.Prefix][]ipRule
	noAccess           bool // some block has severity no_access
}

type ipRule struct {
	severity string
	expires  time.Time
}

// NewIPRules returns the IP rules read from st, reloaded every refresh (default 5s).
func NewIPRules(st store.Store, now func() time.Time, refresh time.Duration) *IPRules {
	if now == nil {
		now = time.Now
	}
	if refresh <= 0 {
		refresh = 5 * time.Second
	}
	return &IPRules{st: st, now: now, refresh: refresh}
}

// Invalidate makes the next check reload the blocks.
func (r *IPRules) Invalidate() { r.snap.Store(nil) }

// current returns a copy no older than the refresh interval, loading one if needed.
// When a load fails, the old copy (if any) serves and the error is returned.
func (r *IPRules) current(ctx context.Context) (*ipSnapshot, error) {
	s := r.snap.Load()
	if s != nil && r.now().Sub(s.loaded) < r.refresh {
		return s, nil
	}
	if s != nil && !r.loading.TryLock() {
		return s, nil // another request is reloading: serve the old copy
	}
	if s == nil {
		r.loading.Lock()
	}
	defer r.loading.Unlock()
	if cur := r.snap.Load(); cur != nil && r.now().Sub(cur.loaded) < r.refresh {
		return cur, nil
	}
	fresh, err := r.load(ctx)
	if err != nil {
		if s == nil {
			return &ipSnapshot{}, err
		}
		return s, err
	}
	r.snap.Store(fresh)
	return fresh, nil
}

func (r *IPRules) load(ctx context.Context) (*ipSnapshot, error) {
	blocks, err := scanAll[IPBlock](ctx, r.st, tIPBlocks)
	if err != nil {
		return nil, err
	}
	s := &ipSnapshot{loaded: r.now(), byPrefix: make(map[netip.Prefix][]ipRule, len(blocks))}
	for _, b := range blocks {
		p, err := netip.ParsePrefix(b.IP)
		if err != nil || !b.Active(s.loaded) {
			continue // expired blocks are left out; the others' expiry is checked at lookup
		}
		s.byPrefix[p] = append(s.byPrefix[p], ipRule{severity: b.Severity, expires: b.ExpiresAt})
		if p.Addr().Is4() {
			s.lengths4 = append(s.lengths4, p.Bits())
		} else {
			s.lengths6 = append(s.lengths6, p.Bits())
		}
		s.noAccess = s.noAccess || b.Severity == SeverityNoAccess
	}
	for _, l := range []*[]int{&s.lengths4, &s.lengths6} {
		slices.Sort(*l)
		*l = slices.Compact(*l)
	}
	return s, nil
}

// HasNoAccess reports whether any block refuses all access, so that a request's
// address need not even be worked out when none does.
func (r *IPRules) HasNoAccess(ctx context.Context) (bool, error) {
	s, err := r.current(ctx)
	return s.noAccess, err
}

// Severities returns the severities of the active blocks covering addr.
func (r *IPRules) Severities(ctx context.Context, addr netip.Addr) ([]string, error) {
	s, err := r.current(ctx)
	if !addr.IsValid() {
		return nil, err
	}
	addr = addr.Unmap()
	lengths := s.lengths6
	if addr.Is4() {
		lengths = s.lengths4
	}
	now := r.now()
	var out []string
	for _, l := range lengths {
		p, perr := addr.Prefix(l)
		if perr != nil {
			continue
		}
		for _, rule := range s.byPrefix[p] {
			if rule.expires.IsZero() || now.Before(rule.expires) {
				out = append(out, rule.severity)
			}
		}
	}
	return out, err
}

// NoAccess reports whether an active no_access block covers addr.
func (r *IPRules) NoAccess(ctx context.Context, addr netip.Addr) (bool, error) {
	sev, err := r.Severities(ctx, addr)
	return slices.Contains(sev, SeverityNoAccess), err
}
