package relay

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/herd-social/herd/store"
)

// The relay's allow list: under relay.allow_list only the servers of these domains
// may subscribe, as ActivityRelay's and Aode's relay's allow lists work.
const tAllowed = "relay_allowed_domains"

// AllowedDomain is one domain on the relay's allow list.
type AllowedDomain struct {
	Domain    string    `cbor:"1,keyasint"`
	CreatedAt time.Time `cbor:"2,keyasint"`
}

// NormalizeDomain is a domain as the allow list and the subscriptions key it: lower
// case, with its port if any, or a Validation error when it is not a host name.
func NormalizeDomain(domain string) (string, error) {
	d := strings.ToLower(strings.TrimSpace(domain))
	if d == "" || strings.ContainsAny(d, "/@ \t?#") {
		return "", &Validation{Msg: fmt.Sprintf("Domain %q is not a host name", domain)}
	}
	return d, nil
}

// AllowDomain puts a domain on the allow list; it is idempotent.
func (s *Service) AllowDomain(ctx context.Context, domain string) (*AllowedDomain, error) {
	d, err := NormalizeDomain(domain)
	if err != nil {
		return nil, err
	}
	if old, err := s.allowed(ctx, d); err == nil {
		return old, nil
	} else if !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	a := &AllowedDomain{Domain: d, CreatedAt: s.now().UTC()}
	b, err := store.Marshal(a)
	if err != nil {
		return nil, err
	}
	if err := s.st.Put(ctx, tAllowed, allKey, []byte(d), b, 0); err != nil {
		return nil, fmt.Errorf("relay allow %s: %w", d, err)
	}
	s.cache.invalidate()
	return a, nil
}

// DisallowDomain takes a domain off the allow list; ErrNotFound when it is not on it.
func (s *Service) DisallowDomain(ctx context.Context, domain string) error {
	d, err := NormalizeDomain(domain)
	if err != nil {
		return err
	}
	if _, err := s.allowed(ctx, d); err != nil {
		return err
	}
	if err := s.st.Delete(ctx, tAllowed, allKey, []byte(d)); err != nil {
		return fmt.Errorf("relay disallow %s: %w", d, err)
	}
	s.cache.invalidate()
	return nil
}

func (s *Service) allowed(ctx context.Context, d string) (*AllowedDomain, error) {
	b, err := s.st.Get(ctx, tAllowed, allKey, []byte(d))
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("relay allowed domain %s: %w", d, ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	var a AllowedDomain
	return &a, store.Unmarshal(b, &a)
}

// AllowedDomains lists the allow list, by domain.
func (s *Service) AllowedDomains(ctx context.Context) ([]*AllowedDomain, error) {
	rows, err := s.st.Scan(ctx, tAllowed, allKey, store.Range{})
	if err != nil {
		return nil, fmt.Errorf("relay allowed domains: %w", err)
	}
	out := make([]*AllowedDomain, 0, len(rows))
	for _, row := range rows {
		var a AllowedDomain
		if err := store.Unmarshal(row.Value, &a); err != nil {
			return nil, err
		}
		out = append(out, &a)
	}
	return out, nil
}

// FanoutTTL is how long a node keeps the accepted subscribers and the allow list in
// memory for the fan-out. A change made on the node is seen at once; one made on
// another node of the cluster within FanoutTTL.
const FanoutTTL = 10 * time.Second

// Fanout is what the fan-out of a relayed activity reads: the accepted subscribers
// and the allow list. Shared between callers: read only.
type Fanout struct {
	Accepted []*Subscriber
	Allowed  map[string]bool
}

// fanoutCache is a node's copy of the Fanout.
type fanoutCache struct {
	mu    sync.Mutex
	f     *Fanout
	until time.Time
	gen   uint64 // bumped by each invalidation, so a read racing a change is not kept
}

func (c *fanoutCache) invalidate() {
	c.mu.Lock()
	c.f, c.gen = nil, c.gen+1
	c.mu.Unlock()
}

// Fanout returns the accepted subscribers and the allow list, read at most every
// FanoutTTL (and after each change made through this Service).
func (s *Service) Fanout(ctx context.Context) (*Fanout, error) {
	c := &s.cache
	c.mu.Lock()
	f, gen := c.f, c.gen
	if f != nil && time.Now().Before(c.until) {
		c.mu.Unlock()
		return f, nil
	}
	c.mu.Unlock()
	all, err := s.Subscribers(ctx)
	if err != nil {
		return nil, err
	}
	allowed, err := s.AllowedDomains(ctx)
	if err != nil {
		return nil, err
	}
	f = &Fanout{Allowed: make(map[string]bool, len(allowed))}
	for _, sub := range all {
		if sub.State == Accepted {
			f.Accepted = append(f.Accepted, sub)
		}
	}
	for _, a := range allowed {
		f.Allowed[a.Domain] = true
	}
	c.mu.Lock()
	if c.gen == gen {
		c.f, c.until = f, time.Now().Add(FanoutTTL)
	}
	c.mu.Unlock()
	return f, nil
}
