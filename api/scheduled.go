package api

import (
	"context"
	"time"

	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/schedule"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
)

// ScheduledStatus is Mastodon's ScheduledStatus entity.
type ScheduledStatus struct {
	ID               string             `json:"id"`
	ScheduledAt      string             `json:"scheduled_at"`
	Params           ScheduledParams    `json:"params"`
	MediaAttachments []*MediaAttachment `json:"media_attachments"`
}

// ScheduledParams are the parameters a scheduled status will be posted with.
type ScheduledParams struct {
	Text          string         `json:"text"`
	Poll          *ScheduledPoll `json:"poll"`
	MediaIDs      []string       `json:"media_ids"`
	Sensitive     *bool          `json:"sensitive"`
	SpoilerText   *string        `json:"spoiler_text"`
	Visibility    string         `json:"visibility"`
	InReplyToID   *uint64        `json:"in_reply_to_id"`
	Language      *string        `json:"language"`
	ApplicationID int            `json:"application_id"`
	ScheduledAt   *string        `json:"scheduled_at"`
	Idempotency   *string        `json:"idempotency"`
	WithRateLimit bool           `json:"with_rate_limit"`
	// QuotedStatusID and QuotePolicy are the quote's (Mastodon 4.5).
	QuotedStatusID *string `json:"quoted_status_id"`
	QuotePolicy    *string `json:"quote_approval_policy,omitempty"`
}

// ScheduledPoll is the poll a scheduled status will ask.
type ScheduledPoll struct {
	Options    []string `json:"options"`
	ExpiresIn  int64    `json:"expires_in"`
	Multiple   bool     `json:"multiple"`
	HideTotals bool     `json:"hide_totals"`
}

func (s *Server) routeScheduled() {
	sc := s.d.Scheduled
	s.handle("GET", "/api/v1/scheduled_statuses", user("read:statuses"), s.scheduledStatuses)
	s.handle("GET", "/api/v1/scheduled_statuses/{id}", user("read:statuses"), s.getScheduled)
	s.handle("PUT", "/api/v1/scheduled_statuses/{id}", user("write:statuses"), s.reschedule)
	s.handle("DELETE", "/api/v1/scheduled_statuses/{id}", user("write:statuses"), removeOwn(sc.Cancel))
}

// scheduledAt reads the scheduled_at parameter as Mastodon takes it (ISO 8601; a
// time without a zone is UTC); ok is false when none is given.
func scheduledAt(r *req) (at time.Time, ok bool, err error) {
	v := r.p.str("scheduled_at")
	if v == "" {
		return time.Time{}, false, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02T15:04",
		"2006-01-02 15:04:05", "2006-01-02T15:04:05.999999999Z0700"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), true, nil
		}
	}
	return time.Time{}, false, httpErr(422, "Validation failed: Scheduled at is invalid")
}

// schedulePost keeps a post with a scheduled_at to come and answers the scheduled
// status.
func (s *Server) schedulePost(r *req, post status.Post, at time.Time) error {
	sc, err := s.d.Scheduled.Schedule(r.context(), r.viewer, post, at)
	if err != nil {
		return err
	}
	out, err := s.scheduledEntities(r.context(), []*schedule.Scheduled{sc})
	if err != nil {
		return err
	}
	return r.json(out[0])
}

func (s *Server) scheduledStatuses(r *req) error {
	p, err := r.page(20, 40)
	if err != nil {
		return err
	}
	list, err := s.d.Scheduled.List(r.context(), r.viewer, p)
	if err != nil {
		return err
	}
	out, err := s.scheduledEntities(r.context(), list)
	if err != nil {
		return err
	}
	ids := make([]shard.ID, len(list))
	for i, sc := range list {
		ids[i] = sc.ID
	}
	r.link(paging.IDs(ids))
	return r.json(out)
}

func (s *Server) getScheduled(r *req) error {
	id, err := r.pathID("id")
	if err != nil {
		return err
	}
	sc, err := s.d.Scheduled.Get(r.context(), r.viewer, id)
	if err != nil {
		return err
	}
	out, err := s.scheduledEntities(r.context(), []*schedule.Scheduled{sc})
	if err != nil {
		return err
	}
	return r.json(out[0])
}

// reschedule answers PUT, which changes scheduled_at only.
func (s *Server) reschedule(r *req) error {
	id, err := r.pathID("id")
	if err != nil {
		return err
	}
	sc, err := s.d.Scheduled.Get(r.context(), r.viewer, id)
	if err != nil {
		return err
	}
	at, ok, err := scheduledAt(r)
	if err != nil {
		return err
	}
	if ok {
		if sc, err = s.d.Scheduled.Reschedule(r.context(), r.viewer, id, at); err != nil {
			return err
		}
	}
	out, err := s.scheduledEntities(r.context(), []*schedule.Scheduled{sc})
	if err != nil {
		return err
	}
	return r.json(out[0])
}

// scheduledEntities renders scheduled statuses with their attachments, read in one
// pass.
func (s *Server) scheduledEntities(ctx context.Context, list []*schedule.Scheduled) ([]ScheduledStatus, error) {
	var ids []shard.ID
	for _, sc := range list {
		ids = append(ids, sc.Params.MediaIDs...)
	}
	attached, err := s.d.Media.GetMany(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]ScheduledStatus, len(list))
	for i, sc := range list {
		p := sc.Params
		e := ScheduledStatus{ID: sc.ID.String(), ScheduledAt: datetime(sc.At()), MediaAttachments: []*MediaAttachment{},
			Params: ScheduledParams{Text: p.Text, Visibility: p.Visibility, Sensitive: ptr(p.Sensitive),
				SpoilerText: ptr(p.SpoilerText)}}
		for _, id := range p.MediaIDs {
			e.Params.MediaIDs = append(e.Params.MediaIDs, id.String())
			if a := attached[id]; a != nil {
				e.MediaAttachments = append(e.MediaAttachments, s.attachment(a))
			}
		}
		if p.Poll != nil {
			e.Params.Poll = &ScheduledPoll{Options: p.Poll.Options, ExpiresIn: p.Poll.ExpiresIn, Multiple: p.Poll.Multiple,
				HideTotals: p.Poll.HideTotals}
		}
		if p.InReplyToID != 0 {
			e.Params.InReplyToID = ptr(uint64(p.InReplyToID))
		}
		if p.Language != "" {
			e.Params.Language = ptr(p.Language)
		}
		if p.Idempotency != "" {
			e.Params.Idempotency = ptr(p.Idempotency)
		}
		if p.QuotedStatusID != 0 {
			e.Params.QuotedStatusID = ptr(p.QuotedStatusID.String())
		}
		if p.QuotePolicy != "" {
			e.Params.QuotePolicy = ptr(p.QuotePolicy)
		}
		out[i] = e
	}
	return out, nil
}
