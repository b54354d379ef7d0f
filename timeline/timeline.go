// Package timeline owns the materialised timelines: each account's home partition
// and each list's partition (newest first, capped by a TTL), the public and local timelines and hashtag
// timelines (partitioned by day so no partition grows without end), and the read side
// of hybrid fan-out (merging very-followed authors' recent posts into a home or a
// list at read time). It stores ids only; hydration and visibility of the statuses are the
// caller's. It must not know HTTP or engines.
package timeline

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/herd-social/herd/invariants"
	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

const (
	tHome     = "home"
	tHomePull = "home_pull"
	tList     = "list_timeline"
	tListPull = "list_pull"
	tPublic   = "public_timeline"
	tTag      = "tag_timeline"
	tDays     = "timeline_days" // the non-empty day buckets of each public or tag timeline
)

// Options configure the timelines.
type Options struct {
	// HomeTTL is how long a home or list entry lives; it bounds a partition the way
	// Mastodon's 800-item cap does, without deletes. Default 14 days.
	HomeTTL time.Duration
	// PublicDays is how many daily buckets a public or tag read walks back through
	// before it gives up on filling a page. Default 30.
	PublicDays int
}

func (o Options) withDefaults() Options {
	if o.HomeTTL == 0 {
		o.HomeTTL = 14 * 24 * time.Hour
	}
	if o.PublicDays == 0 {
		o.PublicDays = 30
	}
	return o
}

// Schema lists the tables this package uses.
func Schema(o Options) store.Schema {
	o = o.withDefaults()
	return store.Schema{
		{Name: tHome, Order: store.Desc, TTL: o.HomeTTL},
		{Name: tHomePull},
		{Name: tList, Order: store.Desc, TTL: o.HomeTTL},
		{Name: tListPull},
		{Name: tPublic, Order: store.Desc},
		{Name: tTag, Order: store.Desc},
		{Name: tDays, Order: store.Desc},
	}
}

// Service reads and writes timelines.
type Service struct {
	st   store.Store
	opts Options
}

// New returns a service on st.
func New(st store.Store, opts Options) *Service {
	return &Service{st: st, opts: opts.withDefaults()}
}

// Entry is one line of a home or list timeline: the home's account (or the list's
// id), a status and its author (kept so that a later mute or block hides the line
// without loading the status).
type Entry struct {
	Account  shard.ID
	StatusID shard.ID
	Author   shard.ID
}

// homeMutation is the mutation that inserts one home entry.
func homeMutation(e Entry) store.Mutation {
	return store.Mutation{Kind: store.Put, Table: tHome, PK: e.Account.Bytes(), CK: e.StatusID.Bytes(), Value: e.Author.Bytes()}
}

// AppendHome inserts entries, each home on its own (store.ApplyEach): an insert is
// idempotent, and a failed call is tried again whole.
func (s *Service) AppendHome(ctx context.Context, entries []Entry) error {
	muts := make([]store.Mutation, len(entries))
	for i, e := range entries {
		muts[i] = homeMutation(e)
	}
	if err := s.st.ApplyEach(ctx, muts); err != nil {
		return fmt.Errorf("append %d home entries: %w", len(entries), err)
	}
	return nil
}

// RemoveHome deletes one status from one home.
func (s *Service) RemoveHome(ctx context.Context, account, statusID shard.ID) error {
	if err := s.st.Delete(ctx, tHome, account.Bytes(), statusID.Bytes()); err != nil {
		return fmt.Errorf("remove home entry: %w", err)
	}
	return nil
}

// Pull records that account's home merges author's posts at read time (hybrid
// fan-out for authors with very many followers), or stops doing so.
func (s *Service) Pull(ctx context.Context, account, author shard.ID, on bool) error {
	var err error
	if on {
		err = s.st.Put(ctx, tHomePull, account.Bytes(), author.Bytes(), []byte{}, 0)
	} else {
		err = s.st.Delete(ctx, tHomePull, account.Bytes(), author.Bytes())
	}
	if err != nil {
		return fmt.Errorf("set home pull %d→%d: %w", account, author, err)
	}
	return nil
}

// PullMutation is the batch mutation that makes account pull author's posts.
func PullMutation(account, author shard.ID) store.Mutation {
	return store.Mutation{Kind: store.Put, Table: tHomePull, PK: account.Bytes(), CK: author.Bytes(), Value: []byte{}}
}

// Recent lists an author's recent statuses a follower may see, newest first.
type Recent func(ctx context.Context, follower, author shard.ID, p paging.Page) ([]shard.ID, error)

// Home returns one page of account's home timeline as entries, newest first: its
// partition merged with the recent posts of the authors it pulls.
func (s *Service) Home(ctx context.Context, account shard.ID, p paging.Page, recent Recent) ([]Entry, error) {
	return s.read(ctx, homeFeed, account, account, p, recent)
}

// feed is a kind of materialised timeline: its partition table and the table of the
// authors it merges at read time.
type feed struct{ table, pulls string }

var (
	homeFeed = feed{tHome, tHomePull}
	listFeed = feed{tList, tListPull}
)

// read returns one page of the feed partition pk, read for viewer: the partition
// merged with the recent posts of the authors it pulls.
func (s *Service) read(ctx context.Context, f feed, pk, viewer shard.ID, p paging.Page, recent Recent) ([]Entry, error) {
	rows, err := s.st.Scan(ctx, f.table, pk.Bytes(), p.Range())
	if err != nil {
		return nil, fmt.Errorf("read %s of %d: %w", f.table, pk, err)
	}
	rows = p.Newest(rows)
	out := make([]Entry, len(rows))
	for i, r := range rows {
		out[i] = Entry{Account: pk, StatusID: shard.FromBytes(r.CK), Author: shard.FromBytes(r.Value)}
	}
	pulls, err := s.st.Scan(ctx, f.pulls, pk.Bytes(), store.Range{Limit: 1000})
	if err != nil {
		return nil, fmt.Errorf("read %s of %d: %w", f.pulls, pk, err)
	}
	if len(pulls) == 0 || recent == nil {
		return checkedPage(out, p), nil
	}
	seen := make(map[shard.ID]bool, len(out))
	for _, e := range out {
		seen[e.StatusID] = true
	}
	for _, pr := range pulls {
		author := shard.FromBytes(pr.CK)
		ids, err := recent(ctx, viewer, author, p)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			if !seen[id] {
				seen[id] = true
				out = append(out, Entry{Account: pk, StatusID: id, Author: author})
			}
		}
	}
	return checkedPage(trim(out, p), p), nil
}

// checkedPage returns a page of entries, checking in invariants builds what every
// reader relies on: newest first, no status twice, within the page's bounds.
func checkedPage(es []Entry, p paging.Page) []Entry {
	if !invariants.Enabled {
		return es
	}
	invariants.Check(p.Limit <= 0 || len(es) <= p.Limit, "timeline: a page longer than its limit")
	for i, e := range es {
		invariants.Check(i == 0 || es[i-1].StatusID > e.StatusID, "timeline: a page not strictly newest first")
		invariants.Check(p.MaxID == 0 || e.StatusID < p.MaxID, "timeline: an entry at or past max_id")
		invariants.Check(e.StatusID > max(p.SinceID, p.MinID), "timeline: an entry at or before since_id or min_id")
	}
	return es
}

// trim sorts merged entries newest first and keeps the page: the newest entries, or
// for a min_id page the ones right after the cursor.
func trim(es []Entry, p paging.Page) []Entry {
	sort.Slice(es, func(i, j int) bool { return es[i].StatusID > es[j].StatusID })
	if p.Limit <= 0 || len(es) <= p.Limit {
		return es
	}
	if p.Forward() {
		return es[len(es)-p.Limit:]
	}
	return es[:p.Limit]
}
