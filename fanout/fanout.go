// Package fanout turns status events into timeline entries and notifications: the
// author's and followers' home timelines (fan-out on write, page by page, skipping
// followers who mute the author), the timelines of the lists holding the author
// (lists.go: Mastodon's list filter and replies policies; exclusive lists keep the
// post out of their owners' homes), the direct conversations of local participants
// (conversations.go), the public, local and hashtag timelines, the homes of the
// followers of a public post's hashtags and the tags' history (tags.go), and
// mention notifications. Authors with very many followers are not fanned out: their
// followers pull their posts at read time (hybrid fan-out). It consumes the bus
// `statuses` topic idempotently and must not know HTTP or engines. What it writes it
// also announces, as ids, to the stream router for connected clients (stream.go).
package fanout

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/bus"
	"github.com/herd-social/herd/deadletter"
	"github.com/herd-social/herd/notification"
	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/store"
	"github.com/herd-social/herd/stream"
	"github.com/herd-social/herd/timeline"
	"github.com/herd-social/herd/visibility"
)

// Group is the consumer group of the fan-out workers.
const Group = "fanout"

// StreamGroup is the consumer group that announces new statuses to open streams
// (stream.go), apart from Group so that a post's stream events never wait behind
// the durable writes of fan-out.
const StreamGroup = "fanout_stream"

const tHot = "fanout_hot_authors"

// Schema lists the tables this package uses.
func Schema() store.Schema { return store.Schema{{Name: tHot}} }

// Statuses is the part of the status service that fan-out needs.
type Statuses interface {
	Get(ctx context.Context, id shard.ID) (*status.Status, error)
	GetMany(ctx context.Context, ids []shard.ID) (map[shard.ID]*status.Status, error)
	DeleteReblogs(ctx context.Context, id shard.ID) error
	RebloggedBy(ctx context.Context, id shard.ID, p paging.Page) ([]status.Listed, error)
	// QuotedBy lists the statuses that quote a status (accepted quotes).
	QuotedBy(ctx context.Context, id shard.ID, p paging.Page) ([]status.Listed, error)
	ByAccount(ctx context.Context, viewer, author shard.ID, p paging.Page, f status.AccountFilter) ([]shard.ID, error)
	Voters(ctx context.Context, st *status.Status, localOnly bool) ([]shard.ID, error)
}

// Accounts is the part of the account service that fan-out needs.
type Accounts interface {
	EachFollowerPage(ctx context.Context, target shard.ID, limit int, f func([]account.Follower) error) error
	FollowersCount(ctx context.Context, id shard.ID) (int64, error)
	MutersOf(ctx context.Context, target shard.ID) (map[shard.ID]bool, error)
	Follows(ctx context.Context, candidates []shard.ID, target shard.ID) ([]bool, error)
	FollowRecords(ctx context.Context, followers []shard.ID, author shard.ID) ([]*account.Follow, error)
}

// Timelines is the part of the timeline service that fan-out writes.
type Timelines interface {
	AppendHome(ctx context.Context, entries []timeline.Entry) error
	RemoveHome(ctx context.Context, account, statusID shard.ID) error
	AddPublic(ctx context.Context, e timeline.PublicEntry) error
	RemovePublic(ctx context.Context, e timeline.PublicEntry) error
	Pull(ctx context.Context, account, author shard.ID, on bool) error
	AppendList(ctx context.Context, entries []timeline.Entry) error
	RemoveList(ctx context.Context, list shard.ID, statusIDs []shard.ID) error
	ListPull(ctx context.Context, list, author shard.ID, on bool) error
	ClearList(ctx context.Context, list shard.ID) error
}

// Notifier is the part of the notification service that fan-out needs.
type Notifier interface {
	Notify(ctx context.Context, to, from shard.ID, kind notification.Kind, statusID shard.ID) error
}

// Options tune fan-out.
type Options struct {
	// HotFollowers is the follower count above which an author is not fanned out on
	// write; followers merge the author's posts at read time. Default 50,000.
	HotFollowers int64
	// PageSize is how many followers are read and written per batch. Default 1,000.
	PageSize int
	// Logger receives errors; default slog.Default().
	Logger *slog.Logger
	// Streams receives stream events for open client connections; default none.
	Streams Streamer
	// DeadLetters sets aside events that can never be fanned out; default a
	// deadletter.Keeper on the service's store.
	DeadLetters DeadLetters
	// Lists are the lists whose timelines take their members' posts; default none.
	Lists Lists
	// Conversations keep the direct conversations of local participants; default
	// none (direct statuses then only reach homes). Participants must be set with it.
	Conversations Conversations
	// Participants tells local accounts from remote ones among a direct status's
	// participants; required with Conversations.
	Participants Participants
	// Hashtags count tag uses and name the followers of a tag, whose homes take the
	// public posts with it; default none. Hidden must be set with it.
	Hashtags Hashtags
	// Hidden tells whether a tag follower hides a post's author or mentioned
	// accounts (required with Hashtags), and whether a direct status's recipient
	// hides its author (no conversation then; without it, every recipient gets one).
	Hidden Hidden
	// Limited, if set, tells whether moderators keep an author out of public
	// timelines (a silenced account, or one of a silenced domain).
	Limited func(ctx context.Context, author shard.ID) (bool, error)
	// Now is the clock that ages events for streaming (stream.go); default time.Now.
	Now func() time.Time
}

// inPublic reports whether a status goes to the public timelines: listed there by
// the visibility rule, and its author not limited by moderators.
func (s *Service) inPublic(ctx context.Context, st *status.Status) (bool, error) {
	if !visibility.InPublicTimelines(st) {
		return false, nil
	}
	if s.opts.Limited == nil {
		return true, nil
	}
	limited, err := s.opts.Limited(ctx, st.AccountID)
	return !limited, err
}

// DeadLetters is the part of deadletter.Keeper that fan-out needs.
type DeadLetters interface {
	Handler(group string, each deadletter.Each) bus.Handler
}

func (o Options) withDefaults() Options {
	if o.HotFollowers == 0 {
		o.HotFollowers = 50_000
	}
	if o.PageSize == 0 {
		o.PageSize = 1000
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Streams == nil {
		o.Streams = noStreams{}
	}
	if o.Lists == nil {
		o.Lists = noLists{}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// Service runs fan-out.
type Service struct {
	st        store.Store
	bus       bus.Bus
	statuses  Statuses
	accounts  Accounts
	timelines Timelines
	notifier  Notifier
	opts      Options
	role      role
}

// New returns a fan-out service.
func New(st store.Store, b bus.Bus, s Statuses, a Accounts, t Timelines, n Notifier, opts Options) *Service {
	opts = opts.withDefaults()
	if opts.DeadLetters == nil {
		opts.DeadLetters = deadletter.New(st, deadletter.Options{Logger: opts.Logger})
	}
	return &Service{st: st, bus: b, statuses: s, accounts: a, timelines: t, notifier: n, opts: opts, role: both}
}

// Run consumes the statuses topic until ctx is done, as two consumer groups: Group
// writes (and streams what only its writes tell: edits, deletes, conversations) and
// StreamGroup streams new statuses (stream.go). An event that can never be fanned
// out (undecodable, or naming a status whose record cannot be decoded) is set aside
// as a dead letter, so the author's partition goes on.
func (s *Service) Run(ctx context.Context) error {
	g, ctx := errgroup.WithContext(ctx)
	w, r := s.as(writer), s.as(streamer)
	g.Go(func() error {
		return s.bus.Consume(ctx, Group, status.Topic, bus.ConsumeOptions{}, syncOnce(s.opts.DeadLetters.Handler(Group, w.handle)))
	})
	g.Go(func() error { return s.bus.Consume(ctx, StreamGroup, status.Topic, bus.ConsumeOptions{}, r.announce) })
	return g.Wait()
}

// syncOnce makes a batch's store writes durable together before the bus commits it,
// not each on its own (store.Defer): a crash before the sync delivers the batch
// again, and fan-out is idempotent.
func syncOnce(h bus.Handler) bus.Handler {
	return func(ctx context.Context, msgs []bus.Message) error {
		dctx, d := store.Defer(ctx)
		if err := h(dctx, msgs); err != nil {
			return err
		}
		return d.Sync(ctx)
	}
}

func (s *Service) handle(ctx context.Context, m bus.Message) error {
	e, err := status.DecodeEvent(m)
	if err != nil {
		return fmt.Errorf("fanout: event: %w", err)
	}
	if err := s.Apply(ctx, e); err != nil {
		return fmt.Errorf("fan out %s %d: %w", e.Kind, e.StatusID, err)
	}
	s.opts.Logger.DebugContext(ctx, "fanout: applied", "kind", e.Kind, "status", e.StatusID)
	return nil
}

// Apply processes one event; applying it again changes nothing.
func (s *Service) Apply(ctx context.Context, e status.Event) error {
	switch e.Kind {
	case status.Created:
		// The event carries the status as posted; an edit or a deletion since is an
		// event behind this one in the author's partition, and applies after it.
		if e.Posted != nil && e.Posted.ID == e.StatusID {
			return s.created(ctx, e.Posted)
		}
		st, err := s.statuses.Get(ctx, e.StatusID)
		if errors.Is(err, status.ErrNotFound) {
			return nil // deleted before fan-out: nothing to do
		}
		if err != nil {
			return err
		}
		return s.created(ctx, st)
	case status.Updated:
		return s.updated(ctx, e)
	case status.Deleted:
		if e.Status == nil {
			return nil
		}
		return s.deleted(ctx, e.Status)
	case status.PollEnded:
		return s.pollEnded(ctx, e.StatusID)
	}
	return nil
}

// pollEnded tells a poll's local voters, and its author if local, that it ended, as
// Mastodon's PollExpirationNotifyWorker.
func (s *Service) pollEnded(ctx context.Context, id shard.ID) error {
	st, err := s.statuses.Get(ctx, id)
	if errors.Is(err, status.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	told, err := s.statuses.Voters(ctx, st, true)
	if err != nil {
		return err
	}
	if st.Local {
		told = append(told, st.AccountID)
	}
	for _, to := range told {
		if err := s.notifier.Notify(ctx, to, st.AccountID, notification.Poll, st.ID); err != nil {
			return err
		}
	}
	return nil
}

// created fans a new status out. Every write below is skipped by the streamer and
// every stream event of the status (but its conversations') by the writer.
func (s *Service) created(ctx context.Context, st *status.Status) error {
	if err := s.appendHome(ctx, []timeline.Entry{{Account: st.AccountID, StatusID: st.ID, Author: st.AccountID}}); err != nil {
		return err
	}
	s.streamHome([]timeline.Entry{{Account: st.AccountID, StatusID: st.ID}})
	if err := s.mentions(ctx, st); err != nil {
		return err
	}
	if err := s.conversations(ctx, st); err != nil {
		return err
	}
	if visibility.ToFollowers(st) {
		if err := s.toFollowers(ctx, st); err != nil {
			return err
		}
	}
	public, err := s.inPublic(ctx, st)
	if err != nil {
		return err
	}
	if public {
		if s.role.writes() {
			if err := s.timelines.AddPublic(ctx, timeline.PublicEntry{StatusID: st.ID, Local: st.Local, Tags: st.Tags, Media: len(st.MediaIDs) > 0}); err != nil {
				return err
			}
		}
		if s.role.streamsNew() {
			s.streamPublic(st, event(stream.Update, st.ID))
		}
	}
	return s.tagged(ctx, st)
}

// mentions notifies mentioned accounts and, for direct posts, puts the post in their
// home timelines.
func (s *Service) mentions(ctx context.Context, st *status.Status) error {
	var entries []timeline.Entry
	for _, m := range st.Mentions {
		if m == st.AccountID {
			continue
		}
		if err := s.notify(ctx, m, st.AccountID, notification.Mention, st.ID); err != nil {
			return err
		}
		if visibility.ToMentioned(st) {
			entries = append(entries, timeline.Entry{Account: m, StatusID: st.ID, Author: st.AccountID})
		}
	}
	if len(entries) == 0 {
		return nil
	}
	if err := s.appendHome(ctx, entries); err != nil {
		return err
	}
	s.streamHome(entries)
	return nil
}

// toFollowers writes a status for followers into their homes and into the lists that
// hold its author; the owners of exclusive lists holding the author do not get it in
// their homes.
func (s *Service) toFollowers(ctx context.Context, st *status.Status) error {
	hot, err := s.hot(ctx, st.AccountID)
	if err != nil {
		return err
	}
	la, err := s.listsOf(ctx, st)
	if err != nil {
		return err
	}
	if err := s.followers(ctx, st, hot, la.exclusive); err != nil {
		return err
	}
	return s.toLists(ctx, la, hot)
}

// followers writes the status into every follower's home but those of exclude, a
// page at a time. Pages are written while the next is read, up to writesInFlight of
// them at once, so that the store always has writes to do: a page's write ends with
// its slowest batch, and the next page's batches fill that tail. A failed write ends
// the fan-out (the event is then delivered again, and the homes already written are
// written again, harmlessly).
func (s *Service) followers(ctx context.Context, st *status.Status, hot bool, exclude map[shard.ID]bool) error {
	if hot { // no home writes: stream to the followers who are connected
		if !s.role.streamsNew() {
			return nil
		}
		return s.streamFollowers(ctx, st, event(stream.Update, st.ID), true, exclude)
	}
	muters, err := s.accounts.MutersOf(ctx, st.AccountID)
	if err != nil {
		return err
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(writesInFlight)
	err = s.accounts.EachFollowerPage(gctx, st.AccountID, s.opts.PageSize, func(page []account.Follower) error {
		if err := gctx.Err(); err != nil { // a write failed: stop reading
			return err
		}
		keep, notify, err := s.audience(gctx, st, page, muters, exclude)
		if err != nil {
			return err
		}
		for _, id := range notify {
			if err := s.notify(gctx, id, st.AccountID, notification.Status, st.ID); err != nil {
				return err
			}
		}
		entries := make([]timeline.Entry, 0, len(keep))
		for _, id := range keep {
			entries = append(entries, timeline.Entry{Account: id, StatusID: st.ID, Author: st.AccountID})
		}
		g.Go(func() error { // waits while writesInFlight pages are being written
			if err := s.appendHome(gctx, entries); err != nil {
				return err
			}
			s.streamHome(entries)
			return nil
		})
		return nil
	})
	if werr := g.Wait(); werr != nil {
		return werr // the first failed write; it cancelled what followed
	}
	return err
}

// writesInFlight bounds the pages of followers whose homes are being written at once.
const writesInFlight = 2

// audience keeps the followers of a page whose home takes the status: local, not
// muting the author (muters), following the replied-to account for replies, not
// hiding the author's boosts, not in exclude (owners of an exclusive list holding
// the author), and whose follow's languages take the status's (a boost has none of
// its own, so it passes, as in Mastodon's FeedManager). It also returns the
// followers who asked to be notified of the author's posts.
func (s *Service) audience(ctx context.Context, st *status.Status, page []account.Follower, muters, exclude map[shard.ID]bool) (keep, notify []shard.ID, err error) {
	ids := make([]shard.ID, len(page))
	follows := make([]*account.Follow, len(page))
	var older []int // followers rows without the follow: read it from the follow record
	for i, f := range page {
		ids[i], follows[i] = f.ID, f.Follow
		if f.Follow == nil {
			older = append(older, i)
		}
	}
	if err := s.olderFollows(ctx, st.AccountID, ids, follows, older); err != nil {
		return nil, nil, err
	}
	var followsParent []bool
	if st.IsReply() {
		if followsParent, err = s.accounts.Follows(ctx, ids, st.InReplyToAccountID); err != nil {
			return nil, nil, err
		}
	}
	for i, id := range ids {
		f := follows[i]
		_, muted := muters[id]
		switch {
		case id == st.AccountID || muted || f == nil || f.Remote:
		case st.ReblogOfID != 0 && !f.Reblogs:
		case followsParent != nil && !followsParent[i] && id != st.InReplyToAccountID:
		case exclude[id] || !f.ShowsLanguage(st.Language):
			if f.Notify && st.ReblogOfID == 0 && !st.IsReply() {
				notify = append(notify, id)
			}
		default:
			keep = append(keep, id)
			if f.Notify && st.ReblogOfID == 0 && !st.IsReply() {
				notify = append(notify, id)
			}
		}
	}
	return keep, notify, nil
}

// olderFollows fills follows[i], for each i of older, from the follow record of
// ids[i] toward author (nil when it no longer follows).
func (s *Service) olderFollows(ctx context.Context, author shard.ID, ids []shard.ID, follows []*account.Follow, older []int) error {
	if len(older) == 0 {
		return nil
	}
	who := make([]shard.ID, len(older))
	for j, i := range older {
		who[j] = ids[i]
	}
	records, err := s.accounts.FollowRecords(ctx, who, author)
	if err != nil {
		return err
	}
	for j, i := range older {
		follows[i] = records[j]
	}
	return nil
}

func (s *Service) deleted(ctx context.Context, st *status.Status) error {
	if err := s.timelines.RemoveHome(ctx, st.AccountID, st.ID); err != nil {
		return err
	}
	if err := s.timelines.RemovePublic(ctx, timeline.PublicEntry{StatusID: st.ID, Tags: st.Tags}); err != nil {
		return err
	}
	if err := s.listsDeleted(ctx, st); err != nil {
		return err
	}
	if err := s.conversationsDeleted(ctx, st); err != nil {
		return err
	}
	if err := s.streamDeleted(ctx, st); err != nil {
		return err
	}
	if s.opts.Hashtags != nil && len(st.Tags) > 0 {
		if err := s.opts.Hashtags.Unused(ctx, st.Tags, st.ID, st.AccountID); err != nil {
			return err
		}
	}
	return s.statuses.DeleteReblogs(ctx, st.ID)
}
