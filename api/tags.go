package api

import (
	"context"
	"strconv"
	"strings"

	"github.com/herd-social/herd/hashtag"
	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/text"
)

// HashtagEntity is Mastodon's Tag entity (the full one, not a status's tag).
type HashtagEntity struct {
	ID        string       `json:"id"`
	Name      string       `json:"name"`
	URL       string       `json:"url"`
	History   []TagHistory `json:"history"`
	Following *bool        `json:"following,omitempty"`
	Featuring *bool        `json:"featuring,omitempty"`
}

// TagHistory is one day of a Tag's history, numbers as strings as Mastodon has them.
type TagHistory struct {
	Day      string `json:"day"`
	Uses     string `json:"uses"`
	Accounts string `json:"accounts"`
}

// routeTags registers the hashtag endpoints, with Mastodon's scopes.
func (s *Server) routeTags() {
	s.handle("GET", "/api/v1/tags/{tag}", public, s.getTag)
	s.handle("POST", "/api/v1/tags/{tag}/follow", user("write:follows"), s.tagFollow(s.d.Hashtags.Follow, true))
	s.handle("POST", "/api/v1/tags/{tag}/unfollow", user("write:follows"), s.tagFollow(s.d.Hashtags.Unfollow, false))
	s.handle("GET", "/api/v1/followed_tags", user("read:follows"), s.followedTags)
}

// tagName reads the route's tag name, normalised; a name that is no hashtag is not
// found.
func tagName(r *req) (string, error) {
	name, _, err := tagSpelling(r)
	return name, err
}

// tagSpelling is tagName with the tag as the route spells it (Mastodon's display
// name of a tag made there).
func tagSpelling(r *req) (name, spelt string, err error) {
	raw := strings.TrimPrefix(r.pathStr("tag"), "#")
	if name = text.NormalizeTag(raw); name == "" {
		return "", "", hashtag.ErrNotFound
	}
	return name, text.TagDisplay(raw), nil
}

// tagEntity renders a tag (its record, which holds its display name) with its history
// and, for a signed-in viewer, whether the viewer follows it (following, when known,
// saves reading it) and features it.
func (s *Server) tagEntity(ctx context.Context, viewer shard.ID, t *hashtag.Tag, following *bool) (*HashtagEntity, error) {
	days, err := s.d.Hashtags.History(ctx, t.Name, s.d.Now())
	if err != nil {
		return nil, err
	}
	out := &HashtagEntity{ID: t.ID.String(), Name: t.DisplayName(), URL: s.tagURL(t.Name), History: make([]TagHistory, len(days))}
	for i, d := range days {
		out.History[i] = TagHistory{Day: strconv.FormatInt(d.Day.Unix(), 10),
			Uses: strconv.FormatInt(d.Uses, 10), Accounts: strconv.FormatInt(d.Accounts, 10)}
	}
	if viewer != 0 && following == nil {
		on, err := s.d.Hashtags.Following(ctx, viewer, []string{t.Name})
		if err != nil {
			return nil, err
		}
		following = &on[0]
	}
	if viewer != 0 {
		on, err := s.d.Hashtags.Featuring(ctx, viewer, []string{t.Name})
		if err != nil {
			return nil, err
		}
		out.Following, out.Featuring = following, &on[0]
	}
	return out, nil
}

func (s *Server) getTag(r *req) error {
	name, spelt, err := tagSpelling(r)
	if err != nil {
		return err
	}
	t, err := s.d.Hashtags.Ensure(r.context(), name)
	if err != nil {
		return err
	}
	if t.Display == "" { // Mastodon shows a tag no one used as the route spells it
		t = &hashtag.Tag{ID: t.ID, Name: t.Name, Display: spelt}
	}
	out, err := s.tagEntity(r.context(), r.viewer, t, nil)
	if err != nil {
		return err
	}
	return r.json(out)
}

// tagFollow answers a follow or an unfollow of the route's tag with the tag.
func (s *Server) tagFollow(change func(ctx context.Context, account shard.ID, name string) (*hashtag.Tag, error), on bool) handlerFunc {
	return func(r *req) error {
		name, spelt, err := tagSpelling(r)
		if err != nil {
			return err
		}
		if _, err := s.d.Hashtags.EnsureAs(r.context(), name, spelt); err != nil { // made as spelt, as Mastodon
			return err
		}
		t, err := change(r.context(), r.viewer, name)
		if err != nil {
			return err
		}
		out, err := s.tagEntity(r.context(), r.viewer, t, &on)
		if err != nil {
			return err
		}
		return r.json(out)
	}
}

// followedTags pages the tags the viewer follows, newest follow first (limit 100,
// at most 200), with Link cursors on the follows' ids as Mastodon.
func (s *Server) followedTags(r *req) error {
	p, err := r.page(100, 200)
	if err != nil {
		return err
	}
	fs, err := s.d.Hashtags.Followed(r.context(), r.viewer, p)
	if err != nil {
		return err
	}
	names := make([]string, len(fs))
	cursors := make([]shard.ID, len(fs))
	for i, f := range fs {
		names[i], cursors[i] = f.Tag, f.FollowID
	}
	tags, err := s.d.Hashtags.Tags(r.context(), names)
	if err != nil {
		return err
	}
	out := make([]*HashtagEntity, 0, len(tags))
	on := true
	for _, t := range tags {
		if t == nil {
			continue
		}
		e, err := s.tagEntity(r.context(), r.viewer, t, &on)
		if err != nil {
			return err
		}
		out = append(out, e)
	}
	r.link(paging.IDs(cursors))
	return r.json(out)
}
