package api

import (
	"context"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/text"
)

func (s *Server) postStatus(r *req) error {
	at, scheduled, err := scheduledAt(r)
	if err != nil {
		return err
	}
	attached, err := mediaIDs(r)
	if err != nil {
		return err
	}
	reply, err := r.idParam("in_reply_to_id")
	if err != nil {
		return err
	}
	quoted, err := r.idParam("quoted_status_id")
	if err != nil {
		return err
	}
	ask, err := pollAsk(r)
	if err != nil {
		return err
	}
	post := status.Post{QuotedStatusID: quoted, QuotePolicy: status.QuotePolicy(r.p.str("quote_approval_policy")), Text: text.Strip(r.p.str("status")), SpoilerText: r.p.str("spoiler_text"),
		Visibility: status.Visibility(r.p.str("visibility")), Language: r.p.str("language"),
		InReplyToID: reply, IdempotencyKey: string(r.ctx.Request.Header.Peek("Idempotency-Key")), Poll: ask,
		MediaIDs: attached}
	if r.p.has("sensitive") {
		post.Sensitive = ptr(r.p.boolean("sensitive"))
	}
	if app, err := s.auth.App(r.context(), r.token.ClientID); err == nil {
		post.AppName, post.AppWebsite = app.Name, app.Website
	}
	if scheduled && s.d.Scheduled.Later(at) { // a time past is now, as Mastodon takes it
		if post, _, err = s.d.Actions.Screen(r.context(), r.viewer, post); err != nil {
			return err
		}
		return s.schedulePost(r, post, at)
	}
	st, err := s.d.Actions.Post(r.context(), r.viewer, post)
	if err != nil {
		return err
	}
	return s.answerStatus(r, st)
}

func (s *Server) answerStatus(r *req, st *status.Status) error {
	out, err := s.oneStatus(r.context(), r.viewer, st)
	if err != nil {
		return err
	}
	return r.json(out)
}

// visibleStatus loads the route's status if the viewer may see it.
func (s *Server) visibleStatus(r *req) (*status.Status, error) {
	id, err := r.pathID("id")
	if err != nil {
		return nil, err
	}
	return s.d.Statuses.Visible(r.context(), r.viewer, id)
}

func (s *Server) getStatus(r *req) error {
	st, err := s.visibleStatus(r)
	if err != nil {
		return err
	}
	return s.answerStatus(r, st)
}

func (s *Server) getStatuses(r *req) error {
	var ids []shard.ID
	for _, v := range r.p.list("id") {
		if id, err := shard.Parse(v); err == nil && len(ids) < 40 {
			ids = append(ids, id)
		}
	}
	out, err := s.statusesByID(r.context(), r.viewer, ids, true)
	if err != nil {
		return err
	}
	return r.json(out)
}

func (s *Server) deleteStatus(r *req) error {
	id, err := r.pathID("id")
	if err != nil {
		return err
	}
	before, err := s.d.Statuses.Get(r.context(), id)
	if err != nil {
		return err
	}
	out, err := s.oneStatus(r.context(), r.viewer, before)
	if err != nil {
		return err
	}
	st, err := s.d.Statuses.Delete(r.context(), r.viewer, id)
	if err != nil {
		return err
	}
	out.Text = ptr(st.Text)
	return r.json(out)
}

func (s *Server) editStatus(r *req) error {
	id, err := r.pathID("id")
	if err != nil {
		return err
	}
	ask, err := pollAsk(r)
	if err != nil {
		return err
	}
	change := status.Change{Text: r.p.opt("status"), SpoilerText: r.p.opt("spoiler_text"), Language: r.p.opt("language"),
		Sensitive: r.p.optBool("sensitive"), Poll: ask}
	if r.p.has("media_ids[]") || r.p.has("media_ids") {
		ids, err := mediaIDs(r)
		if err != nil {
			return err
		}
		change.MediaIDs = &ids
	}
	if v := r.p.opt("quote_approval_policy"); v != nil {
		change.QuotePolicy = ptr(status.QuotePolicy(*v))
	}
	if change.MediaAttributes, err = s.mediaAttributes(r); err != nil {
		return err
	}
	st, err := s.d.Actions.Edit(r.context(), r.viewer, id, change)
	if err != nil {
		return err
	}
	return s.answerStatus(r, st)
}

func (s *Server) statusHistory(r *req) error {
	st, err := s.visibleStatus(r)
	if err != nil {
		return err
	}
	revs, err := s.d.Statuses.History(r.context(), st)
	if err != nil {
		return err
	}
	acc, err := s.oneAccount(r.context(), st.AccountID)
	if err != nil {
		return err
	}
	atts, err := s.revisionMedia(r.context(), revs)
	if err != nil {
		return err
	}
	out := make([]StatusEdit, len(revs))
	for i, rev := range revs {
		out[i] = StatusEdit{Content: rev.Content, SpoilerText: rev.SpoilerText, Sensitive: rev.Sensitive,
			CreatedAt: datetime(rev.CreatedAt), Account: acc, MediaAttachments: atts[i], Emojis: []any{}}
		if rev.PollOptions != nil {
			p := &EditedPoll{Options: make([]EditedPollOption, len(rev.PollOptions))}
			for j, o := range rev.PollOptions {
				p.Options[j].Title = o
			}
			out[i].Poll = p
		}
	}
	return r.json(out)
}

func (s *Server) statusSource(r *req) error {
	st, err := s.visibleStatus(r)
	if err != nil {
		return err
	}
	if st.AccountID != r.viewer {
		return errNotFound
	}
	return r.json(map[string]string{"id": st.ID.String(), "text": st.Text, "spoiler_text": st.SpoilerText})
}

func (s *Server) statusContext(r *req) error {
	st, err := s.visibleStatus(r)
	if err != nil {
		return err
	}
	s.refreshThread(r, st)
	anc, desc, err := s.d.Statuses.Context(r.context(), r.viewer, st)
	if err != nil {
		return err
	}
	ancestors, err := s.statuses(r.context(), r.viewer, anc)
	if err != nil {
		return err
	}
	descendants, err := s.statuses(r.context(), r.viewer, desc)
	if err != nil {
		return err
	}
	return r.json(map[string]any{"ancestors": ancestors, "descendants": descendants})
}

// statusAction answers an interaction (favourite, boost, …) with the status.
func (s *Server) statusAction(do func(ctx context.Context, viewer, id shard.ID) (*status.Status, error)) handlerFunc {
	return func(r *req) error {
		id, err := r.pathID("id")
		if err != nil {
			return err
		}
		st, err := do(r.context(), r.viewer, id)
		if err != nil {
			return err
		}
		return s.answerStatus(r, st)
	}
}

func (s *Server) reblog(r *req) error {
	id, err := r.pathID("id")
	if err != nil {
		return err
	}
	st, err := s.d.Statuses.Reblog(r.context(), r.viewer, id, status.Visibility(r.p.str("visibility")))
	if err != nil {
		return err
	}
	return s.answerStatus(r, st)
}

// whoList answers favourited_by and reblogged_by.
func (s *Server) whoList(list func(ctx context.Context, id shard.ID, p paging.Page) ([]status.Listed, error)) handlerFunc {
	return func(r *req) error {
		st, err := s.visibleStatus(r)
		if err != nil {
			return err
		}
		p, err := r.page(40, 80)
		if err != nil {
			return err
		}
		rows, err := list(r.context(), st.ID, p)
		if err != nil {
			return err
		}
		return s.listedAccounts(r, rows)
	}
}

func (s *Server) listedAccounts(r *req, rows []status.Listed) error {
	ids := make([]shard.ID, len(rows))
	cursors := make([]shard.ID, len(rows))
	for i, l := range rows {
		ids[i], cursors[i] = l.ID, l.Cursor
	}
	accs, err := s.accounts(r.context(), ids)
	if err != nil {
		return err
	}
	r.link(paging.IDs(cursors))
	return r.json(accs)
}

// markedList answers /favourites and /bookmarks, paged by the mark's own id.
func (s *Server) markedList(list func(ctx context.Context, account shard.ID, p paging.Page) ([]status.Listed, error)) handlerFunc {
	return func(r *req) error {
		p, err := r.page(20, 40)
		if err != nil {
			return err
		}
		rows, err := list(r.context(), r.viewer, p)
		if err != nil {
			return err
		}
		ids := make([]shard.ID, len(rows))
		cursors := make([]shard.ID, len(rows))
		for i, l := range rows {
			ids[i], cursors[i] = l.ID, l.Cursor
		}
		out, err := s.statusesByID(r.context(), r.viewer, ids, true)
		if err != nil {
			return err
		}
		r.link(paging.IDs(cursors))
		return r.json(out)
	}
}

// byMe answers an interaction action that depends on who acts (favourite, pin, and
// their reverse) with the status.
func (s *Server) byMe(do func(ctx context.Context, by *account.Account, id shard.ID) (*status.Status, error)) handlerFunc {
	return s.statusAction(func(ctx context.Context, viewer, id shard.ID) (*status.Status, error) {
		me, err := s.d.Accounts.Get(ctx, viewer)
		if err != nil {
			return nil, err
		}
		return do(ctx, me, id)
	})
}

// statusQuotes answers GET /api/v1/statuses/:id/quotes: the accepted quotes of one of
// the viewer's own statuses, newest first.
func (s *Server) statusQuotes(r *req) error {
	id, err := r.pathID("id")
	if err != nil {
		return err
	}
	p, err := r.page(20, 40)
	if err != nil {
		return err
	}
	rows, err := s.d.Statuses.Quotes(r.context(), r.viewer, id, p)
	if err != nil {
		return err
	}
	ids := make([]shard.ID, len(rows))
	for i, l := range rows {
		ids[i] = l.ID
	}
	out, err := s.statusesByID(r.context(), r.viewer, ids, true)
	if err != nil {
		return err
	}
	r.link(paging.IDs(ids))
	return r.json(out)
}

// revokeQuote answers POST /api/v1/statuses/:id/quotes/:quoting_status_id/revoke
// with the quoting status, its quote now revoked.
func (s *Server) revokeQuote(r *req) error {
	id, err := r.pathID("id")
	if err != nil {
		return err
	}
	quoting, err := r.pathID("quoting_status_id")
	if err != nil {
		return err
	}
	st, err := s.d.Statuses.RevokeQuote(r.context(), r.viewer, id, quoting)
	if err != nil {
		return err
	}
	return s.answerStatus(r, st)
}

// setQuotePolicy answers PUT /api/v1/statuses/:id/interaction_policy.
func (s *Server) setQuotePolicy(r *req) error {
	id, err := r.pathID("id")
	if err != nil {
		return err
	}
	st, err := s.d.Statuses.SetQuotePolicy(r.context(), r.viewer, id, status.QuotePolicy(r.p.str("quote_approval_policy")))
	if err != nil {
		return err
	}
	return s.answerStatus(r, st)
}
