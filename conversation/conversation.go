// Package conversation owns direct conversations as Mastodon's AccountConversation
// has them: for each local account among the author and the mentioned accounts of a
// direct status, one conversation per set of other participants, holding its direct
// statuses, the last of them and an unread flag. Fan-out feeds it (Add on a direct
// status, StatusDeleted on its delete); the API reads it, marks it read and removes it
// for its owner. It does not decide which statuses are direct or which participants
// are local (fanout), nor render anything; it must not know HTTP or engines.
package conversation

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

const (
	tConversations = "conversations"         // owner → conversation id → Conversation
	tSets          = "conversation_sets"     // owner → participant set key → conversation id
	tOrder         = "conversation_order"    // owner → last status id (Desc) → conversation id
	tStatuses      = "conversation_statuses" // conversation id → status id (Desc) → —
)

// Schema lists the tables this package uses.
func Schema() store.Schema {
	return store.Schema{{Name: tConversations}, {Name: tSets}, {Name: tOrder, Order: store.Desc}, {Name: tStatuses, Order: store.Desc}}
}

// ErrNotFound is a conversation that does not exist or is not the caller's.
var ErrNotFound = errors.New("conversation: not found")

// Conversation is one account's conversation with a set of other participants.
type Conversation struct {
	ID    shard.ID `cbor:"1,keyasint"`
	Owner shard.ID `cbor:"2,keyasint"`
	// Participants are the other accounts, in ascending id order.
	Participants []shard.ID `cbor:"3,keyasint,omitempty"`
	LastStatusID shard.ID   `cbor:"4,keyasint"`
	Unread       bool       `cbor:"5,keyasint,omitempty"`
}

// Service keeps conversations.
type Service struct {
	st  store.Store
	ids *shard.Generator
}

// New returns the conversation service.
func New(st store.Store, ids *shard.Generator) *Service {
	return &Service{st: st, ids: ids}
}

var present = []byte{1}

// Others returns the participants of a direct status other than owner, once each,
// in ascending id order: its author and mentioned accounts.
func Others(owner, author shard.ID, mentions []shard.ID) []shard.ID {
	out := make([]shard.ID, 0, len(mentions)+1)
	for _, id := range append([]shard.ID{author}, mentions...) {
		if id != owner && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// normal returns others sorted, once each.
func normal(others []shard.ID) []shard.ID {
	out := slices.Clone(others)
	slices.Sort(out)
	return slices.Compact(out)
}

func setKey(others []shard.ID) []byte {
	k := make([]byte, 0, 8*len(others)+1)
	k = append(k, 's') // never empty: a note to oneself has no other participant
	for _, id := range others {
		k = append(k, id.Bytes()...)
	}
	return k
}

// Add records statusID, a direct status by author, in owner's conversation with
// others (made if missing) and returns the conversation. It becomes the last status
// if it is newer than the last one (ids follow the published time, so a remote status
// may arrive older), and the conversation is unread unless owner wrote it, as
// Mastodon's AccountConversation.add_status. Adding a status again changes nothing.
func (s *Service) Add(ctx context.Context, owner, author, statusID shard.ID, others []shard.ID) (*Conversation, error) {
	c, err := s.bySet(ctx, owner, others, true)
	if err != nil {
		return nil, err
	}
	if _, err := s.st.Get(ctx, tStatuses, c.ID.Bytes(), statusID.Bytes()); err == nil {
		return c, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("conversation %d status %d: %w", c.ID, statusID, err)
	}
	if err := s.st.Put(ctx, tStatuses, c.ID.Bytes(), statusID.Bytes(), present, 0); err != nil {
		return nil, fmt.Errorf("add status %d to conversation %d: %w", statusID, c.ID, err)
	}
	c.Unread = author != owner
	if statusID <= c.LastStatusID {
		return c, s.put(ctx, c)
	}
	return c, s.moveLast(ctx, c, statusID)
}

// bySet returns owner's conversation with others; with create, a missing one is made
// (concurrent makers agree on one).
func (s *Service) bySet(ctx context.Context, owner shard.ID, others []shard.ID, create bool) (*Conversation, error) {
	others = normal(others)
	key := setKey(others)
	b, err := s.st.Get(ctx, tSets, owner.Bytes(), key)
	if err == nil {
		return s.Get(ctx, owner, shard.FromBytes(b))
	}
	if !errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("conversation of %d: %w", owner, err)
	}
	if !create {
		return nil, fmt.Errorf("conversation of %d: %w", owner, ErrNotFound)
	}
	c := &Conversation{ID: s.ids.Next(), Owner: owner, Participants: others}
	if err := s.put(ctx, c); err != nil {
		return nil, err
	}
	wrote, had, err := s.st.PutIfAbsent(ctx, tSets, owner.Bytes(), key, c.ID.Bytes(), 0)
	if err != nil {
		return nil, fmt.Errorf("save conversation %d: %w", c.ID, err)
	}
	if !wrote {
		_ = s.st.Delete(ctx, tConversations, owner.Bytes(), c.ID.Bytes())
		return s.Get(ctx, owner, shard.FromBytes(had))
	}
	return c, nil
}

// moveLast makes last the conversation's last status (moving its place in the
// owner's order) and saves the conversation.
func (s *Service) moveLast(ctx context.Context, c *Conversation, last shard.ID) error {
	old := c.LastStatusID
	c.LastStatusID = last
	if err := s.put(ctx, c); err != nil {
		return err
	}
	if err := s.st.Put(ctx, tOrder, c.Owner.Bytes(), last.Bytes(), c.ID.Bytes(), 0); err != nil {
		return fmt.Errorf("order conversation %d: %w", c.ID, err)
	}
	if old != 0 && old != last {
		if err := s.st.Delete(ctx, tOrder, c.Owner.Bytes(), old.Bytes()); err != nil {
			return fmt.Errorf("order conversation %d: %w", c.ID, err)
		}
	}
	return nil
}

func (s *Service) put(ctx context.Context, c *Conversation) error {
	b, err := store.Marshal(c)
	if err != nil {
		return err
	}
	if err := s.st.Put(ctx, tConversations, c.Owner.Bytes(), c.ID.Bytes(), b, 0); err != nil {
		return fmt.Errorf("save conversation %d: %w", c.ID, err)
	}
	return nil
}

// Get returns owner's conversation id, or ErrNotFound (also for another account's).
func (s *Service) Get(ctx context.Context, owner, id shard.ID) (*Conversation, error) {
	b, err := s.st.Get(ctx, tConversations, owner.Bytes(), id.Bytes())
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("conversation %d of %d: %w", id, owner, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("load conversation %d: %w", id, err)
	}
	var c Conversation
	if err := store.Unmarshal(b, &c); err != nil {
		return nil, err
	}
	return &c, nil
}

// Page returns a page of owner's conversations by last status, newest first, as
// Mastodon pages them (the cursors are last status ids).
func (s *Service) Page(ctx context.Context, owner shard.ID, p paging.Page) ([]*Conversation, error) {
	rows, err := s.st.Scan(ctx, tOrder, owner.Bytes(), p.Range())
	if err != nil {
		return nil, fmt.Errorf("conversations of %d: %w", owner, err)
	}
	rows = p.Newest(rows)
	keys := make([]store.Key, len(rows))
	for i, r := range rows {
		keys[i] = store.Key{PK: owner.Bytes(), CK: r.Value}
	}
	vals, err := s.st.MultiGet(ctx, tConversations, keys)
	if err != nil {
		return nil, fmt.Errorf("conversations of %d: %w", owner, err)
	}
	out := make([]*Conversation, 0, len(vals))
	for _, v := range vals {
		if v == nil {
			continue
		}
		var c Conversation
		if err := store.Unmarshal(v, &c); err != nil {
			return nil, err
		}
		out = append(out, &c)
	}
	return out, nil
}

// Read marks owner's conversation id read and returns it.
func (s *Service) Read(ctx context.Context, owner, id shard.ID) (*Conversation, error) {
	c, err := s.Get(ctx, owner, id)
	if err != nil {
		return nil, err
	}
	if !c.Unread {
		return c, nil
	}
	c.Unread = false
	return c, s.put(ctx, c)
}

// Remove deletes owner's conversation id for owner alone; the other participants
// keep theirs, and a later direct status starts it again.
func (s *Service) Remove(ctx context.Context, owner, id shard.ID) error {
	c, err := s.Get(ctx, owner, id)
	if err != nil {
		return err
	}
	return s.drop(ctx, c)
}

func (s *Service) drop(ctx context.Context, c *Conversation) error {
	muts := []store.Mutation{
		{Kind: store.Delete, Table: tSets, PK: c.Owner.Bytes(), CK: setKey(c.Participants)},
		{Kind: store.DeletePartition, Table: tStatuses, PK: c.ID.Bytes()},
		{Kind: store.Delete, Table: tConversations, PK: c.Owner.Bytes(), CK: c.ID.Bytes()},
	}
	if c.LastStatusID != 0 {
		muts = append(muts, store.Mutation{Kind: store.Delete, Table: tOrder, PK: c.Owner.Bytes(), CK: c.LastStatusID.Bytes()})
	}
	if err := s.st.ApplyEach(ctx, muts); err != nil {
		return fmt.Errorf("remove conversation %d: %w", c.ID, err)
	}
	return nil
}

// StatusDeleted takes statusID out of owner's conversation with others: when it was
// the last status, the previous one becomes the last, and a conversation left empty
// disappears. It returns the conversation, nil when there is none any more.
func (s *Service) StatusDeleted(ctx context.Context, owner, statusID shard.ID, others []shard.ID) (*Conversation, error) {
	c, err := s.bySet(ctx, owner, others, false)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if err := s.st.Delete(ctx, tStatuses, c.ID.Bytes(), statusID.Bytes()); err != nil {
		return nil, fmt.Errorf("conversation %d: drop status %d: %w", c.ID, statusID, err)
	}
	if statusID != c.LastStatusID {
		return c, nil
	}
	rows, err := s.st.Scan(ctx, tStatuses, c.ID.Bytes(), store.Range{Limit: 1})
	if err != nil {
		return nil, fmt.Errorf("conversation %d statuses: %w", c.ID, err)
	}
	if len(rows) == 0 {
		return nil, s.drop(ctx, c)
	}
	return c, s.moveLast(ctx, c, shard.FromBytes(rows[0].CK))
}
