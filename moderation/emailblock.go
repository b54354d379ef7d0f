package moderation

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

const (
	// tEmailDomainBlocks and tCanonicalEmailBlocks hold every block in one partition
	// each, clustered by id, read whole at every registration.
	tEmailDomainBlocks    = "email_domain_blocks"
	tCanonicalEmailBlocks = "canonical_email_blocks"
	// tEmailBlockHistory counts, per block and day, the sign-ups it refused (uses)
	// and their distinct addresses (accounts, as Mastodon's history names them);
	// tEmailBlockIPs holds the addresses seen per block and day, to count them once.
	tEmailBlockHistory = "email_domain_block_history"
	tEmailBlockIPs     = "email_domain_block_ips"
)

// EmailDomainBlock refuses sign-ups with addresses of a domain and its subdomains.
type EmailDomainBlock struct {
	ID        shard.ID  `cbor:"1,keyasint"`
	Domain    string    `cbor:"2,keyasint"`
	CreatedAt time.Time `cbor:"3,keyasint"`
}

// CanonicalEmailBlock refuses sign-ups whose address canonicalises to one hash.
type CanonicalEmailBlock struct {
	ID        shard.ID  `cbor:"1,keyasint"`
	Hash      string    `cbor:"2,keyasint"`
	CreatedAt time.Time `cbor:"3,keyasint"`
}

// CanonicalEmail is an address as Mastodon canonicalises it, whatever its domain:
// lower case, the dots of the local part removed and a +suffix cut off.
func CanonicalEmail(email string) string {
	local, domain, _ := strings.Cut(strings.ToLower(email), "@")
	local, _, _ = strings.Cut(strings.ReplaceAll(local, ".", ""), "+")
	return local + "@" + domain
}

// CanonicalEmailHash is the SHA-256, in hex, of the canonical address.
func CanonicalEmailHash(email string) string {
	sum := sha256.Sum256([]byte(CanonicalEmail(email)))
	return hex.EncodeToString(sum[:])
}

// EmailDomainBlocks lists every email domain block, oldest first.
func (s *Service) EmailDomainBlocks(ctx context.Context) ([]*EmailDomainBlock, error) {
	return scanAll[EmailDomainBlock](ctx, s.st, tEmailDomainBlocks)
}

// EmailDomainBlock returns one email domain block.
func (s *Service) EmailDomainBlock(ctx context.Context, id shard.ID) (*EmailDomainBlock, error) {
	return getOne[EmailDomainBlock](ctx, s, tEmailDomainBlocks, id)
}

// CreateEmailDomainBlock blocks sign-ups from a domain; one already blocked is
// refused (422, as Mastodon's uniqueness). The domain's mail servers are not looked
// up (Mastodon also blocks the MX hosts it finds).
func (s *Service) CreateEmailDomainBlock(ctx context.Context, moderator shard.ID, domain string) (*EmailDomainBlock, error) {
	domain, err := NormalizeDomain(domain)
	if err != nil {
		return nil, err
	}
	all, err := s.EmailDomainBlocks(ctx)
	if err != nil {
		return nil, err
	}
	for _, b := range all {
		if b.Domain == domain {
			return nil, invalid("Domain has already been taken")
		}
	}
	b := &EmailDomainBlock{ID: s.ids.Next(), Domain: domain, CreatedAt: s.opts.Now().UTC()}
	return b, s.putPolicy(ctx, moderator, tEmailDomainBlocks, "create_email_domain_block", "EmailDomainBlock", b.ID, domain, b)
}

// DeleteEmailDomainBlock lifts an email domain block.
func (s *Service) DeleteEmailDomainBlock(ctx context.Context, moderator, id shard.ID) error {
	b, err := s.EmailDomainBlock(ctx, id)
	if err != nil {
		return err
	}
	return s.deletePolicy(ctx, moderator, tEmailDomainBlocks, "destroy_email_domain_block", "EmailDomainBlock", id, b.Domain)
}

// DayCount is one day of an email domain block's history.
type DayCount struct {
	Day            time.Time
	Uses, Accounts int64
}

// EmailBlockHistory returns the last days of a block's refusals, today first.
func (s *Service) EmailBlockHistory(ctx context.Context, id shard.ID, days int) ([]DayCount, error) {
	today := s.opts.Now().UTC().Truncate(24 * time.Hour)
	keys := make([]store.Key, 0, 2*days)
	for i := range days {
		day := dayKey(today.AddDate(0, 0, -i))
		keys = append(keys, store.Key{PK: id.Bytes(), CK: []byte(day + "/uses")}, store.Key{PK: id.Bytes(), CK: []byte(day + "/accounts")})
	}
	counts, err := s.st.Counters(ctx, tEmailBlockHistory, keys)
	if err != nil {
		return nil, fmt.Errorf("history of email domain block %d: %w", id, err)
	}
	out := make([]DayCount, days)
	for i := range out {
		out[i] = DayCount{Day: today.AddDate(0, 0, -i), Uses: counts[2*i], Accounts: counts[2*i+1]}
	}
	return out, nil
}

func dayKey(day time.Time) string { return strconv.FormatInt(day.Unix(), 10) }

// recordRefusal counts a sign-up a block refused, in today's history.
func (s *Service) recordRefusal(ctx context.Context, id shard.ID, ip string) error {
	day := dayKey(s.opts.Now().UTC().Truncate(24 * time.Hour))
	if err := s.st.Add(ctx, tEmailBlockHistory, id.Bytes(), []byte(day+"/uses"), 1); err != nil {
		return fmt.Errorf("count a refusal: %w", err)
	}
	if ip == "" {
		return nil
	}
	first, _, err := s.st.PutIfAbsent(ctx, tEmailBlockIPs, append(id.Bytes(), day...), []byte(ip), empty, 0)
	if err != nil || !first {
		return err
	}
	return s.st.Add(ctx, tEmailBlockHistory, id.Bytes(), []byte(day+"/accounts"), 1)
}

// CanonicalEmailBlocks lists every canonical email block, oldest first.
func (s *Service) CanonicalEmailBlocks(ctx context.Context) ([]*CanonicalEmailBlock, error) {
	return scanAll[CanonicalEmailBlock](ctx, s.st, tCanonicalEmailBlocks)
}

// CanonicalEmailBlock returns one canonical email block.
func (s *Service) CanonicalEmailBlock(ctx context.Context, id shard.ID) (*CanonicalEmailBlock, error) {
	return getOne[CanonicalEmailBlock](ctx, s, tCanonicalEmailBlocks, id)
}

// MatchingEmailBlocks returns the canonical email blocks an address meets.
func (s *Service) MatchingEmailBlocks(ctx context.Context, email string) ([]*CanonicalEmailBlock, error) {
	all, err := s.CanonicalEmailBlocks(ctx)
	if err != nil {
		return nil, err
	}
	hash := CanonicalEmailHash(email)
	out := []*CanonicalEmailBlock{}
	for _, b := range all {
		if b.Hash == hash {
			out = append(out, b)
		}
	}
	return out, nil
}

// CreateCanonicalEmailBlock blocks an address, given as itself (email) or as the
// hash of its canonical form; a hash already blocked is refused (422).
func (s *Service) CreateCanonicalEmailBlock(ctx context.Context, moderator shard.ID, email, hash string) (*CanonicalEmailBlock, error) {
	if email != "" {
		hash = CanonicalEmailHash(email)
	}
	hash = strings.ToLower(strings.TrimSpace(hash))
	if hash == "" {
		return nil, invalid("Canonical email hash can't be blank")
	}
	if _, err := hex.DecodeString(hash); err != nil || len(hash) != 2*sha256.Size {
		return nil, invalid("Canonical email hash is invalid")
	}
	all, err := s.CanonicalEmailBlocks(ctx)
	if err != nil {
		return nil, err
	}
	for _, b := range all {
		if b.Hash == hash {
			return nil, invalid("Canonical email hash has already been taken")
		}
	}
	b := &CanonicalEmailBlock{ID: s.ids.Next(), Hash: hash, CreatedAt: s.opts.Now().UTC()}
	return b, s.putPolicy(ctx, moderator, tCanonicalEmailBlocks, "create_canonical_email_block", "CanonicalEmailBlock", b.ID, hash, b)
}

// DeleteCanonicalEmailBlock lifts a canonical email block.
func (s *Service) DeleteCanonicalEmailBlock(ctx context.Context, moderator, id shard.ID) error {
	b, err := s.CanonicalEmailBlock(ctx, id)
	if err != nil {
		return err
	}
	return s.deletePolicy(ctx, moderator, tCanonicalEmailBlocks, "destroy_canonical_email_block", "CanonicalEmailBlock", id, b.Hash)
}
