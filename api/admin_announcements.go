package api

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/herd-social/herd/announcement"
	"github.com/herd-social/herd/shard"
)

// AdminAnnouncement is an announcement as moderators manage it (a Herd extension;
// Mastodon manages announcements in its web admin only): Mastodon's Announcement
// entity with the text as written and the fields Mastodon's admin shows. Published is
// false for a draft, a withdrawn one and one scheduled for later (then ScheduledAt is
// its time); PublishedAt is null until it is published.
type AdminAnnouncement struct {
	*AnnouncementEntity
	Text        string  `json:"text"`
	Published   bool    `json:"published"`
	ScheduledAt *string `json:"scheduled_at"`
	PublishedAt *string `json:"published_at"`
}

// routeAdminAnnouncements registers the admin endpoints on announcements. They change
// announcements through the announcement service, as herd admin announcement does, so
// its rules and stream events are the same; every change is audited.
func (s *Server) routeAdminAnnouncements() {
	read, write := user("admin:read"), user("admin:write")
	s.handle("GET", "/api/v1/admin/announcements", read, s.adminAnnouncements)
	s.handle("POST", "/api/v1/admin/announcements", write, func(r *req) error {
		c, err := announcementForm(r, true)
		if err != nil {
			return err
		}
		a, err := s.d.Announcements.Add(r.context(), c)
		if err != nil {
			return err
		}
		return s.auditedAnnouncement(r, "create_announcement", a)
	})
	s.handle("GET", "/api/v1/admin/announcements/{id}", read, s.adminAnnouncementDo(
		func(ctx context.Context, _ *req, id shard.ID) (*announcement.Announcement, error) {
			return s.d.Announcements.Get(ctx, id)
		}))
	s.handle("PUT", "/api/v1/admin/announcements/{id}", write, s.adminAnnouncementChange(func(r *req) (announcement.Change, error) {
		return announcementForm(r, false)
	}))
	s.handle("POST", "/api/v1/admin/announcements/{id}/publish", write, s.adminAnnouncementChange(func(*req) (announcement.Change, error) {
		return announcement.Change{Published: ptr(true), PublishAt: &time.Time{}}, nil // a zero time is now
	}))
	s.handle("POST", "/api/v1/admin/announcements/{id}/unpublish", write, s.adminAnnouncementChange(func(*req) (announcement.Change, error) {
		return announcement.Change{Published: ptr(false)}, nil
	}))
	s.handle("DELETE", "/api/v1/admin/announcements/{id}", write, func(r *req) error {
		id, err := r.pathID("id")
		if err != nil {
			return err
		}
		if err := s.d.Announcements.Remove(r.context(), id); err != nil {
			return err
		}
		if err := s.d.Reports.Record(r.context(), r.viewer, "destroy_announcement", "Announcement", id.String()); err != nil {
			return err
		}
		return r.json(struct{}{})
	})
}

// adminAnnouncements lists every announcement (drafts, scheduled and ended ones too),
// newest first as Mastodon's admin lists them: by the event's start, else the
// publication time (at most announcement.MaxAnnouncements, on one page).
func (s *Server) adminAnnouncements(r *req) error {
	all, err := s.d.Announcements.All(r.context())
	if err != nil {
		return err
	}
	slices.Reverse(all)
	out := make([]*AdminAnnouncement, len(all))
	for i, a := range all {
		if out[i], err = s.adminAnnouncement(r, a); err != nil {
			return err
		}
	}
	return r.json(out)
}

// adminAnnouncement renders an announcement for a moderator.
func (s *Server) adminAnnouncement(r *req, a *announcement.Announcement) (*AdminAnnouncement, error) {
	read, err := s.d.Announcements.Dismissed(r.context(), r.viewer, []shard.ID{a.ID})
	if err != nil {
		return nil, err
	}
	e, err := s.announcementEntity(r.context(), r.viewer, a, read[a.ID])
	if err != nil {
		return nil, err
	}
	now := s.d.Now()
	out := &AdminAnnouncement{AnnouncementEntity: e, Text: a.Text}
	switch {
	case a.Published && a.PublishedAt.After(now):
		out.ScheduledAt = ptr(datetime(a.PublishedAt))
	case a.Published:
		out.Published, out.PublishedAt = true, ptr(datetime(a.PublishedAt))
	case !a.PublishedAt.IsZero(): // withdrawn: when it was published last
		out.PublishedAt = ptr(datetime(a.PublishedAt))
	}
	return out, nil
}

// adminAnnouncementDo answers the endpoints on one announcement with it as do leaves
// it.
func (s *Server) adminAnnouncementDo(do func(ctx context.Context, r *req, id shard.ID) (*announcement.Announcement, error)) handlerFunc {
	return func(r *req) error {
		id, err := r.pathID("id")
		if err != nil {
			return err
		}
		a, err := do(r.context(), r, id)
		if err != nil {
			return err
		}
		out, err := s.adminAnnouncement(r, a)
		if err != nil {
			return err
		}
		return r.json(out)
	}
}

// adminAnnouncementChange answers an endpoint that applies a change to one
// announcement, audited as Mastodon's update_announcement.
func (s *Server) adminAnnouncementChange(change func(r *req) (announcement.Change, error)) handlerFunc {
	return func(r *req) error {
		id, err := r.pathID("id")
		if err != nil {
			return err
		}
		c, err := change(r)
		if err != nil {
			return err
		}
		a, err := s.d.Announcements.Update(r.context(), id, c)
		if err != nil {
			return err
		}
		return s.auditedAnnouncement(r, "update_announcement", a)
	}
}

// auditedAnnouncement writes the moderator's action on a to the audit log and
// answers a.
func (s *Server) auditedAnnouncement(r *req, action string, a *announcement.Announcement) error {
	if err := s.d.Reports.Record(r.context(), r.viewer, action, "Announcement", a.ID.String()); err != nil {
		return err
	}
	out, err := s.adminAnnouncement(r, a)
	if err != nil {
		return err
	}
	return r.json(out)
}

// announcementForm reads Mastodon's admin announcement form: text, starts_at and
// ends_at (empty removes them), all_day, and scheduled_at, which publishes it from
// that time on (now if it has passed). A new announcement is published at once
// unless scheduled, or unless published is false (a draft, a Herd addition).
func announcementForm(r *req, create bool) (announcement.Change, error) {
	c := announcement.Change{Text: r.p.opt("text"), AllDay: r.p.optBool("all_day")}
	for _, f := range []struct {
		name, field string
		dst         **time.Time
	}{{"starts_at", "Starts at", &c.StartsAt}, {"ends_at", "Ends at", &c.EndsAt}, {"scheduled_at", "Scheduled at", &c.PublishAt}} {
		v := r.p.opt(f.name)
		if v == nil {
			continue
		}
		t, err := parseFormTime(*v)
		if err != nil {
			return c, httpErr(422, "Validation failed: "+f.field+" is invalid")
		}
		*f.dst = &t
	}
	switch at := c.PublishAt; {
	case at != nil && !at.IsZero():
		c.Published = ptr(true)
		if !at.After(r.s.d.Now()) {
			*at = time.Time{}
		}
	case at != nil: // an empty scheduled_at leaves the publication as it is
		c.PublishAt = nil
		fallthrough
	default:
		if create {
			c.Published = r.p.optBool("published")
		}
	}
	return c, nil
}

// parseFormTime reads a time of the announcement form: RFC 3339, a date and time
// without a zone (UTC; as an HTML datetime-local field sends it) or a date; empty is
// the zero time.
func parseFormTime(v string) (time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, nil
	}
	var err error
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04", "2006-01-02T15:04:05", time.DateOnly} {
		var t time.Time
		if t, err = time.Parse(layout, v); err == nil {
			return t, nil
		}
	}
	return time.Time{}, err
}
