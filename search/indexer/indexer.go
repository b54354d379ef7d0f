// Package indexer keeps a search engine's documents in step with the store: a consumer
// of the `statuses` topic (its own group) indexes created and edited statuses, removes
// deleted ones, indexes their authors and hashtags, and re-indexes the original of a
// boost (its booster may now find it); the account service tells it of every account it
// writes (account.Indexer, Hook), which it publishes on the `search_accounts` topic, and
// a change of an account's `indexable` re-indexes its statuses. It decides what may be found, as Mastodon 4.2: a public status of an
// indexable account by anyone; any status by its author, the accounts it mentions and
// those who boosted it. It must not know the doors or engines.
package indexer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"time"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/bus"
	"github.com/herd-social/herd/card"
	"github.com/herd-social/herd/deadletter"
	"github.com/herd-social/herd/filter"
	"github.com/herd-social/herd/hashtag"
	"github.com/herd-social/herd/media"
	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/search"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/text"
)

// Group is the consumer group of an engine every node shares; an engine embedded in
// each node (Bleve) consumes in a group of its own per node (Options.Group).
const Group = "search"

// Statuses is the part of the status service the indexer needs.
type Statuses interface {
	Get(ctx context.Context, id shard.ID) (*status.Status, error)
	RebloggedBy(ctx context.Context, id shard.ID, p paging.Page) ([]status.Listed, error)
	ByAccount(ctx context.Context, viewer, author shard.ID, p paging.Page, f status.AccountFilter) ([]shard.ID, error)
}

// Accounts is the part of the account service the indexer needs.
type Accounts interface {
	Get(ctx context.Context, id shard.ID) (*account.Account, error)
	User(ctx context.Context, id shard.ID) (*account.User, error)
}

// Media is the part of the media service the indexer needs: attachments' descriptions
// are searchable text.
type Media interface {
	GetMany(ctx context.Context, ids []shard.ID) (map[shard.ID]*media.Attachment, error)
}

// Hashtags is the part of the hashtag service the indexer needs.
type Hashtags interface {
	History(ctx context.Context, name string, now time.Time) ([]hashtag.Day, error)
}

// Cards is the part of the card service the indexer needs: a status has:embed when its
// preview card, or the card already recorded for its link, is a video.
type Cards interface {
	ForStatuses(ctx context.Context, ids []shard.ID) (map[shard.ID]*card.Card, error)
	Recorded(ctx context.Context, urls []string) (map[string]*card.Card, error)
}

// DeadLetters is the part of deadletter.Keeper the consumer needs.
type DeadLetters interface {
	Handler(group string, each deadletter.Each) bus.Handler
}

// Options tune the indexer.
type Options struct {
	// Group is the consumer group; default Group.
	Group string
	// DeadLetters sets aside events that can never be processed (required to Run).
	DeadLetters DeadLetters
	// Logger receives failures of the account hook; default slog.Default().
	Logger *slog.Logger
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Domain is the server's: a link to it is no link for has:link.
	Domain string
	// Cards tell has:embed; without them no status has it.
	Cards Cards
	// RebuildPage is how many accounts Rebuild reads at a time, saving its cursor
	// after each page; default 50.
	RebuildPage int
}

// Service indexes.
type Service struct {
	engine   search.Engine
	bus      bus.Bus
	statuses Statuses
	accounts Accounts
	tags     Hashtags
	media    Media
	opts     Options
}

// New returns an indexer writing to engine.
func New(engine search.Engine, b bus.Bus, st Statuses, acc Accounts, tags Hashtags, m Media, opts Options) *Service {
	if opts.Group == "" {
		opts.Group = Group
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.RebuildPage <= 0 {
		opts.RebuildPage = 50
	}
	return &Service{engine: engine, bus: b, statuses: st, accounts: acc, tags: tags, media: m, opts: opts}
}

// Engine is the engine the indexer writes to.
func (s *Service) Engine() search.Engine { return s.engine }

// Run consumes the statuses topic until ctx is done, a batch of events at a time in one
// write to each index (applyAll), or one event at a time when that fails.
func (s *Service) Run(ctx context.Context) error {
	one := s.opts.DeadLetters.Handler(s.opts.Group, s.handle)
	return s.bus.Consume(ctx, s.opts.Group, status.Topic, bus.ConsumeOptions{}, func(ctx context.Context, msgs []bus.Message) error {
		if len(msgs) > 1 {
			err := s.applyAll(ctx, msgs)
			if err == nil {
				return nil
			}
			s.opts.Logger.Debug("search: a batch of events failed; applying them one at a time", "err", err)
		}
		return one(ctx, msgs) // so that an event that cannot be applied is set aside alone
	})
}

func (s *Service) handle(ctx context.Context, m bus.Message) error {
	e, err := status.DecodeEvent(m)
	if err != nil {
		return fmt.Errorf("search: event: %w", err)
	}
	if err := s.Apply(ctx, e); err != nil {
		return fmt.Errorf("search: index %s %d: %w", e.Kind, e.StatusID, err)
	}
	return nil
}

// Apply processes one event; applying it again changes nothing.
func (s *Service) Apply(ctx context.Context, e status.Event) error {
	w := newWrites()
	if err := s.apply(ctx, e, w); err != nil {
		return err
	}
	return s.flush(ctx, w)
}

// apply gathers in w the writes of one event.
func (s *Service) apply(ctx context.Context, e status.Event, w *writes) error {
	switch e.Kind {
	case status.Created, status.Updated:
		if e.Kind == status.Created && e.Posted != nil && e.Posted.ID == e.StatusID {
			// As posted: an edit or a deletion since is an event behind this one in
			// the author's partition, and applies after it.
			return s.indexStatus(ctx, e.Posted, w)
		}
		st, err := s.statuses.Get(ctx, e.StatusID)
		if errors.Is(err, status.ErrNotFound) {
			return nil // deleted since: its deleted event follows
		}
		if err != nil {
			return err
		}
		return s.indexStatus(ctx, st, w)
	case status.Deleted:
		w.statuses[uint64(e.StatusID)] = nil
		if e.Status != nil && e.Status.ReblogOfID != 0 {
			return s.reindex(ctx, e.Status.ReblogOfID, w)
		}
	}
	return nil
}

func (s *Service) reindex(ctx context.Context, id shard.ID, w *writes) error {
	st, err := s.statuses.Get(ctx, id)
	if errors.Is(err, status.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	return s.indexStatus(ctx, st, w)
}

// IndexStatus indexes a status, its author and its hashtags; a boost re-indexes its
// original instead.
func (s *Service) IndexStatus(ctx context.Context, st *status.Status) error {
	w := newWrites()
	if err := s.indexStatus(ctx, st, w); err != nil {
		return err
	}
	return s.flush(ctx, w)
}

func (s *Service) indexStatus(ctx context.Context, st *status.Status, w *writes) error {
	if st.ReblogOfID != 0 {
		return s.reindex(ctx, st.ReblogOfID, w)
	}
	author, err := s.accounts.Get(ctx, st.AccountID)
	if errors.Is(err, account.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	doc, err := s.document(ctx, st, author)
	if err != nil {
		return err
	}
	w.statuses[doc.ID] = &doc
	w.accounts[uint64(author.ID)] = accountDoc(author)
	for _, t := range st.Tags {
		w.tags[t] = true
	}
	return nil
}

// document is what is indexed of st, with who may find it.
func (s *Service) document(ctx context.Context, st *status.Status, author *account.Account) (search.Status, error) {
	var options, descriptions []string
	if st.Poll != nil {
		options = st.Poll.Options
	}
	if len(st.MediaIDs) > 0 {
		atts, err := s.media.GetMany(ctx, st.MediaIDs)
		if err != nil {
			return search.Status{}, err
		}
		for _, id := range st.MediaIDs {
			if a := atts[id]; a != nil && a.Description != "" {
				descriptions = append(descriptions, a.Description)
			}
		}
	}
	readers := []uint64{uint64(st.AccountID)}
	for _, m := range st.Mentions {
		readers = append(readers, uint64(m))
	}
	// Those who boosted it, a page of 1,000 at a time.
	p := paging.Page{Limit: 1000}
	for {
		page, err := s.statuses.RebloggedBy(ctx, st.ID, p)
		if err != nil {
			return search.Status{}, err
		}
		for _, l := range page {
			readers = append(readers, uint64(l.ID))
		}
		if len(page) < p.Limit {
			break
		}
		p.MaxID = page[len(page)-1].Cursor
	}
	link := card.FirstLink(st.Content, s.opts.Domain)
	embed, err := s.embedded(ctx, st.ID, link)
	if err != nil {
		return search.Status{}, err
	}
	return search.Status{
		Link: link != "", Embed: embed,
		ID: uint64(st.ID), AccountID: uint64(st.AccountID), Language: st.Language, CreatedAt: st.CreatedAt,
		Text:    filter.SearchableText(st.SpoilerText, st.Content, options, descriptions),
		Public:  st.Visibility == status.Public && author.Indexable && !author.Suspended,
		Readers: readers, Reply: st.InReplyToID != 0, Media: len(st.MediaIDs) > 0, Poll: st.Poll != nil,
		Sensitive: st.Sensitive,
	}, nil
}

// embedded tells whether the status's preview card, or else the card recorded for its
// link, is a video. The card is fetched after the status is written, so a new status
// whose link was never fetched before is indexed without it.
func (s *Service) embedded(ctx context.Context, id shard.ID, link string) (bool, error) {
	if link == "" || s.opts.Cards == nil {
		return false, nil
	}
	byStatus, err := s.opts.Cards.ForStatuses(ctx, []shard.ID{id})
	if err != nil {
		return false, err
	}
	if c := byStatus[id]; c != nil {
		return c.Type == card.Video, nil
	}
	byURL, err := s.opts.Cards.Recorded(ctx, []string{link})
	if err != nil {
		return false, err
	}
	c := byURL[link]
	return c != nil && !c.None && c.Type == card.Video, nil
}

func (s *Service) indexTags(ctx context.Context, names []string) error {
	if len(names) == 0 {
		return nil
	}
	docs := make([]search.Tag, 0, len(names))
	for _, n := range names {
		days, err := s.tags.History(ctx, n, s.opts.Now())
		if err != nil {
			return err
		}
		var uses int64
		for _, d := range days {
			uses += d.Uses
		}
		docs = append(docs, search.Tag{Name: n, Uses: uses})
	}
	return s.engine.IndexTags(ctx, docs...)
}

func (s *Service) indexAccount(ctx context.Context, a *account.Account) error {
	doc := accountDoc(a)
	if doc != nil && a.Local() {
		u, err := s.accounts.User(ctx, a.ID)
		if err != nil && !errors.Is(err, account.ErrNotFound) {
			return fmt.Errorf("search: index account %d: %w", a.ID, err)
		}
		if u != nil && u.Unconfirmed { // found once the address is confirmed, as Mastodon's
			doc = nil
		}
	}
	if doc == nil {
		return s.engine.DeleteAccounts(ctx, uint64(a.ID))
	}
	return s.engine.IndexAccounts(ctx, *doc)
}

// accountDoc is what is indexed of a, or nil when a must not be found. A local
// user's unconfirmed address is left to indexAccount: such a user cannot post, so
// a status's author never needs the check.
func accountDoc(a *account.Account) *search.Account {
	// A pending registration is found once approved; a moved account is not found,
	// as Mastodon's searchable scope.
	if a.Suspended || a.Pending || a.MovedToURI != "" {
		return nil
	}
	return &search.Account{ID: uint64(a.ID), Username: a.Username, Domain: a.Domain,
		DisplayName: a.DisplayName, Discoverable: a.Discoverable, Note: text.PlainText(a.Note), Bot: a.Bot,
		Verified: slices.ContainsFunc(a.Fields, func(f account.Field) bool { return !f.VerifiedAt.IsZero() })}
}

// IndexAccountStatuses indexes every status of an account again, newest first.
func (s *Service) IndexAccountStatuses(ctx context.Context, id shard.ID) error {
	a, err := s.accounts.Get(ctx, id)
	if errors.Is(err, account.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	_, err = s.indexStatusesOf(ctx, a)
	return err
}

// indexStatusesOf indexes every status of an account (not its boosts), newest first,
// a page at a time, and their hashtags; it returns how many statuses.
func (s *Service) indexStatusesOf(ctx context.Context, a *account.Account) (int64, error) {
	var n int64
	p := paging.Page{Limit: 200}
	for {
		ids, err := s.statuses.ByAccount(ctx, a.ID, a.ID, p, status.AccountFilter{ExcludeReblogs: true})
		if err != nil || len(ids) == 0 {
			return n, err
		}
		docs := make([]search.Status, 0, len(ids))
		tags := map[string]bool{}
		for _, sid := range ids {
			st, err := s.statuses.Get(ctx, sid)
			if errors.Is(err, status.ErrNotFound) || (err == nil && st.ReblogOfID != 0) {
				continue
			}
			if err != nil {
				return n, err
			}
			doc, err := s.document(ctx, st, a)
			if err != nil {
				return n, err
			}
			docs = append(docs, doc)
			for _, t := range st.Tags {
				tags[t] = true
			}
		}
		if err := s.engine.IndexStatuses(ctx, docs...); err != nil {
			return n, err
		}
		if err := s.indexTags(ctx, slices.Sorted(maps.Keys(tags))); err != nil {
			return n, err
		}
		n += int64(len(docs))
		p.MaxID = ids[len(ids)-1]
	}
}
