// Package notification owns notifications: creating them (once per cause, so that
// redelivered events do not notify twice), listing with type filters, dismissing and
// clearing; their groups as Mastodon 4.3 makes and pages them; the recipient's
// notification policy, applied when a notification is made, and the requests that
// hold what it filtered. It must not know HTTP or engines.
package notification

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
	"github.com/herd-social/herd/stream"
)

// ErrNotFound is returned for a notification that does not exist.
var ErrNotFound = errors.New("notification: not found")

// Kind is what a notification is about, named as Mastodon's notification types are
// (and stored so).
type Kind string

// The kinds Mastodon defines that Herd produces.
const (
	Mention       Kind = "mention"
	Status        Kind = "status"
	Reblog        Kind = "reblog"
	Follow        Kind = "follow"
	FollowRequest Kind = "follow_request"
	Favourite     Kind = "favourite"
	Poll          Kind = "poll"
	Update        Kind = "update"
	// Quote tells an author that someone quoted their status; QuotedUpdate tells
	// those who quoted a status that it was edited (Mastodon 4.5).
	Quote        Kind = "quote"
	QuotedUpdate Kind = "quoted_update"
	// AdminSignUp tells an admin of a new user let in (at registration, or at the
	// approval of a pending one).
	AdminSignUp Kind = "admin.sign_up"
	// SeveredRelationships tells a local user that moderators ended some of their
	// follows (Mastodon 4.3); it carries the Severance.
	SeveredRelationships Kind = "severed_relationships"
	// AdminReport tells a moderator of a new report (of an account with no other
	// open report); it carries the report's id.
	AdminReport Kind = "admin.report"
	// ModerationWarning tells a local user of a moderator's warning (Mastodon 4.3);
	// it carries the warning's id.
	ModerationWarning Kind = "moderation_warning"
)

// Kinds lists the kinds Herd produces.
var Kinds = []Kind{Mention, Status, Reblog, Follow, FollowRequest, Favourite, Poll, Update, Quote, QuotedUpdate,
	AdminSignUp, AdminReport, SeveredRelationships, ModerationWarning}

// Notification is one notification of an account.
type Notification struct {
	ID        shard.ID  `cbor:"1,keyasint"`
	Type      Kind      `cbor:"2,keyasint"`
	From      shard.ID  `cbor:"3,keyasint"`
	StatusID  shard.ID  `cbor:"4,keyasint,omitempty"`
	CreatedAt time.Time `cbor:"5,keyasint"`
	// GroupKey is its group (groupKey), "" for a kind that is not grouped.
	GroupKey string `cbor:"6,keyasint,omitempty"`
	// Filtered is set for a notification the recipient's policy filtered: it waits in
	// the sender's notification request, out of the listings.
	Filtered bool `cbor:"7,keyasint,omitempty"`
	// Event is what a severed_relationships notification tells of.
	Event *Severance `cbor:"8,keyasint,omitempty"`
	// ReportID is the report an admin.report notification tells of.
	ReportID shard.ID `cbor:"9,keyasint,omitempty"`
	// WarningID is the warning a moderation_warning notification tells of.
	WarningID shard.ID `cbor:"10,keyasint,omitempty"`
}

const (
	tNotifications = "notifications"
	tCauses        = "notification_causes"
	tGroupHours    = "notification_group_hours"
	tGroupMembers  = "notification_group_members"
	tPolicies      = "notification_policies"
	tPermissions   = "notification_permissions"
	tRequests      = "notification_requests"
	tRequestFrom   = "notification_request_from"
	tFiltered      = "notification_filtered"
)

// Schema lists the tables this package uses.
func Schema() store.Schema {
	return store.Schema{{Name: tNotifications, Order: store.Desc}, {Name: tCauses, TTL: 30 * 24 * time.Hour},
		{Name: tGroupHours, TTL: groupSpan}, {Name: tGroupMembers, Order: store.Desc}, {Name: tPolicies},
		{Name: tPermissions}, {Name: tRequests, Order: store.Desc}, {Name: tRequestFrom}, {Name: tFiltered, Order: store.Desc}}
}

// Filter is the part of the account service that decides who hears from whom.
type Filter interface {
	EitherBlocks(ctx context.Context, a, b shard.ID) (bool, error)
	Muters(ctx context.Context, candidates []shard.ID, target shard.ID, notifications bool) ([]bool, error)
	// DomainHidden returns which of others the viewer hides by a domain block.
	DomainHidden(ctx context.Context, viewer shard.ID, others []shard.ID) (map[shard.ID]bool, error)
}

// Streams is the part of the stream router (stream.Router) that new notifications
// are published to. Events carry ids only; connections render them for their viewers.
type Streams interface {
	Publish(key stream.Key, e stream.Event)
}

// noStreams is the Streams of a service without streaming.
type noStreams struct{}

func (noStreams) Publish(stream.Key, stream.Event) {}

// Pushes hears every new notification that is not filtered, to push it to the
// recipient's devices (push.Service, which appends it to its topic).
type Pushes interface {
	Notified(ctx context.Context, to shard.ID, n Notification) error
}

// Options tune the service. Zero fields take the documented defaults.
type Options struct {
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Streams hears every new notification, as its id on the recipient's
	// notifications stream (stream.Notifications); default none.
	Streams Streams
	// Senders answers what notification policies ask about a sender; default none,
	// which accepts every notification.
	Senders Senders
	// Pushes hears every notification made for the listings; default none.
	Pushes Pushes
}

func (o Options) withDefaults() Options {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Streams == nil {
		o.Streams = noStreams{}
	}
	return o
}

// Service stores and lists notifications.
type Service struct {
	st      store.Store
	ids     *shard.Generator
	filter  Filter
	now     func() time.Time
	streams Streams
	senders Senders
	pushes  Pushes
}

// New returns a service on st.
func New(st store.Store, ids *shard.Generator, filter Filter, opts Options) *Service {
	opts = opts.withDefaults()
	return &Service{st: st, ids: ids, filter: filter, now: opts.Now, streams: opts.Streams, senders: opts.Senders,
		pushes: opts.Pushes}
}

func cause(kind Kind, from, statusID shard.ID) []byte {
	return append(append([]byte(string(kind)+"|"), from.Bytes()...), statusID.Bytes()...)
}

// Notify tells `to` that `from` did `kind` (on statusID, if any). It does nothing when
// to is from, when either blocks the other, when `to` mutes `from`'s notifications or
// blocks `from`'s domain (unless following `from`), or when the same cause already
// notified. The recipient's policy may drop it, or file it in the sender's
// notification request instead of the listings (filtered).
func (s *Service) Notify(ctx context.Context, to, from shard.ID, kind Kind, statusID shard.ID) error {
	if (to == from && kind != Poll) || to == 0 { // the end of a poll is told its author too
		return nil
	}
	blocked, err := s.filter.EitherBlocks(ctx, to, from)
	if err != nil || blocked {
		return err
	}
	muted, err := s.filter.Muters(ctx, []shard.ID{to}, from, true)
	if err != nil || muted[0] {
		return err
	}
	byDomain, err := s.filter.DomainHidden(ctx, to, []shard.ID{from})
	if err != nil || byDomain[from] {
		return err
	}
	act, err := s.decide(ctx, to, from, kind, statusID)
	if err != nil || act == Drop {
		return err
	}
	n := Notification{ID: s.ids.Next(), Type: kind, From: from, StatusID: statusID, CreatedAt: s.now().UTC(), Filtered: act == FilterOut}
	fresh, _, err := s.st.PutIfAbsent(ctx, tCauses, to.Bytes(), cause(kind, from, statusID), n.ID.Bytes(), 0)
	if err != nil || !fresh {
		return err
	}
	return s.keep(ctx, to, &n)
}

// NotifyReport tells the moderator `to` of the report reportID that `from` filed
// (admin.report), once per report. Neither blocks, mutes nor the policy hold it back:
// a moderator hears of every report, also from accounts they block.
func (s *Service) NotifyReport(ctx context.Context, to, from, reportID shard.ID) error {
	if to == from || to == 0 {
		return nil
	}
	n := Notification{ID: s.ids.Next(), Type: AdminReport, From: from, ReportID: reportID, CreatedAt: s.now().UTC()}
	fresh, _, err := s.st.PutIfAbsent(ctx, tCauses, to.Bytes(), cause(AdminReport, from, reportID), n.ID.Bytes(), 0)
	if err != nil || !fresh {
		return err
	}
	return s.keep(ctx, to, &n)
}

// keep keeps a notification of to (filtered, or in the listings and their group),
// and tells to's streams and push subscriptions of it.
func (s *Service) keep(ctx context.Context, to shard.ID, n *Notification) error {
	var err error
	if n.Filtered {
		return s.file(ctx, to, n)
	}
	if n.GroupKey, err = s.groupKey(ctx, to, n); err != nil {
		return err
	}
	b, err := store.Marshal(n)
	if err != nil {
		return err
	}
	muts := []store.Mutation{{Kind: store.Put, Table: tNotifications, PK: to.Bytes(), CK: n.ID.Bytes(), Value: b}}
	if n.GroupKey != "" {
		muts = append(muts, store.Mutation{Kind: store.Put, Table: tGroupMembers, PK: groupPK(to, n.GroupKey), CK: n.ID.Bytes(), Value: []byte{}})
	}
	if err := s.st.Batch(ctx, muts); err != nil {
		return fmt.Errorf("save notification for %d: %w", to, err)
	}
	s.streams.Publish(stream.Notifications(to), stream.Event{Kind: stream.Notification, ID: n.ID})
	if s.pushes != nil {
		return s.pushes.Notified(ctx, to, *n)
	}
	return nil
}

// Withdraw removes the notification a cause made once what caused it is undone (an
// unfavourite, a boost deleted), as Mastodon destroys a notification with its
// activity. The cause is forgotten too, so that doing it again notifies again.
func (s *Service) Withdraw(ctx context.Context, to, from shard.ID, kind Kind, statusID shard.ID) error {
	c := cause(kind, from, statusID)
	id, err := s.st.Get(ctx, tCauses, to.Bytes(), c)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("load the cause of a notification for %d: %w", to, err)
	}
	if n, err := s.Get(ctx, to, shard.FromBytes(id)); err == nil {
		if err := s.remove(ctx, to, n); err != nil {
			return err
		}
	} else if !errors.Is(err, ErrNotFound) {
		return err
	}
	if err := s.st.Delete(ctx, tCauses, to.Bytes(), c); err != nil {
		return fmt.Errorf("withdraw a notification for %d: %w", to, err)
	}
	return nil
}

// Query narrows a listing.
type Query struct {
	Types, ExcludeTypes []Kind
	From                shard.ID
	// IncludeFiltered keeps the notifications a policy filtered; so does From, as
	// Mastodon's browserable (a sender's notifications are shown whole).
	IncludeFiltered bool
}

func (q Query) keep(n *Notification) bool {
	if n.Filtered && !q.IncludeFiltered && q.From == 0 {
		return false
	}
	if len(q.Types) > 0 && !slices.Contains(q.Types, n.Type) {
		return false
	}
	if slices.Contains(q.ExcludeTypes, n.Type) {
		return false
	}
	return q.From == 0 || q.From == n.From
}

// List returns a page of account's notifications, newest first.
func (s *Service) List(ctx context.Context, account shard.ID, p paging.Page, q Query) ([]Notification, error) {
	var out []Notification
	_, err := p.Filter(func(r store.Range) ([]store.Row, error) {
		rows, err := s.st.Scan(ctx, tNotifications, account.Bytes(), r)
		if err != nil {
			return nil, fmt.Errorf("list notifications of %d: %w", account, err)
		}
		return rows, nil
	}, func(r store.Row) (bool, error) {
		var n Notification
		if err := store.Unmarshal(r.Value, &n); err != nil {
			return false, err
		}
		if !q.keep(&n) {
			return false, nil
		}
		out = append(out, n)
		return true, nil
	})
	if err != nil {
		return nil, err
	}
	if p.Forward() { // Filter kept them nearest the cursor first; a page is newest first
		slices.Reverse(out)
	}
	return out, nil
}

// Get returns one notification of account.
func (s *Service) Get(ctx context.Context, account, id shard.ID) (*Notification, error) {
	b, err := s.st.Get(ctx, tNotifications, account.Bytes(), id.Bytes())
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("notification %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("load notification %d: %w", id, err)
	}
	var n Notification
	if err := store.Unmarshal(b, &n); err != nil {
		return nil, err
	}
	return &n, nil
}

// Dismiss deletes one notification.
func (s *Service) Dismiss(ctx context.Context, account, id shard.ID) error {
	n, err := s.Get(ctx, account, id)
	if err != nil {
		return err
	}
	return s.remove(ctx, account, n)
}

// Clear deletes every notification of account.
func (s *Service) Clear(ctx context.Context, account shard.ID) error {
	err := s.st.Batch(ctx, []store.Mutation{{Kind: store.DeletePartition, Table: tNotifications, PK: account.Bytes()}})
	if err != nil {
		return fmt.Errorf("clear notifications of %d: %w", account, err)
	}
	return nil
}

// UnreadCount counts notifications newer than lastRead that q keeps, up to limit.
func (s *Service) UnreadCount(ctx context.Context, account, lastRead shard.ID, limit int, q Query) (int, error) {
	n := 0
	err := s.scanAll(ctx, account, paging.Page{SinceID: lastRead}, q, func(*Notification) bool {
		n++
		return n < limit
	})
	return n, err
}
