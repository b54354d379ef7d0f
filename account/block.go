package account

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// Mute is one mute; Notifications tells whether notifications are muted too.
type Mute struct {
	ID            shard.ID  `cbor:"1,keyasint"`
	Notifications bool      `cbor:"2,keyasint"`
	ExpiresAt     time.Time `cbor:"3,keyasint,omitempty"`
}

// Block makes blocker block target, which also ends follows and requests both ways.
func (s *Service) Block(ctx context.Context, blocker, target shard.ID) error {
	if blocker == target {
		return ErrSelf
	}
	id := s.ids.Next()
	ok, _, err := s.st.PutIfAbsent(ctx, tBlocks, blocker.Bytes(), target.Bytes(), id.Bytes(), 0)
	if err != nil {
		return fmt.Errorf("block %d→%d: %w", blocker, target, err)
	}
	if ok {
		err = s.st.Batch(ctx, []store.Mutation{
			{Kind: store.Put, Table: tBlocksByID, PK: blocker.Bytes(), CK: id.Bytes(), Value: target.Bytes()},
			{Kind: store.Put, Table: tBlockedBy, PK: target.Bytes(), CK: blocker.Bytes(), Value: id.Bytes()},
		})
		if err != nil {
			return fmt.Errorf("block %d→%d: %w", blocker, target, err)
		}
	}
	for _, p := range [][2]shard.ID{{blocker, target}, {target, blocker}} {
		if err := s.Unfollow(ctx, p[0], p[1]); err != nil {
			return err
		}
	}
	return nil
}

// Unblock lifts a block.
func (s *Service) Unblock(ctx context.Context, blocker, target shard.ID) error {
	b, err := s.st.Get(ctx, tBlocks, blocker.Bytes(), target.Bytes())
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("unblock %d→%d: %w", blocker, target, err)
	}
	err = s.st.Batch(ctx, []store.Mutation{
		{Kind: store.Delete, Table: tBlocks, PK: blocker.Bytes(), CK: target.Bytes()},
		{Kind: store.Delete, Table: tBlocksByID, PK: blocker.Bytes(), CK: b},
		{Kind: store.Delete, Table: tBlockedBy, PK: target.Bytes(), CK: blocker.Bytes()},
	})
	if err != nil {
		return fmt.Errorf("unblock %d→%d: %w", blocker, target, err)
	}
	return nil
}

func (s *Service) eitherBlocks(ctx context.Context, a, b shard.ID) (bool, error) {
	found, err := s.exists(ctx, tBlocks, []store.Key{pair(a, b), pair(b, a)})
	if err != nil {
		return false, err
	}
	return found[0] || found[1], nil
}

// EitherBlocks reports whether a blocks b or b blocks a.
func (s *Service) EitherBlocks(ctx context.Context, a, b shard.ID) (bool, error) {
	if a == 0 || b == 0 || a == b {
		return false, nil
	}
	return s.eitherBlocks(ctx, a, b)
}

// Mute makes muter mute target, for d (zero: until unmuted).
func (s *Service) Mute(ctx context.Context, muter, target shard.ID, notifications bool, d time.Duration) error {
	if muter == target {
		return ErrSelf
	}
	m := Mute{ID: s.ids.Next(), Notifications: notifications}
	if d > 0 {
		m.ExpiresAt = s.opts.Now().Add(d).UTC()
	}
	if err := s.Unmute(ctx, muter, target); err != nil {
		return err
	}
	b, err := store.Marshal(&m)
	if err != nil {
		return err
	}
	err = s.st.Batch(ctx, []store.Mutation{
		{Kind: store.Put, Table: tMutes, PK: muter.Bytes(), CK: target.Bytes(), Value: b, TTL: d},
		{Kind: store.Put, Table: tMutesByID, PK: muter.Bytes(), CK: m.ID.Bytes(), Value: target.Bytes(), TTL: d},
		{Kind: store.Put, Table: tMutedBy, PK: target.Bytes(), CK: muter.Bytes(), Value: b, TTL: d},
	})
	if err != nil {
		return fmt.Errorf("mute %d→%d: %w", muter, target, err)
	}
	return nil
}

// Unmute lifts a mute.
func (s *Service) Unmute(ctx context.Context, muter, target shard.ID) error {
	m, err := s.mute(ctx, muter, target)
	if err != nil || m == nil {
		return err
	}
	err = s.st.Batch(ctx, []store.Mutation{
		{Kind: store.Delete, Table: tMutes, PK: muter.Bytes(), CK: target.Bytes()},
		{Kind: store.Delete, Table: tMutesByID, PK: muter.Bytes(), CK: m.ID.Bytes()},
		{Kind: store.Delete, Table: tMutedBy, PK: target.Bytes(), CK: muter.Bytes()},
	})
	if err != nil {
		return fmt.Errorf("unmute %d→%d: %w", muter, target, err)
	}
	return nil
}

func (s *Service) mute(ctx context.Context, muter, target shard.ID) (*Mute, error) {
	b, err := s.st.Get(ctx, tMutes, muter.Bytes(), target.Bytes())
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load mute %d→%d: %w", muter, target, err)
	}
	var m Mute
	if err := store.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	return &m, nil
}

// MuteEnds returns when muter's mutes of targets end, for those that end (Mastodon's
// mute_expires_at): one multi-get of the mutes.
func (s *Service) MuteEnds(ctx context.Context, muter shard.ID, targets []shard.ID) (map[shard.ID]time.Time, error) {
	keys := make([]store.Key, len(targets))
	for i, t := range targets {
		keys[i] = pair(muter, t)
	}
	mutes, err := s.mutes(ctx, keys)
	if err != nil {
		return nil, fmt.Errorf("mutes of %d: %w", muter, err)
	}
	out := map[shard.ID]time.Time{}
	for i, m := range mutes {
		if m != nil && !m.ExpiresAt.IsZero() {
			out[targets[i]] = m.ExpiresAt
		}
	}
	return out, nil
}

// Muters reports, for each candidate, whether candidate mutes target (with the
// notifications flag when asked for notifications).
func (s *Service) Muters(ctx context.Context, candidates []shard.ID, target shard.ID, notifications bool) ([]bool, error) {
	keys := make([]store.Key, len(candidates))
	for i, c := range candidates {
		keys[i] = pair(c, target)
	}
	mutes, err := s.mutes(ctx, keys)
	if err != nil {
		return nil, fmt.Errorf("check mutes of %d: %w", target, err)
	}
	out := make([]bool, len(mutes))
	for i, m := range mutes {
		out[i] = m != nil && (!notifications || m.Notifications)
	}
	return out, nil
}

// mutes reads the mutes of (muter, target) keys, nil where there is none.
func (s *Service) mutes(ctx context.Context, keys []store.Key) ([]*Mute, error) {
	vals, err := s.st.MultiGet(ctx, tMutes, keys)
	if err != nil {
		return nil, err
	}
	out := make([]*Mute, len(vals))
	for i, v := range vals {
		if v == nil {
			continue
		}
		out[i] = new(Mute)
		if err := store.Unmarshal(v, out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// BlockersOf returns the accounts that block target (one partition).
func (s *Service) BlockersOf(ctx context.Context, target shard.ID) ([]shard.ID, error) {
	rows, err := s.st.Scan(ctx, tBlockedBy, target.Bytes(), store.Range{})
	if err != nil {
		return nil, fmt.Errorf("blockers of %d: %w", target, err)
	}
	out := make([]shard.ID, len(rows))
	for i, r := range rows {
		out[i] = shard.FromBytes(r.CK)
	}
	return out, nil
}

// MutersOf returns the accounts that mute target, each with whether the mute hides
// target's notifications too. It reads one partition: fan-out asks once per post
// instead of asking each follower.
func (s *Service) MutersOf(ctx context.Context, target shard.ID) (map[shard.ID]bool, error) {
	rows, err := s.st.Scan(ctx, tMutedBy, target.Bytes(), store.Range{})
	if err != nil {
		return nil, fmt.Errorf("muters of %d: %w", target, err)
	}
	out := make(map[shard.ID]bool, len(rows))
	for _, r := range rows {
		var m Mute
		if err := store.Unmarshal(r.Value, &m); err != nil {
			return nil, err
		}
		out[shard.FromBytes(r.CK)] = m.Notifications
	}
	return out, nil
}

// Hidden returns which of others the viewer must not see content from: accounts the
// viewer blocks or mutes, accounts that block the viewer, and accounts of a domain
// the viewer blocks unless the viewer follows them (DomainHidden).
func (s *Service) Hidden(ctx context.Context, viewer shard.ID, others []shard.ID) (map[shard.ID]bool, error) {
	out, err := s.BlockedOrMuted(ctx, viewer, others)
	if err != nil {
		return nil, err
	}
	byDomain, err := s.DomainHidden(ctx, viewer, others)
	if err != nil {
		return nil, err
	}
	for id := range byDomain {
		out[id] = true
	}
	return out, nil
}

// BlockedOrMuted returns which of others the viewer blocks or mutes, or are blocking
// the viewer: Hidden without domain blocks, for the readers that apply those by
// another rule (OnBlockedDomain).
func (s *Service) BlockedOrMuted(ctx context.Context, viewer shard.ID, others []shard.ID) (map[shard.ID]bool, error) {
	return s.relatedAny(ctx, viewer, others, relation{tBlocks, false}, relation{tMutes, false}, relation{tBlocks, true})
}
