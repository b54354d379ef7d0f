package moderation

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/herd-social/herd/shard"
)

// ErrSignUpBlocked is returned for a registration from an address an IP block
// refuses (sign_up_block or no_access): Mastodon's 403.
var ErrSignUpBlocked = fmt.Errorf("sign-up from a blocked address: %w", ErrForbidden)

// FieldError is a validation failure of one input field, as Mastodon details a
// registration's errors: the field, a code (ERR_BLOCKED, ERR_TAKEN, ERR_BLANK) and
// the message without the field's name.
type FieldError struct {
	Field, Code, Description string
}

// SignUp is what the instance's policies make of a registration.
type SignUp struct {
	// Pending: the account must wait for a moderator's approval.
	Pending bool
}

// CheckSignUp applies the IP blocks and email blocks to a registration from addr
// (invalid if unknown): a sign_up_block or no_access range refuses it
// (ErrSignUpBlocked), a blocked email domain (or a parent of it) or canonical
// address makes it invalid, and a sign_up_requires_approval range makes it pending.
// A refusal by an email domain block is counted in the block's history.
func (s *Service) CheckSignUp(ctx context.Context, email string, addr netip.Addr) (SignUp, error) {
	sev, err := s.ips.Severities(ctx, addr)
	if err != nil {
		return SignUp{}, err
	}
	if slices.Contains(sev, SeveritySignUpBlock) || slices.Contains(sev, SeverityNoAccess) {
		return SignUp{}, ErrSignUpBlocked
	}
	_, domain, ok := strings.Cut(strings.ToLower(strings.TrimSpace(email)), "@")
	if ok && domain != "" {
		blocks, err := s.EmailDomainBlocks(ctx)
		if err != nil {
			return SignUp{}, err
		}
		domain = strings.TrimSuffix(domain, ".")
		if b := s.emailDomainBlock(ctx, blocks, domain); b != nil {
			ip := ""
			if addr.IsValid() {
				ip = addr.String()
			}
			if err := s.recordRefusal(ctx, b.ID, ip); err != nil {
				return SignUp{}, err
			}
			return SignUp{}, &Validation{Msg: "Email uses a disallowed e-mail provider",
				Field: &FieldError{Field: "email", Code: "ERR_BLOCKED", Description: "uses a disallowed e-mail provider"}}
		}
		matched, err := s.MatchingEmailBlocks(ctx, email)
		if err != nil {
			return SignUp{}, err
		}
		if len(matched) > 0 {
			return SignUp{}, &Validation{Msg: "Email has already been taken",
				Field: &FieldError{Field: "email", Code: "ERR_TAKEN", Description: "has already been taken"}}
		}
	}
	return SignUp{Pending: slices.Contains(sev, SeveritySignUpApproval)}, nil
}

// emailDomainBlock returns the block that refuses an address of domain, nil when
// none does. A block covers its domain and subdomains; when Options.MX is set and
// some block exists, the domain's MX hosts (and their parents) and the addresses of
// the domain and of those hosts are matched too, as Mastodon's EmailMxValidator
// matches the resolved MX records and IPs against the blocks. A lookup that fails
// (a DNS error or its timeout) is logged and leaves the domain alone matched: the
// sign-up is not refused for it.
func (s *Service) emailDomainBlock(ctx context.Context, blocks []*EmailDomainBlock, domain string) *EmailDomainBlock {
	if len(blocks) == 0 {
		return nil
	}
	names, ips := []string{domain}, []string(nil)
	if s.opts.MX != nil {
		hosts, addrs, err := s.opts.MX.Lookup(ctx, domain)
		if err != nil {
			s.opts.Logger.Warn("moderation: MX lookup of a sign-up's e-mail domain failed", "domain", domain, "err", err)
		}
		names, ips = append(names, hosts...), addrs
	}
	for _, b := range blocks {
		for _, name := range names {
			if name == b.Domain || strings.HasSuffix(name, "."+b.Domain) {
				return b
			}
		}
		if slices.Contains(ips, b.Domain) {
			return b
		}
	}
	return nil
}

// ReasonRequired is the refusal of a registration without a reason where sign-ups
// need approval, as Mastodon's.
func ReasonRequired() error {
	return &Validation{Msg: "Reason can't be blank", Field: &FieldError{Field: "reason", Code: "ERR_BLANK", Description: "can't be blank"}}
}

// Approve lets a pending user in, or (approve false) rejects the registration: the
// account is removed, as Mastodon's. A user who is not pending cannot be approved or
// rejected (ErrForbidden, as Mastodon's policy for an approved user); a remote
// account has no registration (ErrNotFound).
func (s *Service) Approve(ctx context.Context, moderator, id shard.ID, approve bool) (*Target, error) {
	t, err := s.Target(ctx, id)
	if err != nil {
		return nil, err
	}
	if t.User == nil {
		return nil, fmt.Errorf("approve remote account %d: %w", id, ErrNotFound)
	}
	if !t.User.Pending {
		return nil, fmt.Errorf("approve %d: already approved: %w", id, ErrForbidden)
	}
	verb := "approve_user"
	if approve {
		err = s.accounts.ApprovePending(ctx, t.Account, t.User)
	} else {
		verb = "reject_user"
		err = s.accounts.DeletePending(ctx, t.Account, t.User)
	}
	if err != nil {
		return nil, err
	}
	if err := s.audit(ctx, moderator, verb, "User", t.Account.Acct(), ""); err != nil {
		return nil, err
	}
	return t, nil
}
