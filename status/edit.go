package status

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/media"
	"github.com/herd-social/herd/notification"
	"github.com/herd-social/herd/poll"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// Revision is one version of a status in its edit history.
type Revision struct {
	Content     string    `cbor:"1,keyasint"`
	SpoilerText string    `cbor:"2,keyasint,omitempty"`
	Sensitive   bool      `cbor:"3,keyasint,omitempty"`
	CreatedAt   time.Time `cbor:"4,keyasint"`
	Text        string    `cbor:"5,keyasint,omitempty"`
	// PollOptions are the options of the version's poll, if it had one.
	PollOptions []string `cbor:"6,keyasint,omitempty"`
	// MediaIDs are the version's attachments, and MediaDescriptions their
	// descriptions then (nil when not known: the versions recorded before they were).
	MediaIDs          []shard.ID `cbor:"7,keyasint,omitempty"`
	MediaDescriptions []string   `cbor:"8,keyasint,omitempty"`
}

func revisionOf(st *Status, at time.Time) Revision {
	r := Revision{Content: st.Content, SpoilerText: st.SpoilerText, Sensitive: st.Sensitive, CreatedAt: at, Text: st.Text,
		MediaIDs: st.MediaIDs}
	if st.Poll != nil {
		r.PollOptions = st.Poll.Options
	}
	return r
}

// Change is what PUT /api/v1/statuses/:id gives; nil fields are left alone, but for
// the poll: as in Mastodon, an edit that gives none removes the status's poll.
type Change struct {
	Text, SpoilerText, Language *string
	Sensitive                   *bool
	Poll                        *poll.Ask
	// MediaIDs, when not nil, are the attachments after the edit, in order.
	MediaIDs *[]shard.ID
	// MediaAttributes change attachments the status carries after the edit
	// (Mastodon's media_attributes[]); those of others are ignored, as Mastodon does.
	MediaAttributes []MediaAttribute
	// QuotePolicy, when not nil, is who may quote the status from now on.
	QuotePolicy *QuotePolicy
}

// MediaAttribute is the change of one attachment in an edit.
type MediaAttribute struct {
	ID shard.ID
	media.Change
}

// Edit changes the text of one of author's statuses, keeping the previous versions.
func (s *Service) Edit(ctx context.Context, author, id shard.ID, c Change) (*Status, error) {
	st, err := s.Visible(ctx, author, id)
	if err != nil {
		return nil, err
	}
	if st.AccountID != author || st.ReblogOfID != 0 {
		return nil, fmt.Errorf("edit status %d by %d: %w", id, author, ErrForbidden)
	}
	text, spoiler := st.Text, st.SpoilerText
	if c.Text != nil {
		text = *c.Text
	}
	if c.SpoilerText != nil {
		spoiler = *c.SpoilerText
	}
	if s.format.Length(spoiler, text) > s.opts.MaxCharacters {
		return nil, invalid("Text character limit of %d exceeded", s.opts.MaxCharacters)
	}
	if c.QuotePolicy != nil {
		if !c.QuotePolicy.Valid() {
			return nil, invalid("Quote approval policy is not included in the list")
		}
		st.QuotePolicy = *c.QuotePolicy
	}
	now := s.opts.Now().UTC()
	question, err := s.editedPoll(st.Poll, c.Poll, now)
	if err != nil {
		return nil, err
	}
	mediaIDs := st.MediaIDs
	if c.MediaIDs != nil {
		mediaIDs = *c.MediaIDs
	}
	if strings.TrimSpace(text) == "" && len(mediaIDs) == 0 {
		return nil, invalid("Text can't be blank")
	}
	if len(mediaIDs) > 0 && question != nil {
		return nil, invalid("Media attachments and a poll cannot be attached at the same time")
	}
	history, err := s.History(ctx, st) // before the edit changes st
	if err != nil {
		return nil, err
	}
	before, err := s.descriptions(ctx, st.MediaIDs)
	if err != nil {
		return nil, err
	}
	if len(history) == 1 {
		history[0].MediaDescriptions = before
	}
	marks, released, after, err := s.editMedia(ctx, st, mediaIDs, c.MediaAttributes)
	if err != nil {
		return nil, err
	}
	if after == nil { // the attachments are unchanged
		after = before
	}
	f, err := s.format.Format(ctx, text)
	if err != nil {
		return nil, fmt.Errorf("format status: %w", err)
	}
	var muts []store.Mutation
	if len(history) == 1 { // the first edit keeps the original as revision 0
		muts = append(muts, s.revisionRow(st.ID, 0, history[0]))
	}
	st.Text, st.SpoilerText, st.Content, st.Mentions, st.Tags, st.EditedAt = text, spoiler, f.HTML, f.Mentions, f.Tags, now
	st.TagDisplays = f.TagDisplays
	st.Poll = question
	if c.Sensitive != nil {
		st.Sensitive = *c.Sensitive
	}
	if c.Language != nil {
		st.Language = *c.Language
	}
	if spoiler != "" {
		st.Sensitive = true
	}
	b, err := store.Marshal(st)
	if err != nil {
		return nil, err
	}
	rev := revisionOf(st, now)
	rev.MediaDescriptions = after
	muts = append(muts, store.Mutation{Kind: store.Put, Table: tStatuses, PK: st.ID.Bytes(), CK: empty, Value: b},
		s.revisionRow(st.ID, len(history), rev))
	muts = append(muts, s.pollEnd(st)...)
	muts = append(muts, marks...)
	if err := s.st.Batch(ctx, muts); err != nil {
		return nil, fmt.Errorf("save edit of %d: %w", st.ID, err)
	}
	s.cache.Forget(st.ID)
	if len(released) > 0 {
		if err := s.opts.Media.Release(ctx, released, true); err != nil {
			return nil, err
		}
	}
	return st, s.publish(ctx, Event{Kind: Updated, StatusID: st.ID, Author: author})
}

// editMedia makes ids the attachments of st, changed as attrs say: it checks the new
// ones and returns the writes that mark them as st's (for the batch that saves the
// edit), the ones st no longer carries, to release once it is saved (kept a while,
// unattached), and the descriptions of its attachments after the edit (nil when it
// changes none).
func (s *Service) editMedia(ctx context.Context, st *Status, ids []shard.ID, attrs []MediaAttribute) ([]store.Mutation, []shard.ID, []string, error) {
	if slices.Equal(ids, st.MediaIDs) && len(attrs) == 0 {
		return nil, nil, nil, nil
	}
	if s.opts.Media == nil {
		return nil, nil, nil, invalid("Media attachments are not supported")
	}
	as, err := s.opts.Media.Attach(ctx, st.AccountID, ids, st.ID)
	if err != nil {
		return nil, nil, nil, err
	}
	for _, attr := range attrs {
		i := slices.IndexFunc(as, func(a *media.Attachment) bool { return a.ID == attr.ID })
		if i < 0 {
			continue
		}
		if err := s.opts.Media.Amend(ctx, as[i], attr.Change); err != nil {
			return nil, nil, nil, err
		}
	}
	marks, err := media.Marks(as, st.ID)
	if err != nil {
		return nil, nil, nil, err
	}
	var gone []shard.ID
	for _, id := range st.MediaIDs {
		if !slices.Contains(ids, id) {
			gone = append(gone, id)
		}
	}
	st.MediaIDs = ids
	descs := make([]string, len(as))
	for i, a := range as {
		descs[i] = a.Description
	}
	return marks, gone, descs, nil
}

// descriptions returns the descriptions of the attachments ids, in order ("" for one
// gone), or nil for none.
func (s *Service) descriptions(ctx context.Context, ids []shard.ID) ([]string, error) {
	if len(ids) == 0 || s.opts.Media == nil {
		return nil, nil
	}
	got, err := s.opts.Media.GetMany(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		if a := got[id]; a != nil {
			out[i] = a.Description
		}
	}
	return out, nil
}

// editedPoll is the poll a status has after an edit that asks for ask (nil: none), as
// Mastodon's UpdateStatusService: checked as a new one, ending expires_in from now,
// and keeping its votes only when the question (options and multiplicity) is the same;
// another question starts a new round of votes.
func (s *Service) editedPoll(had *poll.Poll, ask *poll.Ask, now time.Time) (*poll.Poll, error) {
	if ask == nil {
		return nil, nil
	}
	q, err := s.opts.Polls.New(*ask, now)
	if err != nil || had == nil {
		return q, err
	}
	q.Round = had.Round
	if !had.SameQuestion(q) {
		q.Round++
	}
	return q, nil
}

func (s *Service) revisionRow(id shard.ID, n int, r Revision) store.Mutation {
	b, _ := store.Marshal(&r) // a Revision always encodes
	return store.Mutation{Kind: store.Put, Table: tEdits, PK: id.Bytes(), CK: shard.ID(n).Bytes(), Value: b}
}

// History returns the versions of a status, oldest first; an unedited status has one.
func (s *Service) History(ctx context.Context, st *Status) ([]Revision, error) {
	rows, err := s.st.Scan(ctx, tEdits, st.ID.Bytes(), store.Range{Limit: 1000})
	if err != nil {
		return nil, fmt.Errorf("load history of %d: %w", st.ID, err)
	}
	if len(rows) == 0 {
		return []Revision{revisionOf(st, st.CreatedAt)}, nil
	}
	out := make([]Revision, len(rows))
	for i, r := range rows {
		if err := store.Unmarshal(r.Value, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Delete removes one of author's statuses (or boosts) and returns it as it was.
func (s *Service) Delete(ctx context.Context, author, id shard.ID) (*Status, error) {
	st, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if st.AccountID != author {
		return nil, fmt.Errorf("delete status %d by %d: %w", id, author, ErrNotFound)
	}
	muts := []store.Mutation{
		{Kind: store.Delete, Table: tStatuses, PK: st.ID.Bytes(), CK: empty},
		{Kind: store.Delete, Table: tByAccount, PK: st.AccountID.Bytes(), CK: st.ID.Bytes()},
		{Kind: store.DeletePartition, Table: tEdits, PK: st.ID.Bytes()},
		{Kind: store.DeletePartition, Table: tQuotes, PK: st.ID.Bytes()},
		account.CountMutation(st.AccountID, account.CountStatuses, -1),
	}
	if st.Local && st.ReblogOfID == 0 {
		muts = append(muts, account.InstanceCountMutation(account.CountLocalPosts, -1))
	}
	if st.Poll != nil {
		muts = append(muts, poll.Forget(st.ID)...)
	}
	if st.URI != "" {
		muts = append(muts, store.Mutation{Kind: store.Delete, Table: tURIs, PK: []byte(st.URI), CK: empty},
			store.Mutation{Kind: store.Put, Table: tTombstones, PK: []byte(st.URI), CK: empty, Value: empty})
	}
	if st.InReplyToID != 0 {
		muts = append(muts,
			store.Mutation{Kind: store.Delete, Table: tReplies, PK: st.InReplyToID.Bytes(), CK: st.ID.Bytes()},
			countMutation(st.InReplyToID, countReplies, -1))
	}
	muts = append(muts, quoteRows(st, -1)...)
	muts = append(muts, authorizationRows(st, false)...)
	if st.ReblogOfID != 0 {
		muts = append(muts,
			store.Mutation{Kind: store.Delete, Table: tReblogs, PK: st.ReblogOfID.Bytes(), CK: st.AccountID.Bytes()},
			store.Mutation{Kind: store.Delete, Table: tReblogsBy, PK: st.ReblogOfID.Bytes(), CK: st.ID.Bytes()},
			countMutation(st.ReblogOfID, countReblogs, -1))
	}
	if err := s.st.Batch(ctx, muts); err != nil {
		return nil, fmt.Errorf("delete status %d: %w", id, err)
	}
	s.cache.Forget(st.ID)
	if err := s.publish(ctx, Event{Kind: Deleted, StatusID: st.ID, Author: author, Status: st}); err != nil {
		return nil, err
	}
	if len(st.MediaIDs) > 0 && s.opts.Media != nil {
		// A local status's files stay a while, unattached, for a delete and redraft to
		// post again, as Mastodon keeps them; a remote one's records go with it.
		if err := s.opts.Media.Release(ctx, st.MediaIDs, st.Local); err != nil {
			return nil, err
		}
	}
	if st.ReblogOfID != 0 { // an unboost: its notification goes with it
		if err := s.withdrawReblog(ctx, st); err != nil {
			return nil, err
		}
	}
	return st, nil
}

// withdrawReblog removes the notification the boost st gave the original's author.
func (s *Service) withdrawReblog(ctx context.Context, st *Status) error {
	orig, err := s.Get(ctx, st.ReblogOfID)
	if isNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	return s.notifier.Withdraw(ctx, orig.AccountID, st.AccountID, notification.Reblog, orig.ID)
}

// DeleteReblogs removes every boost of a deleted status, as Mastodon does.
func (s *Service) DeleteReblogs(ctx context.Context, id shard.ID) error {
	rows, err := s.st.Scan(ctx, tReblogsBy, id.Bytes(), store.Range{Limit: 10000})
	if err != nil {
		return fmt.Errorf("list reblogs of %d: %w", id, err)
	}
	for _, r := range rows {
		if _, err := s.Delete(ctx, shard.FromBytes(r.Value), shard.FromBytes(r.CK)); err != nil && !isNotFound(err) {
			return err
		}
	}
	return nil
}
