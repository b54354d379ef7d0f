package api

import (
	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/media"
)

// The profile routes of Mastodon 4.2+ that remove a picture: the account shows the
// server's default again, the file leaves the media store, and followers' servers get
// the actor without it (through UpdateProfile, as update_credentials).

func (s *Server) routeProfile() {
	s.handle("DELETE", "/api/v1/profile/avatar", user("write:accounts"), s.removePicture(media.Avatar))
	s.handle("DELETE", "/api/v1/profile/header", user("write:accounts"), s.removePicture(media.Header))
}

// removePicture answers with the credential account, whether or not there was a picture
// to remove, as Mastodon does.
func (s *Server) removePicture(kind media.Picture) handlerFunc {
	return func(r *req) error {
		me, err := s.me(r)
		if err != nil {
			return err
		}
		old, u := me.AvatarKey, account.ProfileUpdate{AvatarKey: ptr("")}
		if kind == media.Header {
			old, u = me.HeaderKey, account.ProfileUpdate{HeaderKey: ptr("")}
		}
		if old == "" {
			return s.verifyCredentials(r)
		}
		if _, err := s.d.Actions.UpdateProfile(r.context(), r.viewer, u, s.d.Render); err != nil {
			return err
		}
		if err := s.d.Media.DeleteFile(r.context(), old); err != nil {
			s.log.Warn("api: removed picture left in the media store", "key", old, "err", err)
		}
		return s.verifyCredentials(r)
	}
}
