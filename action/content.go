package action

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/media"
	"github.com/herd-social/herd/moderation"
	"github.com/herd-social/herd/rules"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/text"
)

// Poster is the part of status.Service that local posts and edits are written with.
type Poster interface {
	Get(ctx context.Context, id shard.ID) (*status.Status, error)
	Create(ctx context.Context, author shard.ID, p status.Post) (*status.Status, error)
	Edit(ctx context.Context, author, id shard.ID, c status.Change) (*status.Status, error)
}

// Users is the part of account.Service that gives a local user's posting defaults.
type Users interface {
	User(ctx context.Context, id shard.ID) (*account.User, error)
}

// Attachments is the part of media.Service that gives attachments' descriptions.
type Attachments interface {
	GetMany(ctx context.Context, ids []shard.ID) (map[shard.ID]*media.Attachment, error)
}

// ContentRules is the part of rules.Service that screens posts.
type ContentRules interface {
	Check(ctx context.Context, texts ...string) (rules.Verdict, error)
}

// TagPolicy is the part of hashtag.Service that refuses the tags moderators made
// unusable.
type TagPolicy interface {
	CheckUsable(ctx context.Context, names []string) error
}

// Content is what posting needs: Statuses and Users are required by Post and Edit;
// without Rules no post is screened, without Media attachments' descriptions are not,
// without Tags no tag is refused.
type Content struct {
	Statuses Poster
	Users    Users
	Media    Attachments
	Rules    ContentRules
	Tags     TagPolicy
}

var errNoPosting = errors.New("action: Deps.Content.Statuses and Users are required to post")

// Post publishes a local account's status after the content rules have read its
// text, content warning, poll options and attachments' descriptions (Screen), and
// files a report about it for the Report rules that matched (the post stands).
func (s *Service) Post(ctx context.Context, author shard.ID, p status.Post) (*status.Status, error) {
	p, v, err := s.Screen(ctx, author, p)
	if err != nil {
		return nil, err
	}
	st, err := s.content.Statuses.Create(ctx, author, p)
	if err != nil {
		return nil, err
	}
	s.ReportMatches(ctx, st, v)
	return st, nil
}

// Screen applies the content rules to a local post before it is made (now, or
// later as a scheduled status): a Reject rule refuses it (rules.ErrRejected), a
// Sensitive rule marks it sensitive, an Unlist rule makes a public post unlisted. It
// returns the post to make and the verdict, whose Report rules ReportMatches files
// once the post exists.
func (s *Service) Screen(ctx context.Context, author shard.ID, p status.Post) (status.Post, rules.Verdict, error) {
	c := s.content
	if c.Statuses == nil || c.Users == nil {
		return p, rules.Verdict{}, errNoPosting
	}
	if err := s.usableTags(ctx, p.Text); err != nil {
		return p, rules.Verdict{}, err
	}
	texts := []string{p.Text, p.SpoilerText}
	if p.Poll != nil {
		texts = append(texts, p.Poll.Options...)
	}
	v, err := s.screen(ctx, p.MediaIDs, texts)
	if err != nil {
		return p, rules.Verdict{}, err
	}
	if v.Sensitive() {
		p.Sensitive = ptr(true)
	}
	if v.Unlisted() {
		vis := p.Visibility
		if vis == "" {
			u, err := c.Users.User(ctx, author)
			if err != nil {
				return p, rules.Verdict{}, err
			}
			vis = status.Visibility(u.Privacy())
		}
		if vis == status.Public {
			p.Visibility = status.Unlisted
		}
	}
	return p, v, nil
}

// Edit changes a local account's status after the content rules have read what it
// will say, as Post; an Unlist rule does nothing to an edit (an edit keeps the
// status's visibility, as Mastodon's).
func (s *Service) Edit(ctx context.Context, author, id shard.ID, ch status.Change) (*status.Status, error) {
	c := s.content
	if c.Statuses == nil || c.Users == nil {
		return nil, errNoPosting
	}
	if c.Rules == nil && c.Tags == nil {
		return c.Statuses.Edit(ctx, author, id, ch)
	}
	before, err := c.Statuses.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.usableTags(ctx, deref(ch.Text, before.Text)); err != nil {
		return nil, err
	}
	texts := []string{deref(ch.Text, before.Text), deref(ch.SpoilerText, before.SpoilerText)}
	switch {
	case ch.Poll != nil:
		texts = append(texts, ch.Poll.Options...)
	case before.Poll != nil:
		texts = append(texts, before.Poll.Options...)
	}
	mediaIDs := before.MediaIDs
	if ch.MediaIDs != nil {
		mediaIDs = *ch.MediaIDs
	}
	v, err := s.screen(ctx, mediaIDs, texts)
	if err != nil {
		return nil, err
	}
	if v.Sensitive() {
		ch.Sensitive = ptr(true)
	}
	st, err := c.Statuses.Edit(ctx, author, id, ch)
	if err != nil {
		return nil, err
	}
	s.ReportMatches(ctx, st, v)
	return st, nil
}

// usableTags refuses a local text that uses a tag moderators made unusable.
func (s *Service) usableTags(ctx context.Context, body string) error {
	if s.content.Tags == nil || !strings.ContainsAny(body, "#＃") {
		return nil
	}
	_, tags, _ := text.Extract(body)
	names := make([]string, len(tags))
	for i, t := range tags {
		names[i] = t.Name
	}
	return s.content.Tags.CheckUsable(ctx, names)
}

// screen checks texts and the descriptions of the attachments ids, and refuses a
// post a Reject rule matched.
func (s *Service) screen(ctx context.Context, ids []shard.ID, texts []string) (rules.Verdict, error) {
	c := s.content
	if c.Rules == nil {
		return rules.Verdict{}, nil
	}
	if len(ids) > 0 && c.Media != nil {
		atts, err := c.Media.GetMany(ctx, ids)
		if err != nil {
			return rules.Verdict{}, err
		}
		for _, a := range atts {
			texts = append(texts, a.Description)
		}
	}
	v, err := c.Rules.Check(ctx, texts...)
	if err != nil {
		return rules.Verdict{}, err
	}
	if r := v.Rejected(); r != nil {
		return rules.Verdict{}, fmt.Errorf("post refused by content rule %d: %w", r.ID, rules.ErrRejected)
	}
	return v, nil
}

// ScreenRemote applies the content rules to a remote status before it is stored: its
// text, content warning, poll options and attachments' descriptions. A Sensitive
// rule marks st sensitive and an Unlist rule makes a public st unlisted; the verdict
// says whether a Reject rule matched (the inbox then drops the status) and which
// Report rules did (ReportMatches, once it is stored).
func (s *Service) ScreenRemote(ctx context.Context, st *status.Status) (rules.Verdict, error) {
	if s.content.Rules == nil {
		return rules.Verdict{}, nil
	}
	texts := []string{text.PlainText(st.Content), st.SpoilerText}
	if st.Poll != nil {
		texts = append(texts, st.Poll.Options...)
	}
	for _, m := range st.RemoteMedia {
		texts = append(texts, m.Description)
	}
	v, err := s.content.Rules.Check(ctx, texts...)
	if err != nil {
		return rules.Verdict{}, err
	}
	if v.Sensitive() {
		st.Sensitive = true
	}
	if v.Unlisted() && st.Visibility == status.Public {
		st.Visibility = status.Unlisted
	}
	return v, nil
}

// ReportMatches files one report about st for the Report rules of v that matched
// it, in the name of the admin who made the first of them (the author's own, for a
// rule made from the command line), with the rules in its comment. The post stands
// whatever happens, so a failure is logged, not returned.
func (s *Service) ReportMatches(ctx context.Context, st *status.Status, v rules.Verdict) {
	matched := v.Reports()
	if len(matched) == 0 {
		return
	}
	ids := make([]string, 0, len(matched))
	for _, r := range matched[:min(len(matched), maxCited)] { // within the comment's limit
		ids = append(ids, r.ID.String())
	}
	by := matched[0].CreatedBy
	if by == 0 {
		by = st.AccountID
	}
	n := moderation.NewReport{AccountID: by, TargetAccountID: st.AccountID, StatusIDs: []shard.ID{st.ID},
		Category: moderation.CategoryOther, Automatic: true,
		Comment: "Matched content rules " + strings.Join(ids, ", ")}
	if _, err := s.reports.Create(ctx, n); err != nil {
		s.log.Error("action: report a post a content rule matched", "status", st.ID, "err", err)
	}
}

// maxCited bounds the rules a content rule's report names in its comment.
const maxCited = 40

func ptr[T any](v T) *T { return &v }

func deref(p *string, dflt string) string {
	if p == nil {
		return dflt
	}
	return *p
}
