package activitypub

import (
	"context"
	"net/url"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/visibility"
)

const collectionContext = "https://www.w3.org/ns/activitystreams"

// pageSize is the number of items of a collection page, as Mastodon's.
const pageSize = 20

// Collection is an OrderedCollection or one of its pages.
type Collection struct {
	Context      any    `json:"@context,omitempty"`
	ID           string `json:"id"`
	Type         string `json:"type"`
	TotalItems   *int64 `json:"totalItems,omitempty"`
	First        string `json:"first,omitempty"`
	Last         string `json:"last,omitempty"`
	Next         string `json:"next,omitempty"`
	Prev         string `json:"prev,omitempty"`
	PartOf       string `json:"partOf,omitempty"`
	OrderedItems []any  `json:"orderedItems,omitempty"`
	Items        []any  `json:"items,omitempty"`
}

// Cursor selects a page of a collection: the collection itself when Page is false.
type Cursor struct {
	Page         bool
	MaxID, MinID shard.ID
}

func pageURL(base string, c Cursor) string {
	q := url.Values{"page": {"true"}}
	if c.MaxID != 0 {
		q.Set("max_id", c.MaxID.String())
	}
	if c.MinID != 0 {
		q.Set("min_id", c.MinID.String())
	}
	return base + "?" + q.Encode()
}

// Outbox returns the outbox of a local actor: its posts listed to the viewer (public
// and unlisted ones; followers-only ones too to a follower's signed fetch) as Create
// activities, paged by max_id and min_id as Mastodon pages it.
func (s *Service) Outbox(ctx context.Context, viewer shard.ID, username string, c Cursor) (*Collection, error) {
	a, err := s.contentAccount(ctx, username)
	if err != nil {
		return nil, err
	}
	id := s.ActorURI(a.Username) + "/outbox"
	if !c.Page {
		counts, err := s.accounts.Counts(ctx, []shard.ID{a.ID})
		if err != nil {
			return nil, err
		}
		return &Collection{Context: collectionContext, ID: id, Type: "OrderedCollection", TotalItems: &counts[0].Statuses,
			First: pageURL(id, Cursor{Page: true}), Last: pageURL(id, Cursor{Page: true, MinID: 1})}, nil
	}
	if s.viewers == nil {
		viewer = 0 // no policy to judge what more a signer may see
	}
	ids, err := s.statuses.ByAccount(ctx, viewer, a.ID, paging.Page{MaxID: c.MaxID, MinID: c.MinID, Limit: pageSize},
		status.AccountFilter{ExcludeReblogs: true})
	if err != nil {
		return nil, err
	}
	sts, err := s.statuses.GetMany(ctx, ids)
	if err != nil {
		return nil, err
	}
	page := &Collection{Context: collectionContext, ID: pageURL(id, c), Type: "OrderedCollectionPage", PartOf: id,
		OrderedItems: []any{}}
	for _, sid := range ids {
		st := sts[sid]
		if st == nil {
			continue
		}
		act, err := s.create(ctx, a, st)
		if err != nil {
			return nil, err
		}
		page.OrderedItems = append(page.OrderedItems, act)
	}
	if len(ids) > 0 {
		page.Next = pageURL(id, Cursor{Page: true, MaxID: ids[len(ids)-1]})
		page.Prev = pageURL(id, Cursor{Page: true, MinID: ids[0]})
	}
	return page, nil
}

// Activity is an activity wrapping an object (or pointing to one by id).
type Activity struct {
	Context   any      `json:"@context,omitempty"`
	ID        string   `json:"id"`
	Type      string   `json:"type"`
	Actor     string   `json:"actor"`
	Published string   `json:"published,omitempty"`
	To        []string `json:"to,omitempty"`
	CC        []string `json:"cc,omitempty"`
	Object    any      `json:"object"`
}

// create wraps a status in its Create activity.
func (s *Service) create(ctx context.Context, a *account.Account, st *status.Status) (*Activity, error) {
	n, err := s.note(ctx, a, st)
	if err != nil {
		return nil, err
	}
	return &Activity{ID: n.ID + "/activity", Type: "Create", Actor: n.AttributedTo, Published: n.Published,
		To: n.To, CC: n.CC, Object: n}, nil
}

// Relations returns the followers or following collection of a local actor; its
// pages list actor ids unless the account hides its collections.
func (s *Service) Relations(ctx context.Context, username string, followers bool, c Cursor) (*Collection, error) {
	a, err := s.contentAccount(ctx, username)
	if err != nil {
		return nil, err
	}
	id, list := s.ActorURI(a.Username)+"/following", s.accounts.Following
	if followers {
		id, list = s.ActorURI(a.Username)+"/followers", s.accounts.Followers
	}
	counts, err := s.accounts.Counts(ctx, []shard.ID{a.ID})
	if err != nil {
		return nil, err
	}
	total := counts[0].Following
	if followers {
		total = counts[0].Followers
	}
	if !c.Page || a.HideCollections {
		coll := &Collection{Context: collectionContext, ID: id, Type: "OrderedCollection", TotalItems: &total}
		if !a.HideCollections {
			coll.First = pageURL(id, Cursor{Page: true})
		}
		return coll, nil
	}
	entries, err := list(ctx, a.ID, paging.Page{MaxID: c.MaxID, MinID: c.MinID, Limit: pageSize * 2})
	if err != nil {
		return nil, err
	}
	return s.relationsPage(ctx, id, c, total, entries)
}

func (s *Service) relationsPage(ctx context.Context, id string, c Cursor, total int64, entries []account.Entry) (*Collection, error) {
	ids := make([]shard.ID, len(entries))
	for i, e := range entries {
		ids[i] = e.Account
	}
	accs, err := s.accounts.GetMany(ctx, ids)
	if err != nil {
		return nil, err
	}
	page := &Collection{Context: collectionContext, ID: pageURL(id, c), Type: "OrderedCollectionPage", PartOf: id,
		TotalItems: &total, OrderedItems: []any{}}
	for _, e := range entries {
		if a := accs[e.Account]; a != nil {
			page.OrderedItems = append(page.OrderedItems, s.accountURI(a))
		}
	}
	if len(entries) > 0 {
		page.Next = pageURL(id, Cursor{Page: true, MaxID: entries[len(entries)-1].Cursor})
	}
	return page, nil
}

// Featured returns the pinned statuses of a local actor.
func (s *Service) Featured(ctx context.Context, username string) (*Collection, error) {
	a, err := s.contentAccount(ctx, username)
	if err != nil {
		return nil, err
	}
	pins, err := s.statuses.Pinned(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	ids := make([]shard.ID, len(pins))
	for i, p := range pins {
		ids[i] = p.ID
	}
	sts, err := s.statuses.GetMany(ctx, ids)
	if err != nil {
		return nil, err
	}
	coll := &Collection{Context: noteContext, ID: s.ActorURI(a.Username) + "/collections/featured",
		Type: "OrderedCollection", OrderedItems: []any{}}
	for _, id := range ids {
		if st := sts[id]; st != nil && visibility.Anonymous(st) {
			n, err := s.note(ctx, a, st)
			if err != nil {
				return nil, err
			}
			coll.OrderedItems = append(coll.OrderedItems, n)
		}
	}
	total := int64(len(coll.OrderedItems))
	coll.TotalItems = &total
	return coll, nil
}
