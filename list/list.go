// Package list owns an account's lists as Mastodon has them: the list itself (title,
// replies_policy, exclusive), its members (accounts the owner follows or has asked
// to follow, or the owner), Mastodon's limits and validation messages, and the
// reverse index from a member to the lists that hold it, which fan-out reads once per
// post. It does not own list timelines (package timeline), nor what follows from a
// membership change (merging or removing a member's posts: package action, through
// fanout). It must not know HTTP or engines.
package list

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

const (
	tLists   = "lists"        // owner → list id → List
	tMembers = "list_members" // list id → member account id (Desc) → —
	tOfOwner = "member_lists" // member account id → owner id ‖ list id → —
)

// MaxPerAccount is how many lists an account may have (Mastodon's
// List::PER_ACCOUNT_LIMIT).
const MaxPerAccount = 50

// Schema lists the tables this package uses.
func Schema() store.Schema {
	return store.Schema{{Name: tLists}, {Name: tMembers, Order: store.Desc}, {Name: tOfOwner}}
}

// ErrNotFound is a list that does not exist or is not the caller's.
var ErrNotFound = errors.New("list: not found")

// Validation is a refused change, with Mastodon's message.
type Validation struct{ Msg string }

func (v *Validation) Error() string { return "Validation failed: " + v.Msg }

// RepliesPolicy says which replies of members a list shows.
type RepliesPolicy string

const (
	// Followed shows replies to any account the owner follows.
	Followed RepliesPolicy = "followed"
	// Members shows replies to members of the list (Mastodon's "list", the default).
	Members RepliesPolicy = "list"
	// NoReplies shows no replies to others (a member's replies to itself and to
	// the owner still show, as in Mastodon).
	NoReplies RepliesPolicy = "none"
)

// ParsePolicy reads a replies_policy parameter.
func ParsePolicy(s string) (RepliesPolicy, error) {
	switch p := RepliesPolicy(s); p {
	case Followed, Members, NoReplies:
		return p, nil
	}
	return "", &Validation{"Replies policy is not included in the list"}
}

// List is one list.
type List struct {
	ID            shard.ID      `cbor:"1,keyasint"`
	Owner         shard.ID      `cbor:"2,keyasint"`
	Title         string        `cbor:"3,keyasint"`
	RepliesPolicy RepliesPolicy `cbor:"4,keyasint"`
	Exclusive     bool          `cbor:"5,keyasint,omitempty"`
}

// Changes are the fields of a create or an update; nil keeps the current value (or
// the default on create).
type Changes struct {
	Title         *string
	RepliesPolicy *RepliesPolicy
	Exclusive     *bool
}

// Relations is the part of account.Service that membership checks read.
type Relations interface {
	Get(ctx context.Context, id shard.ID) (*account.Account, error)
	FollowOf(ctx context.Context, follower, target shard.ID) (*account.Follow, error)
	RequestOf(ctx context.Context, follower, target shard.ID) (*account.Follow, error)
}

// Service keeps lists.
type Service struct {
	st  store.Store
	ids *shard.Generator
	rel Relations
}

// New returns the list service.
func New(st store.Store, ids *shard.Generator, rel Relations) *Service {
	return &Service{st: st, ids: ids, rel: rel}
}

func (s *Service) put(ctx context.Context, l *List) error {
	b, err := store.Marshal(l)
	if err != nil {
		return err
	}
	if err := s.st.Put(ctx, tLists, l.Owner.Bytes(), l.ID.Bytes(), b, 0); err != nil {
		return fmt.Errorf("save list %d: %w", l.ID, err)
	}
	return nil
}

// Create makes a list of owner, refusing a blank title, an unknown policy and a 51st
// list.
func (s *Service) Create(ctx context.Context, owner shard.ID, c Changes) (*List, error) {
	have, err := s.Of(ctx, owner)
	if err != nil {
		return nil, err
	}
	l := &List{Owner: owner, RepliesPolicy: Members}
	if err := c.apply(l); err != nil {
		return nil, err
	}
	if len(have) >= MaxPerAccount {
		return nil, &Validation{"You have reached the maximum number of lists"}
	}
	l.ID = s.ids.Next()
	return l, s.put(ctx, l)
}

func (c Changes) apply(l *List) error {
	if c.Title != nil {
		l.Title = *c.Title
	}
	if c.RepliesPolicy != nil {
		l.RepliesPolicy = *c.RepliesPolicy
	}
	if c.Exclusive != nil {
		l.Exclusive = *c.Exclusive
	}
	if strings.TrimSpace(l.Title) == "" {
		return &Validation{"Title can't be blank"}
	}
	_, err := ParsePolicy(string(l.RepliesPolicy))
	return err
}

// Update changes owner's list id.
func (s *Service) Update(ctx context.Context, owner, id shard.ID, c Changes) (*List, error) {
	l, err := s.Get(ctx, owner, id)
	if err != nil {
		return nil, err
	}
	if err := c.apply(l); err != nil {
		return nil, err
	}
	return l, s.put(ctx, l)
}

// Get returns owner's list id, or ErrNotFound (also for another account's list).
func (s *Service) Get(ctx context.Context, owner, id shard.ID) (*List, error) {
	b, err := s.st.Get(ctx, tLists, owner.Bytes(), id.Bytes())
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("list %d of %d: %w", id, owner, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("load list %d: %w", id, err)
	}
	var l List
	if err := store.Unmarshal(b, &l); err != nil {
		return nil, err
	}
	return &l, nil
}

// Of returns owner's lists, oldest first (Mastodon orders them by id).
func (s *Service) Of(ctx context.Context, owner shard.ID) ([]*List, error) {
	rows, err := s.st.Scan(ctx, tLists, owner.Bytes(), store.Range{})
	if err != nil {
		return nil, fmt.Errorf("lists of %d: %w", owner, err)
	}
	out := make([]*List, 0, len(rows))
	for _, r := range rows {
		var l List
		if err := store.Unmarshal(r.Value, &l); err != nil {
			return nil, err
		}
		out = append(out, &l)
	}
	return out, nil
}

// Delete removes owner's list id with its memberships and returns its members. The
// list's timeline is the caller's to clear.
func (s *Service) Delete(ctx context.Context, owner, id shard.ID) ([]shard.ID, error) {
	l, err := s.Get(ctx, owner, id)
	if err != nil {
		return nil, err
	}
	members, err := s.Members(ctx, l.ID, paging.Page{})
	if err != nil {
		return nil, err
	}
	if err := s.drop(ctx, l, members); err != nil {
		return nil, err
	}
	muts := []store.Mutation{
		{Kind: store.Delete, Table: tLists, PK: owner.Bytes(), CK: id.Bytes()},
		{Kind: store.DeletePartition, Table: tMembers, PK: id.Bytes()},
	}
	if err := s.st.Batch(ctx, muts); err != nil {
		return nil, fmt.Errorf("delete list %d: %w", id, err)
	}
	return members, nil
}
