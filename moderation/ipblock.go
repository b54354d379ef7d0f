package moderation

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/herd-social/herd/shard"
)

// IP block severities, as Mastodon's.
const (
	SeveritySignUpApproval = "sign_up_requires_approval"
	SeveritySignUpBlock    = "sign_up_block"
	SeverityNoAccess       = "no_access"
)

// tIPBlocks holds every IP block in one partition, clustered by id (an instance has
// hundreds at most); IPRules keeps it in memory for the checks.
const tIPBlocks = "ip_blocks"

// IPBlock is a policy on the clients of an address range.
type IPBlock struct {
	ID shard.ID `cbor:"1,keyasint"`
	// IP is the range in CIDR notation, masked (a single address is a /32 or /128).
	IP        string    `cbor:"2,keyasint"`
	Severity  string    `cbor:"3,keyasint"`
	Comment   string    `cbor:"4,keyasint,omitempty"`
	CreatedAt time.Time `cbor:"5,keyasint"`
	// ExpiresAt is when the block stops applying; zero for never.
	ExpiresAt time.Time `cbor:"6,keyasint,omitempty"`
}

// Active reports whether the block applies at now.
func (b *IPBlock) Active(now time.Time) bool { return b.ExpiresAt.IsZero() || now.Before(b.ExpiresAt) }

// IPBlockInput is what a moderator gives to create or change an IP block; nil
// fields are left as they are (on create: empty).
type IPBlockInput struct {
	IP, Severity, Comment *string
	// ExpiresIn is in seconds from now (zero or less: already expired, as
	// Mastodon's); NeverExpires clears the expiry.
	ExpiresIn    *int64
	NeverExpires bool
}

// ParseIPRange reads an address or a CIDR range, as Mastodon's inet column takes
// them; the range is masked.
func ParseIPRange(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return netip.Prefix{}, invalid("Ip can't be blank")
	}
	if p, err := netip.ParsePrefix(s); err == nil {
		return netip.PrefixFrom(p.Addr().Unmap(), min(p.Bits(), p.Addr().Unmap().BitLen())).Masked(), nil
	}
	if a, err := netip.ParseAddr(s); err == nil && a.Zone() == "" {
		a = a.Unmap()
		return netip.PrefixFrom(a, a.BitLen()), nil
	}
	return netip.Prefix{}, invalid("Ip is invalid")
}

func checkIPSeverity(sev string) error {
	if !slices.Contains([]string{SeveritySignUpApproval, SeveritySignUpBlock, SeverityNoAccess}, sev) {
		return invalid("Severity is not included in the list")
	}
	return nil
}

// IPBlocks lists the IP blocks in force, oldest first. Expired blocks are removed
// on the way, as Mastodon's scheduler purges them (without an audit entry); the
// in-memory copies already ignore them.
func (s *Service) IPBlocks(ctx context.Context) ([]*IPBlock, error) {
	all, err := scanAll[IPBlock](ctx, s.st, tIPBlocks)
	if err != nil {
		return nil, err
	}
	now := s.opts.Now()
	live := all[:0]
	for _, b := range all {
		if b.Active(now) {
			live = append(live, b)
		} else if err := s.purgeIPBlock(ctx, b); err != nil {
			return nil, err
		}
	}
	return live, nil
}

// IPBlock returns one IP block in force; an expired one is removed and not found.
func (s *Service) IPBlock(ctx context.Context, id shard.ID) (*IPBlock, error) {
	b, err := getOne[IPBlock](ctx, s, tIPBlocks, id)
	if err != nil {
		return nil, err
	}
	if !b.Active(s.opts.Now()) {
		if err := s.purgeIPBlock(ctx, b); err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("ip block %d expired: %w", id, ErrNotFound)
	}
	return b, nil
}

// purgeIPBlock removes an expired block; removing it twice (two nodes listing at
// once) is harmless.
func (s *Service) purgeIPBlock(ctx context.Context, b *IPBlock) error {
	if err := s.st.Delete(ctx, tIPBlocks, domainPartition, b.ID.Bytes()); err != nil {
		return fmt.Errorf("purge expired ip block %d: %w", b.ID, err)
	}
	return nil
}

// CreateIPBlock adds an IP block; ip and severity are required, and a range already
// blocked is refused (422, as Mastodon's uniqueness of ip).
func (s *Service) CreateIPBlock(ctx context.Context, moderator shard.ID, in IPBlockInput) (*IPBlock, error) {
	b := &IPBlock{CreatedAt: s.opts.Now().UTC()}
	if in.IP == nil {
		in.IP = new(string)
	}
	if in.Severity == nil {
		in.Severity = new(string)
	}
	if err := s.applyIPBlock(ctx, b, in); err != nil {
		return nil, err
	}
	b.ID = s.ids.Next()
	return b, s.saveIPBlock(ctx, moderator, "create_ip_block", b)
}

// UpdateIPBlock changes an IP block.
func (s *Service) UpdateIPBlock(ctx context.Context, moderator, id shard.ID, in IPBlockInput) (*IPBlock, error) {
	b, err := s.IPBlock(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.applyIPBlock(ctx, b, in); err != nil {
		return nil, err
	}
	return b, s.saveIPBlock(ctx, moderator, "update_ip_block", b)
}

func (s *Service) applyIPBlock(ctx context.Context, b *IPBlock, in IPBlockInput) error {
	if in.IP != nil {
		p, err := ParseIPRange(*in.IP)
		if err != nil {
			return err
		}
		all, err := s.IPBlocks(ctx)
		if err != nil {
			return err
		}
		for _, old := range all {
			if old.IP == p.String() && old.ID != b.ID {
				return invalid("Ip has already been taken")
			}
		}
		b.IP = p.String()
	}
	if in.Severity != nil {
		if err := checkIPSeverity(*in.Severity); err != nil {
			return err
		}
		b.Severity = *in.Severity
	}
	if in.Comment != nil {
		b.Comment = *in.Comment
	}
	switch {
	case in.NeverExpires:
		b.ExpiresAt = time.Time{}
	case in.ExpiresIn != nil:
		b.ExpiresAt = s.opts.Now().UTC().Add(time.Duration(*in.ExpiresIn) * time.Second)
	}
	return nil
}

func (s *Service) saveIPBlock(ctx context.Context, moderator shard.ID, action string, b *IPBlock) error {
	if err := s.putPolicy(ctx, moderator, tIPBlocks, action, "IpBlock", b.ID, b.IP, b); err != nil {
		return err
	}
	s.ips.Invalidate()
	return nil
}

// DeleteIPBlock lifts an IP block.
func (s *Service) DeleteIPBlock(ctx context.Context, moderator, id shard.ID) error {
	b, err := s.IPBlock(ctx, id)
	if err != nil {
		return err
	}
	if err := s.deletePolicy(ctx, moderator, tIPBlocks, "destroy_ip_block", "IpBlock", id, b.IP); err != nil {
		return err
	}
	s.ips.Invalidate()
	return nil
}

// IPs is the in-memory view of the IP blocks that requests are checked against.
func (s *Service) IPs() *IPRules { return s.ips }
