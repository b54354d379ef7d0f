package api

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/herd-social/herd/announcement"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/stream"
	"github.com/herd-social/herd/text"
)

// AnnouncementEntity is Mastodon's Announcement entity.
type AnnouncementEntity struct {
	ID          string                `json:"id"`
	Content     string                `json:"content"`
	StartsAt    *string               `json:"starts_at"`
	EndsAt      *string               `json:"ends_at"`
	AllDay      bool                  `json:"all_day"`
	PublishedAt string                `json:"published_at"`
	UpdatedAt   string                `json:"updated_at"`
	Read        bool                  `json:"read"`
	Mentions    []Mention             `json:"mentions"`
	Statuses    []AnnouncementStatus  `json:"statuses"`
	Tags        []Tag                 `json:"tags"`
	Emojis      []CustomEmoji         `json:"emojis"`
	Reactions   []AnnouncementReacted `json:"reactions"`
}

// AnnouncementStatus is a local status an announcement links to.
type AnnouncementStatus struct {
	ID  string `json:"id"`
	URL string `json:"url"`
}

// AnnouncementReacted is Mastodon's Reaction entity.
type AnnouncementReacted struct {
	Name      string  `json:"name"`
	Count     int64   `json:"count"`
	Me        bool    `json:"me"`
	URL       *string `json:"url,omitempty"`
	StaticURL *string `json:"static_url,omitempty"`
}

// reactionEvent is the payload of the streaming announcement.reaction event.
type reactionEvent struct {
	Name           string `json:"name"`
	Count          int64  `json:"count"`
	AnnouncementID string `json:"announcement_id"`
}

// routeAnnouncements registers the announcements users read, dismiss and react to.
// Admins manage them with herd admin announcement or the admin API
// (admin_announcements.go; Mastodon has no API for it).
func (s *Server) routeAnnouncements() {
	s.handle("GET", "/api/v1/announcements", user("read"), s.announcements)
	s.routeAdminAnnouncements()
	s.handle("POST", "/api/v1/announcements/{id}/dismiss", user("write:accounts"), func(r *req) error {
		return s.announcementDo(r, s.d.Announcements.Dismiss)
	})
	s.handle("PUT", "/api/v1/announcements/{id}/reactions/{name}", user("write:favourites"), func(r *req) error {
		return s.announcementDo(r, func(ctx context.Context, me, id shard.ID) error {
			return s.d.Announcements.React(ctx, me, id, r.pathStr("name"))
		})
	})
	s.handle("DELETE", "/api/v1/announcements/{id}/reactions/{name}", user("write:favourites"), func(r *req) error {
		return s.announcementDo(r, func(ctx context.Context, me, id shard.ID) error {
			return s.d.Announcements.Unreact(ctx, me, id, r.pathStr("name"))
		})
	})
}

// announcementDo runs f on the route's announcement and answers {}.
func (s *Server) announcementDo(r *req, f func(ctx context.Context, me, id shard.ID) error) error {
	id, err := r.pathID("id")
	if err != nil {
		return err
	}
	if err := f(r.context(), r.viewer, id); err != nil {
		return err
	}
	return r.json(struct{}{})
}

// announcements answers the published, current announcements, soonest first,
// without those the viewer dismissed unless with_dismissed is set.
func (s *Server) announcements(r *req) error {
	list, err := s.d.Announcements.Listed(r.context())
	if err != nil {
		return err
	}
	ids := make([]shard.ID, len(list))
	for i, a := range list {
		ids[i] = a.ID
	}
	read, err := s.d.Announcements.Dismissed(r.context(), r.viewer, ids)
	if err != nil {
		return err
	}
	out := []*AnnouncementEntity{}
	for _, a := range list {
		if read[a.ID] && !r.p.boolean("with_dismissed") {
			continue
		}
		e, err := s.announcementEntity(r.context(), r.viewer, a, read[a.ID])
		if err != nil {
			return err
		}
		out = append(out, e)
	}
	return r.json(out)
}

// announcementEntity renders an announcement for viewer: its text as a status's
// (mentions of known accounts, hashtags, links), the local statuses it links to,
// its custom emoji and its reactions.
func (s *Server) announcementEntity(ctx context.Context, viewer shard.ID, a *announcement.Announcement, read bool) (*AnnouncementEntity, error) {
	res := text.Render(a.Text, s.announcementMention(ctx), text.Options{Domain: s.d.Instance.Domain,
		TagURL: func(name string) string { return s.tagURL(text.NormalizeTag(name)) }})
	out := &AnnouncementEntity{ID: a.ID.String(), Content: res.HTML, AllDay: a.AllDay && !a.StartsAt.IsZero(),
		PublishedAt: datetime(a.PublishedAt), UpdatedAt: datetime(a.UpdatedAt), Read: read,
		Mentions: []Mention{}, Statuses: []AnnouncementStatus{}, Tags: []Tag{}, Reactions: []AnnouncementReacted{}}
	if !a.StartsAt.IsZero() {
		out.StartsAt, out.EndsAt = ptr(datetime(a.StartsAt)), ptr(datetime(a.EndsAt))
	}
	for _, m := range res.Mentions {
		out.Mentions = append(out.Mentions, Mention{ID: m.AccountID, Username: m.Username, URL: m.URL, Acct: m.Acct})
	}
	for _, t := range res.Tags {
		name := text.NormalizeTag(t.Display)
		out.Tags = append(out.Tags, Tag{Name: name, URL: s.tagURL(name)})
	}
	out.Statuses = s.announcementStatuses(ctx, a.Text)
	uses := emojiUses{}
	codes := uses.add("", a.Text)
	found, err := s.lookupEmoji(ctx, uses)
	if err != nil {
		return nil, err
	}
	out.Emojis = found.of("", codes)
	reactions, err := s.d.Announcements.Reactions(ctx, viewer, a.ID)
	if err != nil {
		return nil, err
	}
	custom := emojiUses{}
	for _, re := range reactions {
		custom.add("", ":"+re.Name+":")
	}
	customFound, err := s.lookupEmoji(ctx, custom)
	if err != nil {
		return nil, err
	}
	for _, re := range reactions {
		e := AnnouncementReacted{Name: re.Name, Count: re.Count, Me: re.Me}
		if ce, ok := customFound[""][re.Name]; ok {
			e.URL, e.StaticURL = ptr(ce.URL), ptr(ce.StaticURL)
		}
		out.Reactions = append(out.Reactions, e)
	}
	return out, nil
}

// announcementMention resolves a mention of an announcement to an account already
// known (never fetched).
func (s *Server) announcementMention(ctx context.Context) text.Resolver {
	return func(m text.Mention) (text.ResolvedMention, bool) {
		a, err := s.d.Accounts.Lookup(ctx, m.Username, m.Domain)
		if err != nil || a.Suspended {
			return text.ResolvedMention{}, false
		}
		u := a.URL
		if a.Local() {
			u = s.profileURL(a.Username)
		}
		return text.ResolvedMention{AccountID: a.ID.String(), Acct: a.Acct(), URL: u, Username: a.Username}, true
	}
}

// announcementStatuses are the public or unlisted local statuses the text links to
// (their /@user/id or /users/user/statuses/id addresses on this server).
func (s *Server) announcementStatuses(ctx context.Context, txt string) []AnnouncementStatus {
	out := []AnnouncementStatus{}
	for _, word := range strings.Fields(txt) {
		l := strings.TrimRight(word, ".,;:!?)")
		rest, ok := strings.CutPrefix(l, s.baseURL()+"/")
		if !ok {
			continue
		}
		parts := strings.Split(rest, "/")
		var raw string
		switch {
		case len(parts) == 2 && strings.HasPrefix(parts[0], "@"):
			raw = parts[1]
		case len(parts) == 4 && parts[0] == "users" && parts[2] == "statuses":
			raw = parts[3]
		default:
			continue
		}
		id, err := shard.Parse(raw)
		if err != nil {
			continue
		}
		if slices.ContainsFunc(out, func(o AnnouncementStatus) bool { return o.ID == id.String() }) {
			continue
		}
		st, err := s.d.Statuses.Get(ctx, id)
		if err != nil || !st.Local || (st.Visibility != status.Public && st.Visibility != status.Unlisted) {
			continue
		}
		out = append(out, AnnouncementStatus{ID: id.String(), URL: l})
	}
	return out
}

// announcementPayload renders an announcement event for a streaming viewer; ok is
// false for one no longer listed.
func (c *streamConn) announcementPayload(ctx context.Context, kind string, id shard.ID, name string) ([]byte, bool, error) {
	switch kind {
	case stream.AnnouncementDelete:
		return []byte(id.String()), true, nil
	case stream.AnnouncementReaction:
		n, err := c.s.d.Announcements.Count(ctx, id, name)
		if err != nil {
			return nil, false, err
		}
		b, err := c.enc.encode(reactionEvent{Name: name, Count: n, AnnouncementID: id.String()})
		return b, err == nil, err
	}
	a, err := c.s.d.Announcements.Get(ctx, id)
	if errors.Is(err, announcement.ErrNotFound) || (err == nil && !a.Listed(c.s.d.Now())) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	read, err := c.s.d.Announcements.Dismissed(ctx, c.viewer, []shard.ID{id})
	if err != nil {
		return nil, false, err
	}
	e, err := c.s.announcementEntity(ctx, c.viewer, a, read[id])
	if err != nil {
		return nil, false, err
	}
	b, err := c.enc.encode(e)
	return b, err == nil, err
}
