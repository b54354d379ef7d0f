package moderation

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"time"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// Domain block severities, as Mastodon's.
const (
	SeveritySilence = "silence"
	SeveritySuspend = "suspend"
	SeverityNoop    = "noop"
)

const (
	// tDomainBlocks and tDomainAllows hold every block and allow in one partition
	// each (an instance has hundreds, not millions), clustered by id.
	tDomainBlocks = "domain_blocks"
	tDomainAllows = "domain_allows"
)

var domainPartition = []byte("all")

// DomainBlock is an instance's policy on another server.
type DomainBlock struct {
	ID             shard.ID  `cbor:"1,keyasint"`
	Domain         string    `cbor:"2,keyasint"`
	Severity       string    `cbor:"3,keyasint"`
	RejectMedia    bool      `cbor:"4,keyasint,omitempty"`
	RejectReports  bool      `cbor:"5,keyasint,omitempty"`
	PrivateComment string    `cbor:"6,keyasint,omitempty"`
	PublicComment  string    `cbor:"7,keyasint,omitempty"`
	Obfuscate      bool      `cbor:"8,keyasint,omitempty"`
	CreatedAt      time.Time `cbor:"9,keyasint"`
}

// Digest is the SHA-256 of the domain, in hex, as Mastodon publishes it.
func (b *DomainBlock) Digest() string {
	sum := sha256.Sum256([]byte(b.Domain))
	return hex.EncodeToString(sum[:])
}

// PublicDomain is the domain as the public list shows it: obfuscated blocks have
// the middle of the name starred, dots kept, as Mastodon's.
func (b *DomainBlock) PublicDomain() string {
	if !b.Obfuscate {
		return b.Domain
	}
	r := []rune(b.Domain)
	visible := len(r) / 4
	for i, c := range r {
		if i > visible && i < len(r)-visible && c != '.' {
			r[i] = '*'
		}
	}
	return string(r)
}

// DomainAllow lets a domain federate in limited-federation mode.
type DomainAllow struct {
	ID        shard.ID  `cbor:"1,keyasint"`
	Domain    string    `cbor:"2,keyasint"`
	CreatedAt time.Time `cbor:"3,keyasint"`
}

// NormalizeDomain is the form domains are kept in: lower case, ASCII (punycode),
// without a trailing dot. A name that is not a host name is invalid. It is
// account.NormalizeDomain (user domain blocks) without a port.
func NormalizeDomain(d string) (string, error) {
	a, err := account.NormalizeDomain(d)
	var v *account.Validation
	if errors.As(err, &v) {
		return "", invalid("%s", v.Msg)
	}
	if err != nil || strings.Contains(a, ":") {
		return "", invalid("Domain is not a valid domain name")
	}
	return a, nil
}

// DomainBlocks lists every domain block, oldest first.
func (s *Service) DomainBlocks(ctx context.Context) ([]*DomainBlock, error) {
	return scanAll[DomainBlock](ctx, s.st, tDomainBlocks)
}

// DomainAllows lists every domain allow, oldest first.
func (s *Service) DomainAllows(ctx context.Context) ([]*DomainAllow, error) {
	return scanAll[DomainAllow](ctx, s.st, tDomainAllows)
}

func scanAll[T any](ctx context.Context, st store.Store, table string) ([]*T, error) {
	rows, err := st.Scan(ctx, table, domainPartition, store.Range{})
	if err != nil {
		return nil, fmt.Errorf("scan %s: %w", table, err)
	}
	out := make([]*T, 0, len(rows))
	for _, r := range rows {
		var v T
		if err := store.Unmarshal(r.Value, &v); err != nil {
			return nil, err
		}
		out = append(out, &v)
	}
	return out, nil
}

func getOne[T any](ctx context.Context, s *Service, table string, id shard.ID) (*T, error) {
	b, err := s.st.Get(ctx, table, domainPartition, id.Bytes())
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("%s %d: %w", table, id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("load %s %d: %w", table, id, err)
	}
	var v T
	if err := store.Unmarshal(b, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// DomainBlock returns one domain block.
func (s *Service) DomainBlock(ctx context.Context, id shard.ID) (*DomainBlock, error) {
	return getOne[DomainBlock](ctx, s, tDomainBlocks, id)
}

// DomainAllow returns one domain allow.
func (s *Service) DomainAllow(ctx context.Context, id shard.ID) (*DomainAllow, error) {
	return getOne[DomainAllow](ctx, s, tDomainAllows, id)
}

// Domains answers what the domain blocks and allows mean for one domain. It reads
// the store only, so that the outbound client can be built with it before the
// services.
type Domains struct {
	st store.Store
	// allowList is limited-federation mode: only allowed domains federate.
	allowList bool
	snap      domainSnapshots // domaincache.go
}

// NewDomains returns the domain policy reader on st. With allowList (Mastodon's
// LIMITED_FEDERATION_MODE), only the domains of the allow list, and their
// subdomains, federate.
func NewDomains(st store.Store, allowList bool) *Domains {
	return &Domains{st: st, allowList: allowList}
}

// LimitedFederation reports whether only allowed domains federate.
func (d *Domains) LimitedFederation() bool { return d.allowList }

// Refused reports whether the instance federates with a domain no more: it is
// suspended, or, in limited-federation mode, not allowed (a domain allowed covers
// its subdomains, as Mastodon's allow rule).
func (d *Domains) Refused(ctx context.Context, domain string) (bool, error) {
	if suspended, err := d.Suspended(ctx, domain); suspended || err != nil {
		return suspended, err
	}
	if !d.allowList {
		return false, nil
	}
	snap, err := d.snapshot(ctx)
	if err != nil {
		return false, err
	}
	return !snap.allowed(bareDomain(domain)), nil
}

// bareDomain is a domain as blocks and allows name it: lower case, without port or
// trailing dot.
func bareDomain(domain string) string {
	if host, _, err := net.SplitHostPort(domain); err == nil {
		domain = host // an account's domain may carry a port
	}
	return strings.TrimSuffix(strings.ToLower(domain), ".")
}

// BlockFor returns the block that covers a domain, its own or a parent's (a block
// of example.com covers a.example.com), the most specific; nil if none.
func (d *Domains) BlockFor(ctx context.Context, domain string) (*DomainBlock, error) {
	if domain == "" {
		return nil, nil
	}
	snap, err := d.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	b := snap.blockFor(bareDomain(domain))
	if b == nil {
		return nil, nil
	}
	c := *b // the snapshot's is shared
	return &c, nil
}

// Suspended reports whether a domain is suspended by a block of it or a parent.
func (d *Domains) Suspended(ctx context.Context, domain string) (bool, error) {
	b, err := d.BlockFor(ctx, domain)
	return b != nil && b.Severity == SeveritySuspend, err
}

// RejectsMedia reports whether a block of the domain (or a parent) rejects its media.
func (d *Domains) RejectsMedia(ctx context.Context, domain string) (bool, error) {
	b, err := d.BlockFor(ctx, domain)
	return b != nil && b.RejectMedia, err
}

// SilencedSince is the creation of the silencing block that covers a domain, zero if
// none does.
func (d *Domains) SilencedSince(ctx context.Context, domain string) (time.Time, error) {
	b, err := d.BlockFor(ctx, domain)
	if err != nil || b == nil || b.Severity != SeveritySilence {
		return time.Time{}, err
	}
	return b.CreatedAt, nil
}

// Limited reports whether moderators keep an account out of public timelines: it is
// silenced, or its domain is silenced or suspended.
func (d *Domains) Limited(ctx context.Context, a *account.Account) (bool, error) {
	if a.Silenced || a.Suspended {
		return true, nil
	}
	b, err := d.BlockFor(ctx, a.Domain)
	return b != nil && b.Severity != SeverityNoop, err
}

func checkSeverity(sev string) error {
	if !slices.Contains([]string{SeveritySilence, SeveritySuspend, SeverityNoop}, sev) {
		return invalid("Severity is not included in the list")
	}
	return nil
}

// CreateDomainBlock adds a block; a domain already blocked is refused (422, as
// Mastodon's uniqueness). An empty severity is silence, as Mastodon's default. A
// suspending block suspends the domain's known accounts and ends their follows
// (domainsuspend.go).
func (s *Service) CreateDomainBlock(ctx context.Context, moderator shard.ID, b DomainBlock) (*DomainBlock, error) {
	var err error
	if b.Domain, err = NormalizeDomain(b.Domain); err != nil {
		return nil, err
	}
	if b.Severity == "" {
		b.Severity = SeveritySilence
	}
	if err := checkSeverity(b.Severity); err != nil {
		return nil, err
	}
	blocks, err := s.DomainBlocks(ctx)
	if err != nil {
		return nil, err
	}
	for _, old := range blocks {
		if old.Domain == b.Domain {
			return nil, invalid("Domain has already been taken")
		}
	}
	b.ID, b.CreatedAt = s.ids.Next(), s.opts.Now().UTC()
	if err := s.putDomain(ctx, moderator, tDomainBlocks, "create_domain_block", b.ID, b.Domain, &b); err != nil {
		return nil, err
	}
	if err := s.applySeverity(ctx, &b, SeverityNoop); err != nil {
		return nil, err
	}
	return &b, nil
}

// UpdateDomainBlock changes a block with f (its domain stays).
func (s *Service) UpdateDomainBlock(ctx context.Context, moderator, id shard.ID, f func(b *DomainBlock)) (*DomainBlock, error) {
	b, err := s.DomainBlock(ctx, id)
	if err != nil {
		return nil, err
	}
	domain, was := b.Domain, b.Severity
	f(b)
	b.Domain = domain
	if err := checkSeverity(b.Severity); err != nil {
		return nil, err
	}
	if err := s.putDomain(ctx, moderator, tDomainBlocks, "update_domain_block", b.ID, b.Domain, b); err != nil {
		return nil, err
	}
	return b, s.applySeverity(ctx, b, was)
}

// CreateDomainAllow adds an allow; an existing one for the domain is returned as it
// is, as Mastodon's.
func (s *Service) CreateDomainAllow(ctx context.Context, moderator shard.ID, domain string) (*DomainAllow, error) {
	domain, err := NormalizeDomain(domain)
	if err != nil {
		return nil, err
	}
	allows, err := s.DomainAllows(ctx)
	if err != nil {
		return nil, err
	}
	for _, a := range allows {
		if a.Domain == domain {
			return a, nil
		}
	}
	a := &DomainAllow{ID: s.ids.Next(), Domain: domain, CreatedAt: s.opts.Now().UTC()}
	return a, s.putDomain(ctx, moderator, tDomainAllows, "create_domain_allow", a.ID, domain, a)
}

func (s *Service) putDomain(ctx context.Context, moderator shard.ID, table, action string, id shard.ID, domain string, v any) error {
	err := s.putPolicy(ctx, moderator, table, action, "Domain", id, domain, v)
	return errors.Join(err, s.domainPolicyChanged(ctx)) // even after a failed audit: the record may be written
}

// DeleteDomainBlock lifts a block.
func (s *Service) DeleteDomainBlock(ctx context.Context, moderator, id shard.ID) error {
	b, err := s.DomainBlock(ctx, id)
	if err != nil {
		return err
	}
	if err := s.deleteDomain(ctx, moderator, tDomainBlocks, "destroy_domain_block", id, b.Domain); err != nil {
		return err
	}
	lifted := *b
	lifted.Severity = SeverityNoop
	return s.applySeverity(ctx, &lifted, b.Severity)
}

// DeleteDomainAllow removes an allow.
func (s *Service) DeleteDomainAllow(ctx context.Context, moderator, id shard.ID) error {
	a, err := s.DomainAllow(ctx, id)
	if err != nil {
		return err
	}
	return s.deleteDomain(ctx, moderator, tDomainAllows, "destroy_domain_allow", id, a.Domain)
}

func (s *Service) deleteDomain(ctx context.Context, moderator shard.ID, table, action string, id shard.ID, domain string) error {
	err := s.deletePolicy(ctx, moderator, table, action, "Domain", id, domain)
	return errors.Join(err, s.domainPolicyChanged(ctx))
}
