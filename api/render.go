package api

import (
	"context"
	"maps"
	"slices"
	"time"

	"github.com/herd-social/herd/media"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/text"
	"github.com/herd-social/herd/timeline"
	"github.com/herd-social/herd/visibility"
)

// datetime renders a time as Mastodon does: RFC 3339, UTC, milliseconds.
func datetime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func ptr[T any](v T) *T { return &v }

// statuses renders statuses for the viewer, in order, skipping those whose author or
// boosted original is gone.
func (s *Server) statuses(ctx context.Context, viewer shard.ID, sts []*status.Status) ([]*Status, error) {
	origs, err := s.d.Statuses.Cached(ctx, reblogged(sts))
	if err != nil {
		return nil, err
	}
	return s.statusesWith(ctx, viewer, sts, origs)
}

// reblogged returns the ids of the originals that boosts among sts boost.
func reblogged(sts []*status.Status) []shard.ID {
	var ids []shard.ID
	for _, st := range sts {
		if st.ReblogOfID != 0 {
			ids = append(ids, st.ReblogOfID)
		}
	}
	return ids
}

// statusesWith is statuses with the boosted originals already loaded. Statuses of
// suspended accounts, and boosts of them, are left out, as Mastodon hides them.
func (s *Server) statusesWith(ctx context.Context, viewer shard.ID, sts []*status.Status, origs map[shard.ID]*status.Status) ([]*Status, error) {
	return s.renderStatuses(ctx, viewer, sts, origs, false)
}

// renderStatuses renders statuses; withSuspended keeps those of suspended accounts
// (for moderators).
func (s *Server) renderStatuses(ctx context.Context, viewer shard.ID, sts []*status.Status, origs map[shard.ID]*status.Status, withSuspended bool) ([]*Status, error) {
	// The entities whose counters and viewer marks are shown: originals, not boosts.
	var shown []*status.Status
	var accIDs []shard.ID
	for _, st := range sts {
		accIDs = append(accIDs, st.AccountID)
		target := st
		if st.ReblogOfID != 0 {
			if target = origs[st.ReblogOfID]; target == nil {
				continue
			}
			accIDs = append(accIDs, target.AccountID)
		}
		shown = append(shown, target)
		accIDs = append(accIDs, target.Mentions...)
	}
	accs, err := s.accountMap(ctx, accIDs)
	if err != nil {
		return nil, err
	}
	rendered, err := s.renderShown(ctx, viewer, shown, accs)
	if err != nil {
		return nil, err
	}
	if err := s.deepenQuotes(ctx, viewer, shown, rendered); err != nil {
		return nil, err
	}
	out := make([]*Status, 0, len(sts))
	for _, st := range sts {
		if accs[st.AccountID] == nil || (accs[st.AccountID].Suspended && !withSuspended) {
			continue
		}
		if st.ReblogOfID == 0 {
			if r := rendered[st.ID]; r != nil {
				out = append(out, r)
			}
			continue
		}
		orig := rendered[st.ReblogOfID]
		if orig == nil || (orig.Account.Suspended && !withSuspended) {
			continue
		}
		out = append(out, s.boost(st, accs[st.AccountID], orig))
	}
	return out, nil
}

func (s *Server) boost(st *status.Status, acc *Account, orig *Status) *Status {
	b := &Status{ID: st.ID.String(), URI: s.statusURI(acc.Username, st.ID) + "/activity", CreatedAt: datetime(st.CreatedAt),
		Account: acc, Content: "", Visibility: string(st.Visibility), MediaAttachments: []*MediaAttachment{}, Mentions: []Mention{},
		Tags: []Tag{}, Emojis: []CustomEmoji{}, Reblog: orig, Favourited: orig.Favourited, Reblogged: orig.Reblogged,
		Muted: orig.Muted, Bookmarked: orig.Bookmarked, Pinned: orig.Pinned, Filtered: orig.Filtered}
	if u := text.CleanURL(st.URI, true); u != "" {
		b.URI = u
	}
	return b
}

// renderShown renders non-boost statuses keyed by id, with counters and viewer marks.
func (s *Server) renderShown(ctx context.Context, viewer shard.ID, shown []*status.Status, accs map[shard.ID]*Account) (map[shard.ID]*Status, error) {
	ids := make([]shard.ID, len(shown))
	for i, st := range shown {
		ids[i] = st.ID
	}
	counts, err := s.d.Statuses.Counts(ctx, ids)
	if err != nil {
		return nil, err
	}
	tallies, choices, err := s.d.Statuses.Polls(ctx, viewer, shown)
	if err != nil {
		return nil, err
	}
	attached, err := s.attachments(ctx, shown)
	if err != nil {
		return nil, err
	}
	cards, err := s.cards(ctx, shown)
	if err != nil {
		return nil, err
	}
	authors, err := s.cardAuthors(ctx, slices.Collect(maps.Values(cards)))
	if err != nil {
		return nil, err
	}
	now := time.Now()
	emojis, err := s.statusEmojis(ctx, shown, accs)
	if err != nil {
		return nil, err
	}
	scope, err := s.filterScope(ctx, viewer)
	if err != nil {
		return nil, err
	}
	approvals, err := s.quoteApprovals(ctx, viewer, shown)
	if err != nil {
		return nil, err
	}
	var marks []status.Marks
	if viewer != 0 {
		if marks, err = s.d.Statuses.ViewerMarks(ctx, viewer, shown); err != nil {
			return nil, err
		}
	}
	out := make(map[shard.ID]*Status, len(shown))
	for i, st := range shown {
		acc := accs[st.AccountID]
		if acc == nil {
			continue
		}
		r := s.status(st, acc, counts[i], accs)
		r.QuoteApproval = approvals[i]
		if e := emojis[st.ID]; e != nil {
			r.Emojis = e
		}
		if c := previewCard(cards[st.ID], authors); c != nil {
			r.Card = c
		}
		if st.Poll != nil {
			r.Poll = s.poll(st, tallies[st.ID], viewer, choices[st.ID], now)
		}
		for _, id := range st.MediaIDs {
			if a := attached[id]; a != nil {
				r.MediaAttachments = append(r.MediaAttachments, s.attachment(a))
			}
		}
		if viewer != 0 {
			m := marks[i]
			r.Favourited, r.Reblogged, r.Bookmarked, r.Muted = ptr(m.Favourited), ptr(m.Reblogged), ptr(m.Bookmarked), ptr(m.ThreadMuted)
			if st.AccountID == viewer {
				r.Pinned = ptr(m.Pinned)
			}
		}
		if scope != nil && !scope.applyFilters(r, scope.matchStatus(st, attached)) {
			continue
		}
		out[st.ID] = r
	}
	return out, nil
}

func (s *Server) status(st *status.Status, acc *Account, c status.Counts, accs map[shard.ID]*Account) *Status {
	m := s.statusMemo(st, acc)
	h, b := &m.head, &m.body
	r := &Status{ID: h.ID, URI: h.URI, URL: h.URL, CreatedAt: h.CreatedAt, EditedAt: h.EditedAt, Account: acc,
		Content: b.Content, Visibility: b.Visibility, Sensitive: b.Sensitive, SpoilerText: b.SpoilerText,
		MediaAttachments: []*MediaAttachment{}, Mentions: []Mention{}, Tags: []Tag{}, Emojis: []CustomEmoji{},
		ReblogsCount: c.Reblogs, FavouritesCount: c.Favourites, RepliesCount: c.Replies, QuotesCount: c.Quotes,
		Quote: shallowQuote(st), memo: m}
	if st.Local && st.AppName != "" {
		r.Application = &PostedWith{Name: st.AppName}
		if st.AppWebsite != "" {
			r.Application.Website = ptr(st.AppWebsite)
		}
	}
	for _, m := range st.Mentions {
		if a := accs[m]; a != nil {
			r.Mentions = append(r.Mentions, Mention{ID: a.ID, Username: a.Username, URL: a.URL, Acct: a.Acct})
		}
	}
	for _, t := range st.Tags {
		r.Tags = append(r.Tags, Tag{Name: t, URL: s.tagURL(t)})
	}
	if st.InReplyToID != 0 {
		r.InReplyToID, r.InReplyToAccountID = ptr(st.InReplyToID.String()), ptr(st.InReplyToAccountID.String())
	}
	if st.Language != "" {
		r.Language = ptr(st.Language)
	}
	return r
}

// oneStatus renders one status for the viewer.
func (s *Server) oneStatus(ctx context.Context, viewer shard.ID, st *status.Status) (*Status, error) {
	out, err := s.statuses(ctx, viewer, []*status.Status{st})
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, errNotFound
	}
	return out[0], nil
}

// statusesByID loads and renders statuses in the order of ids, skipping missing ones
// and those the visibility policy hides from the viewer, and those whose author (or
// boosted original's author) the viewer has hidden (blocks and mutes). With check the
// policy judges every status from the relationships; without, the ids come from a
// source that admitted them under the policy (a timeline, notifications, a listing
// chosen by visibility.Listed), and only blocks and mutes are read again.
func (s *Server) statusesByID(ctx context.Context, viewer shard.ID, ids []shard.ID, check bool) ([]*Status, error) {
	return s.loadStatuses(ctx, viewer, ids, check, hiddenAuthors{})
}

// hiddenAuthors is what was already read of the viewer's hidden accounts: the
// authors asked about, and those of them hidden.
type hiddenAuthors struct{ asked, hidden map[shard.ID]bool }

// entryStatuses renders home entries as statusesByID does, but reads the viewer's
// hidden accounts among the authors the entries carry first, so that the statuses of
// muted or blocked authors are never loaded.
func (s *Server) entryStatuses(ctx context.Context, viewer shard.ID, entries []timeline.Entry) ([]*Status, error) {
	known := hiddenAuthors{asked: map[shard.ID]bool{}}
	var authors []shard.ID
	for _, e := range entries {
		if e.Author != 0 && !known.asked[e.Author] {
			known.asked[e.Author] = true
			authors = append(authors, e.Author)
		}
	}
	var err error
	if known.hidden, err = s.d.Accounts.Hidden(ctx, viewer, authors); err != nil {
		return nil, err
	}
	ids := make([]shard.ID, 0, len(entries))
	for _, e := range entries {
		if !known.hidden[e.Author] {
			ids = append(ids, e.StatusID)
		}
	}
	return s.loadStatuses(ctx, viewer, ids, false, known)
}

func (s *Server) loadStatuses(ctx context.Context, viewer shard.ID, ids []shard.ID, check bool, known hiddenAuthors) ([]*Status, error) {
	byID, err := s.d.Statuses.Cached(ctx, ids)
	if err != nil {
		return nil, err
	}
	list := make([]*status.Status, 0, len(ids))
	for _, id := range ids {
		if st := byID[id]; st != nil {
			list = append(list, st)
		}
	}
	origs, err := s.d.Statuses.Cached(ctx, reblogged(list))
	if err != nil {
		return nil, err
	}
	rel, err := s.relations(ctx, viewer, list, origs, check, known)
	if err != nil {
		return nil, err
	}
	shown := list[:0]
	for _, st := range list {
		if st.ReblogOfID == 0 && rel.Allows(st) {
			shown = append(shown, st)
		} else if orig := origs[st.ReblogOfID]; orig != nil && rel.AllowsBoost(st, orig) {
			shown = append(shown, st)
		}
	}
	return s.statusesWith(ctx, viewer, shown, origs)
}

// relations loads what the visibility policy needs to judge sts and the originals
// they boost: the viewer's hidden accounts (blocks either way and mutes) among their
// authors not already known, then, with check, the follows the rule needs.
func (s *Server) relations(ctx context.Context, viewer shard.ID, sts []*status.Status, origs map[shard.ID]*status.Status,
	check bool, known hiddenAuthors) (visibility.Relations, error) {
	all := slices.Clip(sts)
	for _, o := range origs {
		all = append(all, o)
	}
	hidden := maps.Clone(known.hidden)
	if hidden == nil {
		hidden = map[shard.ID]bool{}
	}
	var ask []shard.ID
	for _, st := range all {
		if !known.asked[st.AccountID] && !slices.Contains(ask, st.AccountID) {
			ask = append(ask, st.AccountID)
		}
	}
	if len(ask) > 0 {
		more, err := s.d.Accounts.Hidden(ctx, viewer, ask)
		if err != nil {
			return visibility.Relations{}, err
		}
		maps.Copy(hidden, more)
	}
	if !check {
		return visibility.Relations{Viewer: viewer, Blocked: hidden, Admitted: true}, nil
	}
	return s.d.Visibility.Relations(ctx, viewer, all, hidden)
}

// attachments loads the attachments of sts in one read, keyed by id.
func (s *Server) attachments(ctx context.Context, sts []*status.Status) (map[shard.ID]*media.Attachment, error) {
	var ids []shard.ID
	for _, st := range sts {
		ids = append(ids, st.MediaIDs...)
	}
	if len(ids) == 0 || s.d.Media == nil {
		return nil, nil
	}
	return s.d.Media.GetMany(ctx, ids)
}
