package api

import (
	"errors"

	"github.com/herd-social/herd/hashtag"
	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/text"
	"github.com/herd-social/herd/trends"
)

// routeAdminTags registers the moderators' view of hashtags: every tag, each tag's
// trendability, and its bans from posts and search.
func (s *Server) routeAdminTags() {
	read, write := user("admin:read"), user("admin:write")
	s.handle("GET", "/api/v1/admin/tags", read, s.adminTags)
	s.handle("GET", "/api/v1/admin/tags/{id}", read, s.adminTagShow)
	s.handle("PUT", "/api/v1/admin/tags/{id}", write, s.adminTagUpdate)
}

// adminTagOf builds the Admin::Tag of t with its trend item it (nil: never a
// candidate nor reviewed, so neither trendable nor awaiting review).
func (s *Server) adminTagOf(r *req, t *hashtag.Tag, it *trends.Item) (*AdminTag, error) {
	e, err := s.tagEntity(r.context(), 0, t, nil)
	if err != nil {
		return nil, err
	}
	out := &AdminTag{HashtagEntity: e, Usable: !t.Unusable, Listable: !t.Unlisted}
	if it != nil {
		out.Trendable, out.RequiresReview = it.State == trends.Approved, trends.RequiresReview(it)
	}
	return out, nil
}

// adminTag builds the Admin::Tag of a tag's trend item, with the tag's record.
func (s *Server) adminTag(r *req, it *trends.Item) (*AdminTag, error) {
	t := &hashtag.Tag{ID: it.ID, Name: it.Key}
	ts, err := s.d.Hashtags.Tags(r.context(), []string{it.Key})
	if err != nil {
		return nil, err
	}
	if ts[0] != nil {
		t = ts[0]
	}
	return s.adminTagOf(r, t, it)
}

// adminTags lists every tag, newest first, paged by id, as Mastodon's admin tags
// index: the records of a page in one multi-get, their trend items in another.
func (s *Server) adminTags(r *req) error {
	p, err := r.page(100, 200)
	if err != nil {
		return err
	}
	ts, err := s.d.Hashtags.Listing(r.context(), p)
	if err != nil {
		return err
	}
	names := make([]string, len(ts))
	ids := make([]shard.ID, len(ts))
	for i, t := range ts {
		names[i], ids[i] = t.Name, t.ID
	}
	its, err := s.d.Trends.TagItems(r.context(), names)
	if err != nil {
		return err
	}
	out := make([]*AdminTag, len(ts))
	for i, t := range ts {
		if out[i], err = s.adminTagOf(r, t, its[i]); err != nil {
			return err
		}
	}
	r.link(paging.IDs(ids))
	return r.json(out)
}

// adminTagRecord loads the tag named by the route's id and its trend item.
func (s *Server) adminTagRecord(r *req) (*hashtag.Tag, *trends.Item, error) {
	id, err := r.pathID("id")
	if err != nil {
		return nil, nil, err
	}
	t, err := s.d.Hashtags.Record(r.context(), id)
	if errors.Is(err, hashtag.ErrNotFound) {
		return nil, nil, errNotFound
	}
	if err != nil {
		return nil, nil, err
	}
	its, err := s.d.Trends.TagItems(r.context(), []string{t.Name})
	if err != nil {
		return nil, nil, err
	}
	return t, its[0], nil
}

func (s *Server) adminTagShow(r *req) error {
	t, it, err := s.adminTagRecord(r)
	if err != nil {
		return err
	}
	out, err := s.adminTagOf(r, t, it)
	if err != nil {
		return err
	}
	return r.json(out)
}

// adminTagUpdate changes a tag's case, trendability, usability and listing, as
// Mastodon's admin tags update: the display name may only change the name's case.
func (s *Server) adminTagUpdate(r *req) error {
	t, it, err := s.adminTagRecord(r)
	if err != nil {
		return err
	}
	if d := r.p.opt("display_name"); d != nil && *d != "" {
		if text.NormalizeTag(*d) != t.Name {
			return &HTTPError{Code: 422, Msg: "Validation failed: Display name must only differ in case from the name"}
		}
		t.Display = *d
	}
	if v := r.p.optBool("usable"); v != nil {
		t.Unusable = !*v
	}
	if v := r.p.optBool("listable"); v != nil {
		t.Unlisted = !*v
	}
	if err := s.d.Hashtags.Save(r.context(), t); err != nil {
		return err
	}
	// Any update reviews the tag, as Mastodon's sets reviewed_at.
	if v := r.p.optBool("trendable"); v != nil {
		state := trends.Rejected
		if *v {
			state = trends.Approved
		}
		it, err = s.d.Trends.ReviewTag(r.context(), t.Name, t.ID, state)
	} else {
		it, err = s.d.Trends.MarkTagReviewed(r.context(), t.Name, t.ID)
	}
	if err != nil {
		return err
	}
	if err := s.d.Reports.Record(r.context(), r.viewer, "update_tag", "Tag", t.DisplayName()); err != nil {
		return err
	}
	out, err := s.adminTagOf(r, t, it)
	if err != nil {
		return err
	}
	return r.json(out)
}
