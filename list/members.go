package list

import (
	"context"
	"fmt"

	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// Membership is one list that holds a member.
type Membership struct {
	Owner, List shard.ID
}

// present is the value of a membership row (never empty, so that a multi-get tells it
// from a missing row).
var present = []byte{1}

func membershipKey(owner, list shard.ID) []byte { return append(owner.Bytes(), list.Bytes()...) }

// Add puts accounts in l, all or none: each must exist (account.ErrNotFound
// otherwise), be followed or asked to be followed by the owner, or be the owner, and
// not be in the list yet, with Mastodon's messages.
func (s *Service) Add(ctx context.Context, l *List, accounts []shard.ID) error {
	have, err := s.has(ctx, l.ID, accounts)
	if err != nil {
		return err
	}
	seen := map[shard.ID]bool{}
	for i, id := range accounts {
		if _, err := s.rel.Get(ctx, id); err != nil {
			return err
		}
		if have[i] || seen[id] {
			return &Validation{"Account has already been taken"}
		}
		seen[id] = true
		if id == l.Owner {
			continue
		}
		ok, err := s.follows(ctx, l.Owner, id)
		if err != nil {
			return err
		}
		if !ok {
			return &Validation{"Account must be a followed account"}
		}
	}
	muts := make([]store.Mutation, 0, 2*len(accounts))
	for _, id := range accounts {
		muts = append(muts,
			store.Mutation{Kind: store.Put, Table: tMembers, PK: l.ID.Bytes(), CK: id.Bytes(), Value: present},
			store.Mutation{Kind: store.Put, Table: tOfOwner, PK: id.Bytes(), CK: membershipKey(l.Owner, l.ID), Value: present})
	}
	if err := s.st.ApplyEach(ctx, muts); err != nil {
		return fmt.Errorf("add %d accounts to list %d: %w", len(accounts), l.ID, err)
	}
	return nil
}

// follows reports whether owner follows target or has asked to.
func (s *Service) follows(ctx context.Context, owner, target shard.ID) (bool, error) {
	f, err := s.rel.FollowOf(ctx, owner, target)
	if err != nil || f != nil {
		return f != nil, err
	}
	r, err := s.rel.RequestOf(ctx, owner, target)
	return r != nil, err
}

// has reports, for each account, whether it is in the list.
func (s *Service) has(ctx context.Context, list shard.ID, accounts []shard.ID) ([]bool, error) {
	keys := make([]store.Key, len(accounts))
	for i, id := range accounts {
		keys[i] = store.Key{PK: list.Bytes(), CK: id.Bytes()}
	}
	vals, err := s.st.MultiGet(ctx, tMembers, keys)
	if err != nil {
		return nil, fmt.Errorf("members of list %d: %w", list, err)
	}
	out := make([]bool, len(vals))
	for i, v := range vals {
		out[i] = v != nil
	}
	return out, nil
}

// Has reports whether account is in the list.
func (s *Service) Has(ctx context.Context, list, account shard.ID) (bool, error) {
	in, err := s.has(ctx, list, []shard.ID{account})
	if err != nil {
		return false, err
	}
	return in[0], nil
}

// Remove takes accounts out of l and returns those that were in it; accounts not in
// it are ignored, as Mastodon does.
func (s *Service) Remove(ctx context.Context, l *List, accounts []shard.ID) ([]shard.ID, error) {
	have, err := s.has(ctx, l.ID, accounts)
	if err != nil {
		return nil, err
	}
	var removed []shard.ID
	for i, id := range accounts {
		if have[i] {
			removed = append(removed, id)
		}
	}
	return removed, s.drop(ctx, l, removed)
}

// drop deletes the membership rows of accounts in l.
func (s *Service) drop(ctx context.Context, l *List, accounts []shard.ID) error {
	muts := make([]store.Mutation, 0, 2*len(accounts))
	for _, id := range accounts {
		muts = append(muts,
			store.Mutation{Kind: store.Delete, Table: tMembers, PK: l.ID.Bytes(), CK: id.Bytes()},
			store.Mutation{Kind: store.Delete, Table: tOfOwner, PK: id.Bytes(), CK: membershipKey(l.Owner, l.ID)})
	}
	if err := s.st.ApplyEach(ctx, muts); err != nil {
		return fmt.Errorf("remove %d accounts from list %d: %w", len(accounts), l.ID, err)
	}
	return nil
}

// Members returns a page of a list's members by account id, newest account first
// (Mastodon pages list accounts by account id); a zero limit returns them all.
func (s *Service) Members(ctx context.Context, list shard.ID, p paging.Page) ([]shard.ID, error) {
	rows, err := s.st.Scan(ctx, tMembers, list.Bytes(), p.Range())
	if err != nil {
		return nil, fmt.Errorf("members of list %d: %w", list, err)
	}
	rows = p.Newest(rows)
	out := make([]shard.ID, len(rows))
	for i, r := range rows {
		out[i] = shard.FromBytes(r.CK)
	}
	return out, nil
}

// Memberships returns every list, of any owner, that holds member.
func (s *Service) Memberships(ctx context.Context, member shard.ID) ([]Membership, error) {
	rows, err := s.st.Scan(ctx, tOfOwner, member.Bytes(), store.Range{})
	if err != nil {
		return nil, fmt.Errorf("lists holding %d: %w", member, err)
	}
	out := make([]Membership, 0, len(rows))
	for _, r := range rows {
		if len(r.CK) == 16 {
			out = append(out, Membership{Owner: shard.FromBytes(r.CK[:8]), List: shard.FromBytes(r.CK[8:])})
		}
	}
	return out, nil
}

// Lists loads the lists of memberships; lists deleted meanwhile are left out.
func (s *Service) Lists(ctx context.Context, ms []Membership) ([]*List, error) {
	keys := make([]store.Key, len(ms))
	for i, m := range ms {
		keys[i] = store.Key{PK: m.Owner.Bytes(), CK: m.List.Bytes()}
	}
	vals, err := s.st.MultiGet(ctx, tLists, keys)
	if err != nil {
		return nil, fmt.Errorf("load %d lists: %w", len(ms), err)
	}
	out := make([]*List, 0, len(vals))
	for _, v := range vals {
		if v == nil {
			continue
		}
		var l List
		if err := store.Unmarshal(v, &l); err != nil {
			return nil, err
		}
		out = append(out, &l)
	}
	return out, nil
}

// Containing returns owner's lists that hold member, oldest first.
func (s *Service) Containing(ctx context.Context, owner, member shard.ID) ([]*List, error) {
	next := shard.ID(uint64(owner) + 1)
	rows, err := s.st.Scan(ctx, tOfOwner, member.Bytes(), store.Range{Lower: store.Incl(owner.Bytes()), Upper: store.Excl(next.Bytes())})
	if err != nil {
		return nil, fmt.Errorf("lists of %d holding %d: %w", owner, member, err)
	}
	ms := make([]Membership, 0, len(rows))
	for _, r := range rows {
		if len(r.CK) == 16 {
			ms = append(ms, Membership{Owner: owner, List: shard.FromBytes(r.CK[8:])})
		}
	}
	return s.Lists(ctx, ms)
}

// Unfollowed takes target out of every list of owner, as a follow's end destroys
// its list memberships in Mastodon, and returns the lists it was in.
func (s *Service) Unfollowed(ctx context.Context, owner, target shard.ID) ([]*List, error) {
	ls, err := s.Containing(ctx, owner, target)
	if err != nil {
		return nil, err
	}
	for _, l := range ls {
		if err := s.drop(ctx, l, []shard.ID{target}); err != nil {
			return nil, err
		}
	}
	return ls, nil
}

// ExclusiveMembers returns the members of owner's exclusive lists, whose posts
// stay out of owner's home.
func (s *Service) ExclusiveMembers(ctx context.Context, owner shard.ID) (map[shard.ID]bool, error) {
	ls, err := s.Of(ctx, owner)
	if err != nil {
		return nil, err
	}
	out := map[shard.ID]bool{}
	for _, l := range ls {
		if !l.Exclusive {
			continue
		}
		ms, err := s.Members(ctx, l.ID, paging.Page{})
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			out[m] = true
		}
	}
	return out, nil
}
