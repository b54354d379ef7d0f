package account

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
	"golang.org/x/net/idna"
)

// DomainBlock is one domain an account blocks, with the id of its row (the cursor of
// GET /api/v1/domain_blocks).
type DomainBlock struct {
	ID     shard.ID
	Domain string
}

// NormalizeDomain returns a domain as blocks key it, as Mastodon's
// TagManager#normalize_domain: lower case, ASCII (IDNA, punycode), no surrounding
// space or final dot, a port kept (accounts of a server on another port have it in
// their domain); or a Validation for one that is empty or not a host name.
func NormalizeDomain(d string) (string, error) {
	d = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(d)), ".")
	if d == "" {
		return "", invalid("Domain can't be blank")
	}
	host, port, hasPort := strings.Cut(d, ":")
	if hasPort && (port == "" || strings.Trim(port, "0123456789") != "") {
		return "", invalid("Domain is not a valid domain name")
	}
	a, err := idna.Lookup.ToASCII(strings.TrimSuffix(host, "."))
	if err != nil || len(a) > 253 || strings.ContainsAny(a, "/@ ") {
		return "", invalid("Domain is not a valid domain name")
	}
	if hasPort {
		a += ":" + port
	}
	return a, nil
}

// BlockDomain makes owner block every account of domain (a remote domain). Blocking
// it again changes nothing. The consequences (followers and follows ended) are the
// action's.
func (s *Service) BlockDomain(ctx context.Context, owner shard.ID, domain string) (string, error) {
	domain, err := NormalizeDomain(domain)
	if err != nil {
		return "", err
	}
	id := s.ids.Next()
	ok, _, err := s.st.PutIfAbsent(ctx, tDomainBlocks, owner.Bytes(), []byte(domain), id.Bytes(), 0)
	if err != nil {
		return "", fmt.Errorf("block domain %s for %d: %w", domain, owner, err)
	}
	if ok {
		if err := s.st.Put(ctx, tDomainByID, owner.Bytes(), id.Bytes(), []byte(domain), 0); err != nil {
			return "", fmt.Errorf("block domain %s for %d: %w", domain, owner, err)
		}
	}
	return domain, nil
}

// UnblockDomain lifts owner's block of domain; lifting one that is not there changes
// nothing.
func (s *Service) UnblockDomain(ctx context.Context, owner shard.ID, domain string) error {
	domain, err := NormalizeDomain(domain)
	if err != nil {
		return err
	}
	id, err := s.st.Get(ctx, tDomainBlocks, owner.Bytes(), []byte(domain))
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("unblock domain %s for %d: %w", domain, owner, err)
	}
	err = s.st.Batch(ctx, []store.Mutation{
		{Kind: store.Delete, Table: tDomainBlocks, PK: owner.Bytes(), CK: []byte(domain)},
		{Kind: store.Delete, Table: tDomainByID, PK: owner.Bytes(), CK: id},
	})
	if err != nil {
		return fmt.Errorf("unblock domain %s for %d: %w", domain, owner, err)
	}
	return nil
}

// DomainBlocks lists the domains owner blocks, newest block first.
func (s *Service) DomainBlocks(ctx context.Context, owner shard.ID, p paging.Page) ([]DomainBlock, error) {
	rows, err := s.st.Scan(ctx, tDomainByID, owner.Bytes(), p.Range())
	if err != nil {
		return nil, fmt.Errorf("domain blocks of %d: %w", owner, err)
	}
	rows = p.Newest(rows)
	out := make([]DomainBlock, len(rows))
	for i, r := range rows {
		out[i] = DomainBlock{ID: shard.FromBytes(r.CK), Domain: string(r.Value)}
	}
	return out, nil
}

// BlocksDomain reports whether owner blocks domain (empty for local accounts: never).
func (s *Service) BlocksDomain(ctx context.Context, owner shard.ID, domain string) (bool, error) {
	if domain == "" {
		return false, nil
	}
	_, err := s.st.Get(ctx, tDomainBlocks, owner.Bytes(), []byte(domain))
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("domain block of %s by %d: %w", domain, owner, err)
	}
	return true, nil
}

// BlockedDomains returns every domain owner blocks (nil for none): one scan of a
// partition that is empty for most accounts.
func (s *Service) BlockedDomains(ctx context.Context, owner shard.ID) (map[string]bool, error) {
	if owner == 0 {
		return nil, nil
	}
	rows, err := s.st.Scan(ctx, tDomainBlocks, owner.Bytes(), store.Range{})
	if err != nil {
		return nil, fmt.Errorf("domain blocks of %d: %w", owner, err)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	out := make(map[string]bool, len(rows))
	for _, r := range rows {
		out[string(r.CK)] = true
	}
	return out, nil
}

// DomainHidden returns which of others the viewer hides by blocking their domain:
// those of a blocked domain whom the viewer does not follow (Mastodon shows a
// followed account's posts and notifications despite a domain block). It reads the
// viewer's blocked domains, then, only when there are some, the accounts and the
// follows of those on a blocked domain.
func (s *Service) DomainHidden(ctx context.Context, viewer shard.ID, others []shard.ID) (map[shard.ID]bool, error) {
	out := map[shard.ID]bool{}
	if viewer == 0 || len(others) == 0 {
		return out, nil
	}
	domains, err := s.BlockedDomains(ctx, viewer)
	if err != nil || len(domains) == 0 {
		return out, err
	}
	accs, err := s.GetMany(ctx, others)
	if err != nil {
		return nil, err
	}
	var on []shard.ID
	for _, id := range others {
		if a := accs[id]; a != nil && domains[a.Domain] && !containsID(on, id) {
			on = append(on, id)
		}
	}
	if len(on) == 0 {
		return out, nil
	}
	followed, err := s.FollowsEach(ctx, viewer, on)
	if err != nil {
		return nil, err
	}
	for i, id := range on {
		if !followed[i] {
			out[id] = true
		}
	}
	return out, nil
}

// OnBlockedDomain reports whether account id is of a domain the viewer blocks,
// whether or not the viewer follows it: Mastodon's rule for its public and hashtag
// streams, and for a boost's original in home feeds, where a domain block hides
// even a followed account. It reads the viewer's blocked domains and, only when
// there are some, the account.
func (s *Service) OnBlockedDomain(ctx context.Context, viewer, id shard.ID) (bool, error) {
	if viewer == 0 {
		return false, nil
	}
	domains, err := s.BlockedDomains(ctx, viewer)
	if err != nil || len(domains) == 0 {
		return false, err
	}
	a, err := s.Get(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return a.Domain != "" && domains[a.Domain], nil
}

func containsID(ids []shard.ID, id shard.ID) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// DomainRelations returns owner's followers, followed or asked accounts (follows
// and pending requests) and requesters on domain, for the consequences of a domain block. It reads all
// of owner's followers and follows: a user's action, not a hot path.
func (s *Service) DomainRelations(ctx context.Context, owner shard.ID, domain string) (followers, following, requested []shard.ID, err error) {
	onDomain := func(ids []shard.ID) ([]shard.ID, error) {
		accs, err := s.GetMany(ctx, ids)
		if err != nil {
			return nil, err
		}
		var out []shard.ID
		for _, id := range ids {
			if a := accs[id]; a != nil && a.Domain == domain {
				out = append(out, id)
			}
		}
		return out, nil
	}
	for _, t := range []struct {
		table string
		dst   *[]shard.ID
	}{{tFollowers, &followers}, {tFollowing, &following}, {tReqIn, &requested}} {
		var cursor shard.ID
		for {
			ids, next, err := s.idPage(ctx, t.table, owner, cursor, 1000)
			if err != nil {
				return nil, nil, nil, err
			}
			got, err := onDomain(ids)
			if err != nil {
				return nil, nil, nil, err
			}
			*t.dst = append(*t.dst, got...)
			if next == 0 {
				break
			}
			cursor = next
		}
	}
	rows, err := s.st.Scan(ctx, tReqOut, owner.Bytes(), store.Range{})
	if err != nil {
		return nil, nil, nil, fmt.Errorf("requests of %d: %w", owner, err)
	}
	asked := make([]shard.ID, len(rows))
	for i, r := range rows {
		asked[i] = shard.FromBytes(r.CK)
	}
	if asked, err = onDomain(asked); err != nil {
		return nil, nil, nil, err
	}
	return followers, append(following, asked...), requested, nil
}
