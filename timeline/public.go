package timeline

import (
	"context"
	"encoding/binary"
	"fmt"
	"time"

	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// Scope of a public or hashtag timeline.
type Scope byte

const (
	// All holds every public status.
	All Scope = iota
	// Local holds public statuses posted here.
	Local
	// Remote holds public statuses from other servers.
	Remote
)

// Flags of a public timeline row.
const flagMedia byte = 1

// PublicEntry is a status to add to the public timelines and its hashtags.
type PublicEntry struct {
	StatusID shard.ID
	Local    bool
	Media    bool
	Tags     []string // normalised names
}

func day(id shard.ID) uint32 { return uint32(id.Time().Unix() / 86400) }

func bucketKey(base []byte, scope Scope, d uint32) []byte {
	k := make([]byte, 0, len(base)+5)
	k = append(k, base...)
	k = append(k, byte(scope))
	return binary.BigEndian.AppendUint32(k, d)
}

func tagBase(tag string) []byte { return append([]byte(tag), 0) }

// AddPublic inserts a public status into the public, local or remote, and hashtag
// timelines, in one batch.
func (s *Service) AddPublic(ctx context.Context, e PublicEntry) error {
	d := day(e.StatusID)
	val := []byte{0}
	if e.Media {
		val[0] = flagMedia
	}
	where := Remote
	if e.Local {
		where = Local
	}
	var muts []store.Mutation
	add := func(table string, base []byte, scope Scope) {
		pk := bucketKey(base, scope, d)
		muts = append(muts,
			store.Mutation{Kind: store.Put, Table: table, PK: pk, CK: e.StatusID.Bytes(), Value: val},
			store.Mutation{Kind: store.Put, Table: tDays, PK: append([]byte(table+"|"), base...), CK: bucketKey(nil, scope, d), Value: []byte{}})
	}
	for _, scope := range []Scope{All, where} {
		add(tPublic, nil, scope)
		for _, t := range e.Tags {
			add(tTag, tagBase(t), scope)
		}
	}
	if err := s.st.Batch(ctx, muts); err != nil {
		return fmt.Errorf("add %d to public timelines: %w", e.StatusID, err)
	}
	return nil
}

// RemovePublic deletes a status from the public and hashtag timelines.
func (s *Service) RemovePublic(ctx context.Context, e PublicEntry) error {
	d := day(e.StatusID)
	var muts []store.Mutation
	for _, scope := range []Scope{All, Local, Remote} {
		muts = append(muts, store.Mutation{Kind: store.Delete, Table: tPublic, PK: bucketKey(nil, scope, d), CK: e.StatusID.Bytes()})
		for _, t := range e.Tags {
			muts = append(muts, store.Mutation{Kind: store.Delete, Table: tTag, PK: bucketKey(tagBase(t), scope, d), CK: e.StatusID.Bytes()})
		}
	}
	if err := s.st.Batch(ctx, muts); err != nil {
		return fmt.Errorf("remove %d from public timelines: %w", e.StatusID, err)
	}
	return nil
}

// Public returns a page of status ids of the public timeline in scope, newest first.
func (s *Service) Public(ctx context.Context, scope Scope, onlyMedia bool, p paging.Page) ([]shard.ID, error) {
	return s.bucketed(ctx, tPublic, nil, scope, onlyMedia, p)
}

// Tag returns a page of status ids of a hashtag timeline in scope, newest first.
func (s *Service) Tag(ctx context.Context, tag string, scope Scope, onlyMedia bool, p paging.Page) ([]shard.ID, error) {
	return s.bucketed(ctx, tTag, tagBase(tag), scope, onlyMedia, p)
}

// days lists the non-empty day buckets a page may draw from, in reading order.
func (s *Service) days(ctx context.Context, table string, base []byte, scope Scope, p paging.Page) ([]uint32, error) {
	r := store.Range{Limit: s.opts.PublicDays}
	if p.MaxID != 0 {
		r.Upper = store.Incl(bucketKey(nil, scope, day(p.MaxID)))
	} else {
		r.Upper = store.Incl(bucketKey(nil, scope, day(shard.AtTime(time.Now().Add(48*time.Hour)))))
	}
	r.Lower = store.Incl(bucketKey(nil, scope, 0))
	if lo := max(p.MinID, p.SinceID); lo != 0 {
		r.Lower = store.Incl(bucketKey(nil, scope, day(lo)))
	}
	r.Reverse = p.Forward()
	rows, err := s.st.Scan(ctx, tDays, append([]byte(table+"|"), base...), r)
	if err != nil {
		return nil, fmt.Errorf("list %s days: %w", table, err)
	}
	out := make([]uint32, len(rows))
	for i, row := range rows {
		out[i] = binary.BigEndian.Uint32(row.CK[1:])
	}
	return out, nil
}

func (s *Service) bucketed(ctx context.Context, table string, base []byte, scope Scope, onlyMedia bool, p paging.Page) ([]shard.ID, error) {
	days, err := s.days(ctx, table, base, scope, p)
	if err != nil {
		return nil, err
	}
	var out []shard.ID
	for _, d := range days {
		q := p
		q.Limit = (p.Limit - len(out)) * 2
		if onlyMedia {
			q.Limit = 400
		}
		rows, err := s.st.Scan(ctx, table, bucketKey(base, scope, d), q.Range())
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", table, err)
		}
		for _, r := range rows {
			if len(out) == p.Limit {
				break
			}
			if !onlyMedia || (len(r.Value) > 0 && r.Value[0]&flagMedia != 0) {
				out = append(out, shard.FromBytes(r.CK))
			}
		}
		if len(out) == p.Limit {
			break
		}
	}
	if p.Forward() {
		for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
			out[i], out[j] = out[j], out[i]
		}
	}
	return out, nil
}
