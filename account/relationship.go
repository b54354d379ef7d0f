package account

import (
	"context"
	"time"

	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// Relationship is how the viewer stands toward one account.
type Relationship struct {
	ID                          shard.ID
	Following, ShowingReblogs   bool
	Notifying                   bool
	Languages                   []string
	FollowedBy                  bool
	Blocking, BlockedBy         bool
	Muting, MutingNotifications bool
	MutingExpiresAt             time.Time
	Requested, RequestedBy      bool
	DomainBlocking, Endorsed    bool
	Note                        string
}

// Relationships returns the viewer's relationships with each of ids, in order.
func (s *Service) Relationships(ctx context.Context, viewer shard.ID, ids []shard.ID) ([]Relationship, error) {
	mine := make([]store.Key, len(ids))
	theirs := make([]store.Key, len(ids))
	for i, id := range ids {
		mine[i], theirs[i] = pair(viewer, id), pair(id, viewer)
	}
	var vals [8][][]byte
	for i, q := range []struct {
		table string
		keys  []store.Key
	}{{tFollows, mine}, {tFollows, theirs}, {tBlocks, mine}, {tBlocks, theirs}, {tMutes, mine}, {tReqOut, mine},
		{tEndorsed, mine}, {tNotes, mine}} {
		v, err := s.st.MultiGet(ctx, q.table, q.keys)
		if err != nil {
			return nil, err
		}
		vals[i] = v
	}
	requestedBy, err := s.exists(ctx, tReqOut, theirs)
	if err != nil {
		return nil, err
	}
	domainBlocking, err := s.domainBlocking(ctx, viewer, ids)
	if err != nil {
		return nil, err
	}
	out := make([]Relationship, len(ids))
	for i, id := range ids {
		r := Relationship{ID: id, FollowedBy: vals[1][i] != nil, Blocking: vals[2][i] != nil,
			BlockedBy: vals[3][i] != nil, Requested: vals[5][i] != nil, RequestedBy: requestedBy[i],
			DomainBlocking: domainBlocking[id], Endorsed: vals[6][i] != nil, Note: string(vals[7][i])}
		if v := vals[0][i]; v != nil {
			var f Follow
			if err := store.Unmarshal(v, &f); err != nil {
				return nil, err
			}
			r.Following, r.ShowingReblogs, r.Notifying, r.Languages = true, f.Reblogs, f.Notify, f.Languages
		}
		if v := vals[4][i]; v != nil {
			var m Mute
			if err := store.Unmarshal(v, &m); err != nil {
				return nil, err
			}
			r.Muting, r.MutingNotifications, r.MutingExpiresAt = true, m.Notifications, m.ExpiresAt
		}
		out[i] = r
	}
	return out, nil
}

// domainBlocking returns which of ids are on a domain the viewer blocks.
func (s *Service) domainBlocking(ctx context.Context, viewer shard.ID, ids []shard.ID) (map[shard.ID]bool, error) {
	domains, err := s.BlockedDomains(ctx, viewer)
	if err != nil || len(domains) == 0 {
		return nil, err
	}
	accs, err := s.GetMany(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := map[shard.ID]bool{}
	for id, a := range accs {
		if a != nil && domains[a.Domain] {
			out[id] = true
		}
	}
	return out, nil
}
