package api

import (
	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/media"
)

// Profile is Mastodon's Profile entity (4.6): the user's own profile with the source
// of every editable field; the pictures are null when unset.
type Profile struct {
	ID                 string         `json:"id"`
	DisplayName        string         `json:"display_name"`
	Note               string         `json:"note"`
	Fields             []Field        `json:"fields"`
	Avatar             *string        `json:"avatar"`
	AvatarStatic       *string        `json:"avatar_static"`
	AvatarDescription  string         `json:"avatar_description"`
	Header             *string        `json:"header"`
	HeaderStatic       *string        `json:"header_static"`
	HeaderDescription  string         `json:"header_description"`
	Locked             bool           `json:"locked"`
	Bot                bool           `json:"bot"`
	HideCollections    *bool          `json:"hide_collections"`
	Discoverable       *bool          `json:"discoverable"`
	Indexable          bool           `json:"indexable"`
	ShowMedia          bool           `json:"show_media"`
	ShowMediaReplies   bool           `json:"show_media_replies"`
	ShowFeatured       bool           `json:"show_featured"`
	AttributionDomains []string       `json:"attribution_domains"`
	FeaturedTags       []*FeaturedTag `json:"featured_tags"`
}

func (s *Server) routeProfile() {
	s.handle("GET", "/api/v1/profile", user("read:accounts"), s.getProfile)
	s.handle("PATCH", "/api/v1/profile", user("write:accounts"), s.patchProfile)
	// Mastodon 4.2's routes that remove a picture: the account shows the server's
	// default again, the file leaves the media store, and followers' servers get the
	// actor without it (through UpdateProfile, as update_credentials).
	s.handle("DELETE", "/api/v1/profile/avatar", user("write:accounts"), s.removePicture(media.Avatar))
	s.handle("DELETE", "/api/v1/profile/header", user("write:accounts"), s.removePicture(media.Header))
}

func (s *Server) getProfile(r *req) error {
	me, err := s.me(r)
	if err != nil {
		return err
	}
	fs, err := s.d.Hashtags.FeaturedTags(r.context(), me.ID)
	if err != nil {
		return err
	}
	out := &Profile{ID: me.ID.String(), DisplayName: me.DisplayName, Note: me.NoteSource, Fields: fields(me.FieldSources),
		AvatarDescription: me.AvatarDescription, HeaderDescription: me.HeaderDescription, Locked: me.Locked, Bot: me.Bot,
		HideCollections: ptr(me.HideCollections), Discoverable: ptr(me.Discoverable), Indexable: me.Indexable,
		ShowMedia: !me.HideMediaTab, ShowMediaReplies: !me.HideMediaReplies, ShowFeatured: !me.HideFeaturedTab,
		AttributionDomains: nonNil(me.AttributionDomains), FeaturedTags: make([]*FeaturedTag, len(fs))}
	if me.AvatarKey != "" && s.d.Media != nil {
		out.Avatar = ptr(s.d.Media.FileURL(me.AvatarKey))
		out.AvatarStatic = ptr(s.d.Media.FileURL(media.StaticKey(me.AvatarKey)))
	}
	if me.HeaderKey != "" && s.d.Media != nil {
		out.Header = ptr(s.d.Media.FileURL(me.HeaderKey))
		out.HeaderStatic = ptr(s.d.Media.FileURL(media.StaticKey(me.HeaderKey)))
	}
	for i := range fs {
		out.FeaturedTags[i] = s.featuredTag(me.Acct(), &fs[i])
	}
	return r.json(out)
}

// patchProfile takes what update_credentials takes about the profile, the pictures'
// descriptions and the tabs' settings, and answers with the profile.
func (s *Server) patchProfile(r *req) error {
	u := profileParams(r.p)
	u.AvatarDescription, u.HeaderDescription = r.p.opt("avatar_description"), r.p.opt("header_description")
	u.ShowMedia, u.ShowMediaReplies, u.ShowFeatured = r.p.optBool("show_media"), r.p.optBool("show_media_replies"), r.p.optBool("show_featured")
	if err := s.applyProfile(r, u); err != nil {
		return err
	}
	return s.getProfile(r)
}

// removePicture answers with the credential account, whether or not there was a picture
// to remove, as Mastodon does.
func (s *Server) removePicture(kind media.Picture) handlerFunc {
	return func(r *req) error {
		me, err := s.me(r)
		if err != nil {
			return err
		}
		old, u := me.AvatarKey, account.ProfileUpdate{AvatarKey: ptr(""), AvatarDescription: ptr("")}
		if kind == media.Header {
			old, u = me.HeaderKey, account.ProfileUpdate{HeaderKey: ptr(""), HeaderDescription: ptr("")}
		}
		if old == "" {
			return s.verifyCredentials(r)
		}
		if _, err := s.d.Actions.UpdateProfile(r.context(), r.viewer, u, s.d.Render); err != nil {
			return err
		}
		if err := s.d.Media.DeletePicture(r.context(), old); err != nil {
			s.log.Warn("api: removed picture left in the media store", "key", old, "err", err)
		}
		return s.verifyCredentials(r)
	}
}

// nonNil is l, or an empty list for JSON's [] instead of null.
func nonNil(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}
