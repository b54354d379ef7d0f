package api

import (
	"strconv"
	"strings"

	"github.com/herd-social/herd/hashtag"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/text"
)

// FeaturedTag is Mastodon's FeaturedTag entity.
type FeaturedTag struct {
	ID            string  `json:"id"`
	Name          string  `json:"name"`
	URL           string  `json:"url"`
	StatusesCount string  `json:"statuses_count"`
	LastStatusAt  *string `json:"last_status_at"`
}

// routeFeaturedTags registers the featured tags of profiles.
func (s *Server) routeFeaturedTags() {
	s.handle("GET", "/api/v1/featured_tags", user("read:accounts"), func(r *req) error {
		return s.featuredTagsOf(r, r.viewer)
	})
	s.handle("POST", "/api/v1/featured_tags", user("write:accounts"), s.featureTag)
	s.handle("DELETE", "/api/v1/featured_tags/{id}", user("write:accounts"), func(r *req) error {
		id, err := r.pathID("id")
		if err != nil {
			return err
		}
		me, err := s.me(r)
		if err != nil {
			return err
		}
		if err := s.d.Actions.RemoveFeaturedTag(r.context(), me, id); err != nil {
			return err
		}
		return r.json(struct{}{})
	})
	s.handle("GET", "/api/v1/featured_tags/suggestions", user("read:accounts"), s.featuredSuggestions)
	s.handle("GET", "/api/v1/accounts/{id}/featured_tags", open("read:accounts"), func(r *req) error {
		t, err := s.target(r)
		if err != nil {
			return err
		}
		return s.featuredTagsOf(r, t.ID)
	})
	s.handle("POST", "/api/v1/tags/{tag}/feature", user("write:accounts"), s.tagFeature(true))
	s.handle("POST", "/api/v1/tags/{tag}/unfeature", user("write:accounts"), s.tagFeature(false))
}

// featuredTagsOf answers the tags an account features, most used first.
func (s *Server) featuredTagsOf(r *req, owner shard.ID) error {
	a, err := s.d.Accounts.Get(r.context(), owner)
	if err != nil {
		return err
	}
	fs, err := s.d.Hashtags.FeaturedTags(r.context(), owner)
	if err != nil {
		return err
	}
	out := make([]*FeaturedTag, len(fs))
	for i := range fs {
		out[i] = s.featuredTag(a.Acct(), &fs[i])
	}
	return r.json(out)
}

// featuredTag renders a featured tag; its url lists the owner's statuses with it.
func (s *Server) featuredTag(acct string, f *hashtag.Featured) *FeaturedTag {
	out := &FeaturedTag{ID: f.ID.String(), Name: f.Display, URL: s.baseURL() + "/@" + acct + "/tagged/" + f.Name,
		StatusesCount: strconv.FormatInt(f.StatusesCount, 10)}
	if !f.LastStatusAt.IsZero() {
		out.LastStatusAt = ptr(f.LastStatusAt.UTC().Format("2006-01-02"))
	}
	return out
}

// featureTag features the tag of the name parameter (a leading # is allowed).
func (s *Server) featureTag(r *req) error {
	raw := strings.TrimPrefix(strings.TrimSpace(r.p.str("name")), "#")
	if raw == "" {
		return httpErr(422, "Validation failed: Name can't be blank")
	}
	name := text.NormalizeTag(raw)
	if name != "" { // made as spelt, as Mastodon; Feature refuses an empty name
		if _, err := s.d.Hashtags.EnsureAs(r.context(), name, text.TagDisplay(raw)); err != nil {
			return err
		}
	}
	me, err := s.me(r)
	if err != nil {
		return err
	}
	f, err := s.d.Actions.FeatureTag(r.context(), me, name)
	if err != nil {
		return err
	}
	return r.json(s.featuredTag(me.Acct(), f))
}

// featuredSuggestions answers the viewer's most used tags not featured yet, as Tag
// entities.
func (s *Server) featuredSuggestions(r *req) error {
	names, err := s.d.Hashtags.Suggestions(r.context(), r.viewer)
	if err != nil {
		return err
	}
	tags, err := s.d.Hashtags.Tags(r.context(), names)
	if err != nil {
		return err
	}
	out := make([]*HashtagEntity, 0, len(tags))
	for _, t := range tags {
		if t == nil {
			continue
		}
		e, err := s.tagEntity(r.context(), r.viewer, t, nil)
		if err != nil {
			return err
		}
		out = append(out, e)
	}
	return r.json(out)
}

// tagFeature features or stops featuring the route's tag and answers with the tag.
func (s *Server) tagFeature(on bool) handlerFunc {
	return func(r *req) error {
		name, spelt, err := tagSpelling(r)
		if err != nil {
			return err
		}
		me, err := s.me(r)
		if err != nil {
			return err
		}
		if on {
			_, err = s.d.Actions.FeatureTag(r.context(), me, name)
		} else {
			err = s.d.Actions.UnfeatureTag(r.context(), me, name)
		}
		if err != nil {
			return err
		}
		t, err := s.d.Hashtags.EnsureAs(r.context(), name, spelt)
		if err != nil {
			return err
		}
		out, err := s.tagEntity(r.context(), r.viewer, t, nil)
		if err != nil {
			return err
		}
		return r.json(out)
	}
}
