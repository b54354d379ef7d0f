package collection

import (
	"context"
	"fmt"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// MayFeature reports whether owner may put target in a collection, as Mastodon's
// AccountPolicy#feature?: target's feature approval policy must let owner in, and
// neither may block the other. A local account lets anyone feature it when it is
// discoverable (and nobody otherwise); a remote account's policy (its actor's
// featureApproval) is not read, which Mastodon treats as no policy: refused.
func MayFeature(target *account.Account, blocked bool) bool {
	return target.Domain == "" && target.Discoverable && !target.Suspended && !target.Pending && !blocked
}

// mayFeature loads target and applies MayFeature; an unknown target is not found.
func (s *Service) mayFeature(ctx context.Context, owner, target shard.ID) error {
	a, err := s.accs.Get(ctx, target)
	if err != nil {
		return err
	}
	blocked, err := s.accs.EitherBlocks(ctx, owner, target)
	if err != nil {
		return err
	}
	if !MayFeature(a, blocked) {
		return fmt.Errorf("%d featuring %d: %w", owner, target, ErrForbidden)
	}
	return nil
}

// Add puts target in owner's collection id, as Mastodon's
// AddAccountToCollectionService: the collection must be owner's and target one owner
// may feature (ErrForbidden), the collection must hold fewer than MaxItems pending or
// accepted items, and target must not be in it yet, in whatever state. A local
// account's item is accepted at once.
func (s *Service) Add(ctx context.Context, owner, id, target shard.ID) (*Item, error) {
	if _, err := s.own(ctx, owner, id); err != nil {
		return nil, err
	}
	if err := s.mayFeature(ctx, owner, target); err != nil {
		return nil, err
	}
	items, err := s.Items(ctx, id)
	if err != nil {
		return nil, err
	}
	live := 0
	for _, it := range items {
		if it.Live() {
			live++
		}
	}
	if live >= MaxItems {
		return nil, tooMany()
	}
	it := &Item{ID: s.ids.Next(), Collection: id, Account: target, State: Accepted, CreatedAt: s.now()}
	wrote, _, err := s.st.PutIfAbsent(ctx, tMembers, id.Bytes(), target.Bytes(), it.ID.Bytes(), 0)
	if err != nil {
		return nil, fmt.Errorf("add %d to collection %d: %w", target, id, err)
	}
	if !wrote {
		return nil, &Validation{Errs: []FieldError{fieldError("account_id", "Account", "ERR_TAKEN", "has already been taken")}}
	}
	muts, err := itemRows(it)
	if err == nil {
		err = s.st.Batch(ctx, muts)
	}
	if err != nil {
		// Let the account go again, so that a retry is not refused as taken.
		_ = s.st.Delete(ctx, tMembers, id.Bytes(), target.Bytes())
		return nil, fmt.Errorf("add %d to collection %d: %w", target, id, err)
	}
	return it, nil
}

// Remove deletes item of owner's collection id, as Mastodon's
// DeleteCollectionItemService; the account may be added again afterwards.
func (s *Service) Remove(ctx context.Context, owner, id, item shard.ID) error {
	c, err := s.Get(ctx, id)
	if err != nil {
		return err
	}
	it, err := s.Item(ctx, id, item)
	if err != nil {
		return err
	}
	if c.Owner != owner {
		return fmt.Errorf("item %d of collection %d removed by %d: %w", item, id, owner, ErrForbidden)
	}
	muts := []store.Mutation{
		{Kind: store.Delete, Table: tItems, PK: id.Bytes(), CK: item.Bytes()},
		{Kind: store.Delete, Table: tMembers, PK: id.Bytes(), CK: it.Account.Bytes()},
		{Kind: store.Delete, Table: tFeaturing, PK: it.Account.Bytes(), CK: id.Bytes()},
	}
	if err := s.st.Batch(ctx, muts); err != nil {
		return fmt.Errorf("remove item %d of collection %d: %w", item, id, err)
	}
	return nil
}

// Revoke lets the featured account withdraw from a collection, as Mastodon's
// RevokeCollectionItemService: only the item's account may (ErrForbidden), the item
// stays with the state revoked (shown to nobody, still counted in item_count, and
// the account cannot be added again until the owner removes the item).
func (s *Service) Revoke(ctx context.Context, by, id, item shard.ID) error {
	if _, err := s.Get(ctx, id); err != nil {
		return err
	}
	it, err := s.Item(ctx, id, item)
	if err != nil {
		return err
	}
	if it.Account == 0 || it.Account != by {
		return fmt.Errorf("item %d of collection %d revoked by %d: %w", item, id, by, ErrForbidden)
	}
	it.State = Revoked
	b, err := store.Marshal(it)
	if err != nil {
		return err
	}
	muts := []store.Mutation{
		{Kind: store.Put, Table: tItems, PK: id.Bytes(), CK: item.Bytes(), Value: b},
		{Kind: store.Delete, Table: tFeaturing, PK: it.Account.Bytes(), CK: id.Bytes()},
	}
	if err := s.st.Batch(ctx, muts); err != nil {
		return fmt.Errorf("revoke item %d of collection %d: %w", item, id, err)
	}
	return nil
}

// Blocks is the part of account.Service that Shown reads.
type Blocks interface {
	Blocking(ctx context.Context, viewer shard.ID, others []shard.ID) (map[shard.ID]bool, error)
}

// Shown returns the items of c that viewer (zero: anonymous) sees, as Mastodon's
// Collection#items_for: the owner sees pending and accepted items, others accepted
// ones only, and nobody sees the accounts they block.
func Shown(ctx context.Context, b Blocks, c *Collection, items []*Item, viewer shard.ID) ([]*Item, error) {
	var out []*Item
	var ids []shard.ID
	for _, it := range items {
		if it.State == Accepted || (viewer == c.Owner && it.State == Pending) {
			out = append(out, it)
			ids = append(ids, it.Account)
		}
	}
	blocked, err := b.Blocking(ctx, viewer, ids)
	if err != nil {
		return nil, err
	}
	kept := out[:0]
	for _, it := range out {
		if !blocked[it.Account] {
			kept = append(kept, it)
		}
	}
	return kept, nil
}
