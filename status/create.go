package status

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/bus"
	"github.com/herd-social/herd/media"
	"github.com/herd-social/herd/poll"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// Event kinds of the statuses topic.
const (
	Created = "created"
	Updated = "updated"
	Deleted = "deleted"
)

// Event is one message of the statuses topic. Deleted events carry the status as it
// was, since it is gone from the store by the time consumers run.
type Event struct {
	Kind     string   `cbor:"1,keyasint"`
	StatusID shard.ID `cbor:"2,keyasint"`
	Author   shard.ID `cbor:"3,keyasint"`
	Status   *Status  `cbor:"4,keyasint,omitempty"`
	// CountedAt is when a Voted event's vote was counted, in Unix milliseconds (a
	// time.Time would keep only seconds here).
	CountedAt int64 `cbor:"5,keyasint,omitempty"`
	// Posted is the status as a Created event's post stored it, so that fan-out
	// need not read it back; it is nil in a republished event (read the store then).
	// It is apart from Status so that other consumers keep reading the status as it
	// is when they run.
	Posted *Status `cbor:"6,keyasint,omitempty"`
}

// DecodeEvent reads an event from a bus message.
func DecodeEvent(m bus.Message) (Event, error) {
	var e Event
	err := store.Unmarshal(m.Value, &e)
	return e, err
}

func (s *Service) publish(ctx context.Context, e Event) error {
	b, err := store.Marshal(&e)
	if err != nil {
		return err
	}
	if err := s.bus.Publish(ctx, bus.Message{Topic: Topic, Key: e.Author.Bytes(), Value: b}); err != nil {
		return fmt.Errorf("publish %s status %d: %w", e.Kind, e.StatusID, err)
	}
	return nil
}

// Post is what POST /api/v1/statuses gives.
type Post struct {
	Text, SpoilerText string
	// Visibility, Language and Sensitive, when not given (empty or nil), are the
	// author's posting defaults: their preferences, else public, none and false.
	Visibility          Visibility
	Language            string
	Sensitive           *bool
	InReplyToID         shard.ID
	IdempotencyKey      string
	AppName, AppWebsite string
	Poll                *poll.Ask
	MediaIDs            []shard.ID
	// QuotedStatusID is the status the post quotes, if any.
	QuotedStatusID shard.ID
	// QuotePolicy is who may quote the post; empty: the author's default.
	QuotePolicy QuotePolicy
	// ID, when set, is the id reserved for the status (a scheduled status's, see
	// Prepare): Create makes the status under it only if no status has it yet, and
	// otherwise returns the one that has it, so that making it again is harmless.
	ID shard.ID
}

func (s *Service) validate(p *Post) error {
	if strings.TrimSpace(p.Text) == "" && len(p.MediaIDs) == 0 {
		return invalid("Text can't be blank")
	}
	if len(p.MediaIDs) > 0 && p.Poll != nil {
		return invalid("Media attachments and a poll cannot be attached at the same time")
	}
	if len(p.MediaIDs) > 0 && s.opts.Media == nil {
		return invalid("Media attachments are not supported")
	}
	if s.format.Length(p.SpoilerText, p.Text) > s.opts.MaxCharacters {
		return invalid("Text character limit of %d exceeded", s.opts.MaxCharacters)
	}
	if p.Visibility != "" && !p.Visibility.Valid() {
		return invalid("Visibility is not included in the list")
	}
	if len(p.Language) > 16 {
		return invalid("Language is not a valid language code")
	}
	if p.QuotePolicy != "" && !p.QuotePolicy.Valid() {
		return invalid("Quote approval policy is not included in the list")
	}
	if len(p.IdempotencyKey) > 256 {
		return invalid("Idempotency-Key is too long")
	}
	return nil
}

// defaults fills in what p leaves to the author's preferences, as Mastodon's
// PostStatusService does (a post always has a language); an author without a user
// (a test fixture) posts publicly, in the instance's language.
func (s *Service) defaults(ctx context.Context, author shard.ID, p *Post) error {
	if p.Visibility != "" && p.Language != "" && p.Sensitive != nil && p.QuotePolicy != "" {
		return nil
	}
	u, err := s.accounts.User(ctx, author)
	if errors.Is(err, account.ErrNotFound) {
		u, err = &account.User{}, nil
	}
	if err != nil {
		return err
	}
	if p.Visibility == "" {
		p.Visibility = Visibility(u.Privacy())
	}
	if p.Language == "" {
		p.Language = u.PostingLanguage()
	}
	if p.Sensitive == nil {
		p.Sensitive = &u.DefaultSensitive
	}
	if p.QuotePolicy == "" {
		p.QuotePolicy = QuotePolicy(u.QuotePolicy())
	}
	return nil
}

// Create posts a status for author. With an idempotency key seen in the last hour it
// returns the status posted then instead of posting again; with a reserved id
// (Post.ID) that a status already has, it returns that status.
func (s *Service) Create(ctx context.Context, author shard.ID, p Post) (*Status, error) {
	if err := s.validate(&p); err != nil {
		return nil, err
	}
	if p.IdempotencyKey != "" {
		if st, err := s.idempotent(ctx, author, p.IdempotencyKey); err != nil || st != nil {
			return st, err
		}
	}
	if p.ID != 0 {
		if st, err := s.reserved(ctx, author, p.ID); err != nil || st != nil {
			return st, err
		}
	}
	if err := s.defaults(ctx, author, &p); err != nil {
		return nil, err
	}
	if len(p.MediaIDs) > 0 && !*p.Sensitive {
		// The media of an account moderators marked sensitive always are, as Mastodon's.
		a, err := s.accounts.Get(ctx, author)
		if err != nil {
			return nil, err
		}
		p.Sensitive = ptrTo(a.Sensitized)
	}
	now := s.opts.Now().UTC()
	var question *poll.Poll
	if p.Poll != nil {
		var err error
		if question, err = s.opts.Polls.New(*p.Poll, now); err != nil {
			return nil, err
		}
	}
	f, err := s.format.Format(ctx, p.Text)
	if err != nil {
		return nil, fmt.Errorf("format status: %w", err)
	}
	id := p.ID
	if id == 0 {
		id = s.ids.Next()
	}
	st := &Status{ID: id, AccountID: author, Poll: question, MediaIDs: p.MediaIDs, Text: p.Text, Content: f.HTML, SpoilerText: p.SpoilerText,
		Visibility: p.Visibility, Sensitive: *p.Sensitive || p.SpoilerText != "", Language: p.Language,
		Mentions: f.Mentions, Tags: f.Tags, TagDisplays: f.TagDisplays, CreatedAt: now, AppName: p.AppName, AppWebsite: p.AppWebsite, Local: true,
		QuotePolicy: p.QuotePolicy}
	st.ThreadID = st.ID
	if err := s.inReplyTo(ctx, st, p.InReplyToID); err != nil {
		return nil, err
	}
	quoted, err := s.quote(ctx, st, p.QuotedStatusID)
	if err != nil {
		return nil, err
	}
	marks, err := s.attach(ctx, st)
	if err != nil {
		return nil, err
	}
	touch, err := s.accounts.LastStatusMutations(ctx, author, now)
	if err != nil {
		return nil, err
	}
	if err := s.write(ctx, st, p.IdempotencyKey, append(marks, touch...)...); err != nil {
		return nil, err
	}
	if err := s.announce(ctx, st); err != nil {
		return nil, err
	}
	if err := s.notifyQuoted(ctx, st, quoted); err != nil {
		return nil, err
	}
	return st, nil
}

// inReplyTo makes st a reply to parent, which its author must see.
func (s *Service) inReplyTo(ctx context.Context, st *Status, parentID shard.ID) error {
	if parentID == 0 {
		return nil
	}
	parent, err := s.Visible(ctx, st.AccountID, parentID)
	if errors.Is(err, ErrNotFound) {
		return invalid("Reply to a status that does not exist or is not visible")
	}
	if err != nil {
		return err
	}
	st.InReplyToID, st.InReplyToAccountID, st.ThreadID = parent.ID, parent.AccountID, parent.ThreadID
	if st.ThreadID == 0 {
		st.ThreadID = parent.ID
	}
	return nil
}

// Prepare checks a post that Create is to make later under the id reserved for it
// (p.ID), as Create checks one, filling in the author's defaults, and returns the
// writes that hold its attachments for that id until then, for the caller's batch.
// Mastodon's PostStatusService checks a scheduled status so before keeping it.
func (s *Service) Prepare(ctx context.Context, author shard.ID, p *Post) ([]store.Mutation, error) {
	if p.ID == 0 {
		return nil, errors.New("status: prepare a post without a reserved id")
	}
	if err := s.validate(p); err != nil {
		return nil, err
	}
	if err := s.defaults(ctx, author, p); err != nil {
		return nil, err
	}
	if p.Poll != nil {
		if _, err := s.opts.Polls.New(*p.Poll, s.opts.Now().UTC()); err != nil {
			return nil, err
		}
	}
	st := &Status{ID: p.ID, AccountID: author, MediaIDs: p.MediaIDs, Visibility: p.Visibility}
	if err := s.inReplyTo(ctx, st, p.InReplyToID); err != nil {
		return nil, err
	}
	if _, err := s.quote(ctx, st, p.QuotedStatusID); err != nil {
		return nil, err
	}
	p.Visibility = st.Visibility // a quote of a private status is private
	return s.attach(ctx, st)
}

// reserved returns the status made under a reserved id, or nil if there is none yet.
func (s *Service) reserved(ctx context.Context, author, id shard.ID) (*Status, error) {
	st, err := s.Get(ctx, id)
	switch {
	case errors.Is(err, ErrNotFound):
		return nil, nil
	case err != nil:
		return nil, err
	case st.AccountID != author:
		return nil, fmt.Errorf("status: reserved id %d is another account's status", id)
	}
	return st, nil
}

// attach checks that st's author may attach its attachments, and returns the writes
// that mark them as st's, for the batch that stores st.
func (s *Service) attach(ctx context.Context, st *Status) ([]store.Mutation, error) {
	if len(st.MediaIDs) == 0 {
		return nil, nil
	}
	as, err := s.opts.Media.Attach(ctx, st.AccountID, st.MediaIDs, st.ID)
	if err != nil {
		return nil, err
	}
	return media.Marks(as, st.ID)
}

func (s *Service) idempotent(ctx context.Context, author shard.ID, key string) (*Status, error) {
	b, err := s.st.Get(ctx, tIdempotency, author.Bytes(), []byte(key))
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("check idempotency key: %w", err)
	}
	st, err := s.Get(ctx, shard.FromBytes(b))
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	return st, err
}

// write stores a new status with its listings and counters in one batch, with the
// extra writes given (its attachments' marks).
func (s *Service) write(ctx context.Context, st *Status, idemKey string, extra ...store.Mutation) error {
	b, err := store.Marshal(st)
	if err != nil {
		return err
	}
	muts := []store.Mutation{
		{Kind: store.Put, Table: tStatuses, PK: st.ID.Bytes(), CK: empty, Value: b},
		{Kind: store.Put, Table: tByAccount, PK: st.AccountID.Bytes(), CK: st.ID.Bytes(), Value: flags(st)},
		account.CountMutation(st.AccountID, account.CountStatuses, 1),
		outboxRow(st),
	}
	if st.Local && st.ReblogOfID == 0 {
		muts = append(muts, account.InstanceCountMutation(account.CountLocalPosts, 1), account.WeekCountMutation(account.WeekStatuses, st.CreatedAt))
	}
	if st.Local && (st.ReblogOfID != 0 || st.IsReply()) {
		// A local boost, or reply to someone else, is one of the day's interactions.
		muts = append(muts, account.DayCountMutation(account.DayInteractions, st.CreatedAt))
	}
	if st.InReplyToID != 0 {
		muts = append(muts,
			store.Mutation{Kind: store.Put, Table: tReplies, PK: st.InReplyToID.Bytes(), CK: st.ID.Bytes(), Value: st.AccountID.Bytes()},
			countMutation(st.InReplyToID, countReplies, 1))
	}
	if st.ReblogOfID != 0 {
		muts = append(muts, countMutation(st.ReblogOfID, countReblogs, 1),
			store.Mutation{Kind: store.Put, Table: tReblogs, PK: st.ReblogOfID.Bytes(), CK: st.AccountID.Bytes(), Value: st.ID.Bytes()},
			store.Mutation{Kind: store.Put, Table: tReblogsBy, PK: st.ReblogOfID.Bytes(), CK: st.ID.Bytes(), Value: st.AccountID.Bytes()})
	}
	muts = append(muts, s.pollEnd(st)...)
	muts = append(muts, quoteRows(st, 1)...)
	muts = append(muts, authorizationRows(st, true)...)
	muts = append(muts, extra...)
	cleared := s.outbox.take()
	muts = append(muts, cleared...)
	if idemKey != "" {
		muts = append(muts, store.Mutation{Kind: store.Put, Table: tIdempotency, PK: st.AccountID.Bytes(), CK: []byte(idemKey), Value: st.ID.Bytes()})
	}
	if err := s.st.Batch(ctx, muts); err != nil {
		s.outbox.putBack(cleared)
		return fmt.Errorf("save status %d: %w", st.ID, err)
	}
	return nil
}

// announce publishes the created event and leaves the outbox row to be cleared
// later (outbox.go). The event carries the status, so that fan-out need not read it back.
func (s *Service) announce(ctx context.Context, st *Status) error {
	if err := s.publish(ctx, Event{Kind: Created, StatusID: st.ID, Author: st.AccountID, Posted: st}); err != nil {
		return err
	}
	return s.outbox.published(ctx, s.st, st.ID)
}

// Flags of a statuses_by_account row, so that account listings can filter without
// loading each status.
const (
	FlagReply  byte = 1 << 0 // replies to someone else
	FlagReblog byte = 1 << 1
	FlagMedia  byte = 1 << 2
)

// visCodes are the visibilities in the order of their listing-row codes.
var visCodes = [...]Visibility{Public, Unlisted, Private, Direct}

var visCode = map[Visibility]byte{Public: 0, Unlisted: 1, Private: 2, Direct: 3}

func flags(st *Status) []byte {
	var f byte
	if st.IsReply() {
		f |= FlagReply
	}
	if len(st.MediaIDs) > 0 {
		f |= FlagMedia
	}
	if st.ReblogOfID != 0 {
		f |= FlagReblog
	}
	return []byte{f, visCode[st.Visibility]}
}

func ptrTo[T any](v T) *T { return &v }
