package moderation

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/herd-social/herd/store"
)

// Every inbox POST, every delivery and every fan-out asks what the domain blocks and
// allows mean for a host. Domains keeps them in memory, read together from the store,
// with the version they were read at: tDomainPolicy holds one row whose value every
// change of a block or an allow replaces with a new random one, after the change is
// written. A check reads that row (one point read, where the lists were a scan and a
// decoding of every block) and reads the lists again only when it moved, so a change
// made on any node of a cluster holds on every node from its next check. A snapshot
// is also read again after snapshotTTL, in case a node stopped between a change and
// its new version.

// tDomainPolicy holds the version row of the domain blocks and allows.
const tDomainPolicy = "domain_policy_version"

var domainVersionKey = []byte("version")

// snapshotTTL bounds how long a snapshot is used without reading the lists again.
const snapshotTTL = time.Minute

// domainSnapshot is the blocks and allows as read at one version.
type domainSnapshot struct {
	version []byte
	at      time.Time
	blocks  map[string]*DomainBlock // by domain
	allows  map[string]bool         // by domain
}

// snapshot returns the blocks and allows as they stand.
func (d *Domains) snapshot(ctx context.Context) (*domainSnapshot, error) {
	version, err := d.st.Get(ctx, tDomainPolicy, domainVersionKey, empty)
	if errors.Is(err, store.ErrNotFound) {
		version, err = []byte{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read domain policy version: %w", err)
	}
	now := time.Now()
	if s := d.snap.Load(); s != nil && string(s.version) == string(version) && now.Sub(s.at) < snapshotTTL {
		return s, nil
	}
	// The version is read before the lists: a change landing between them makes the
	// lists newer than the version, and the next check reads them again.
	s := &domainSnapshot{version: version, at: now, blocks: make(map[string]*DomainBlock), allows: make(map[string]bool)}
	blocks, err := scanAll[DomainBlock](ctx, d.st, tDomainBlocks)
	if err != nil {
		return nil, err
	}
	for _, b := range blocks {
		s.blocks[b.Domain] = b
	}
	if d.allowList {
		allows, err := scanAll[DomainAllow](ctx, d.st, tDomainAllows)
		if err != nil {
			return nil, err
		}
		for _, a := range allows {
			s.allows[a.Domain] = true
		}
	}
	d.snap.Store(s)
	return s, nil
}

// blockFor is the block of a bare domain or of its nearest parent, nil if none.
func (s *domainSnapshot) blockFor(domain string) *DomainBlock {
	for name := domain; name != ""; name = parentDomain(name) {
		if b := s.blocks[name]; b != nil {
			return b
		}
	}
	return nil
}

// allowed reports whether a bare domain or one of its parents is allowed.
func (s *domainSnapshot) allowed(domain string) bool {
	for name := domain; name != ""; name = parentDomain(name) {
		if s.allows[name] {
			return true
		}
	}
	return false
}

// parentDomain is a domain without its first label, "" for a single label.
func parentDomain(domain string) string {
	_, parent, ok := strings.Cut(domain, ".")
	if !ok {
		return ""
	}
	return parent
}

// domainPolicyChanged gives the blocks and allows a new version, after a change.
func (s *Service) domainPolicyChanged(ctx context.Context) error {
	version := make([]byte, 16)
	rand.Read(version)
	if err := s.st.Put(ctx, tDomainPolicy, domainVersionKey, empty, version, 0); err != nil {
		return fmt.Errorf("save domain policy version: %w", err)
	}
	return nil
}

// domainSnapshots is the snapshot a Domains keeps.
type domainSnapshots = atomic.Pointer[domainSnapshot]
