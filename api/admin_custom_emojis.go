package api

import (
	"cmp"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/herd-social/herd/emoji"
	"github.com/herd-social/herd/media"
)

// AdminCustomEmoji is a custom emoji as moderators manage it (a Herd extension;
// Mastodon manages them in its web admin only). Its id is the shortcode of a local
// emoji and shortcode@domain of a remote one; Domain is null for a local one.
type AdminCustomEmoji struct {
	ID              string  `json:"id"`
	Shortcode       string  `json:"shortcode"`
	Domain          *string `json:"domain"`
	URL             string  `json:"url"`
	StaticURL       string  `json:"static_url"`
	VisibleInPicker bool    `json:"visible_in_picker"`
	Category        *string `json:"category"`
	Disabled        bool    `json:"disabled"`
	// URI is a remote emoji's id at its server.
	URI       *string `json:"uri"`
	UpdatedAt string  `json:"updated_at"`
}

// routeAdminCustomEmojis registers the admin endpoints on custom emoji, as Mastodon's
// web admin offers them: list and filter, upload, change (category, listing in the
// picker, enabled), delete a local one, copy a remote one here. Every change is
// audited as Mastodon's admin logs it.
func (s *Server) routeAdminCustomEmojis() {
	read, write := user("admin:read"), user("admin:write")
	s.handle("GET", "/api/v1/admin/custom_emojis", read, s.adminCustomEmojis)
	s.handle("POST", "/api/v1/admin/custom_emojis", write, s.adminCreateEmoji)
	s.handle("GET", "/api/v1/admin/custom_emojis/{id}", read, func(r *req) error {
		e, err := s.adminEmojiOf(r)
		if err != nil {
			return err
		}
		return r.json(s.adminCustomEmoji(e))
	})
	s.handle("PATCH", "/api/v1/admin/custom_emojis/{id}", write, s.adminUpdateEmoji)
	s.handle("DELETE", "/api/v1/admin/custom_emojis/{id}", write, s.adminDeleteEmoji)
	s.handle("POST", "/api/v1/admin/custom_emojis/{id}/copy", write, s.adminCopyEmoji)
}

func emojiID(e *emoji.Emoji) string {
	if e.Domain == "" {
		return e.Shortcode
	}
	return e.Shortcode + "@" + e.Domain
}

func (s *Server) adminCustomEmoji(e *emoji.Emoji) AdminCustomEmoji {
	pub := s.customEmoji(e)
	out := AdminCustomEmoji{ID: emojiID(e), Shortcode: e.Shortcode, URL: pub.URL, StaticURL: pub.StaticURL,
		VisibleInPicker: !e.Hidden, Category: pub.Category, Disabled: e.Disabled, UpdatedAt: datetime(e.UpdatedAt)}
	if e.Domain != "" {
		out.Domain = ptr(e.Domain)
	}
	if e.URI != "" {
		out.URI = ptr(e.URI)
	}
	return out
}

// adminEmojiOf loads the emoji the route's id names.
func (s *Server) adminEmojiOf(r *req) (*emoji.Emoji, error) {
	code, domain, _ := strings.Cut(r.pathStr("id"), "@")
	if !emoji.ValidShortcode(code) {
		return nil, errNotFound
	}
	e, err := s.d.Emoji.Get(r.context(), strings.ToLower(domain), code)
	if errors.Is(err, emoji.ErrNotFound) {
		return nil, errNotFound
	}
	return e, err
}

// adminCustomEmojis lists the custom emoji by domain (local first) and shortcode, as
// Mastodon's admin: local, remote and by_domain choose whose, shortcode keeps those
// whose shortcode has it (in any case); paged by offset and limit (40, at most 200).
// Without by_domain, the remote ones are read domain by domain, of every known peer.
func (s *Server) adminCustomEmojis(r *req) error {
	domains := []string{""}
	if d := strings.ToLower(strings.TrimSpace(r.p.str("by_domain"))); d != "" {
		domains = []string{d}
	} else if !r.p.boolean("local") {
		peers, err := s.d.Accounts.Peers(r.context())
		if err != nil {
			return err
		}
		domains = append(domains, peers...)
	}
	local, remote := r.p.boolean("local"), r.p.boolean("remote")
	domains = slices.DeleteFunc(domains, func(d string) bool { return local && d != "" || remote && d == "" })
	q := strings.ToLower(strings.TrimSpace(r.p.str("shortcode")))
	var all []*emoji.Emoji
	for _, d := range domains {
		list, err := s.d.Emoji.List(r.context(), d)
		if err != nil {
			return err
		}
		for _, e := range list {
			if q == "" || strings.Contains(strings.ToLower(e.Shortcode), q) {
				all = append(all, e)
			}
		}
	}
	slices.SortFunc(all, func(a, b *emoji.Emoji) int {
		return cmp.Or(cmp.Compare(a.Domain, b.Domain), cmp.Compare(a.Shortcode, b.Shortcode))
	})
	offset, limit := offsetLimit(r, 40, 200)
	page := all[min(offset, len(all)):min(offset+limit, len(all))]
	out := make([]AdminCustomEmoji, len(page))
	for i, e := range page {
		out[i] = s.adminCustomEmoji(e)
	}
	filteredOffsetLink(r, offset, limit, len(page) == limit && offset+limit < len(all))
	return r.json(out)
}

// filteredOffsetLink sets a Link header of offsets that keeps the request's other
// query parameters (its filters): next when more follow, prev when the page did not
// start at the first item.
func filteredOffsetLink(r *req, offset, limit int, more bool) {
	mk := func(rel string, at int) string {
		q := url.Values{}
		r.ctx.QueryArgs().VisitAll(func(k, v []byte) { q.Add(string(k), string(v)) })
		q.Set("limit", strconv.Itoa(limit))
		q.Set("offset", strconv.Itoa(at))
		return fmt.Sprintf(`<%s%s?%s>; rel="%s"`, r.s.baseURL(), r.ctx.Path(), q.Encode(), rel)
	}
	var parts []string
	if more {
		parts = append(parts, mk("next", offset+limit))
	}
	if offset > 0 {
		parts = append(parts, mk("prev", max(offset-limit, 0)))
	}
	if len(parts) > 0 {
		r.ctx.Response.Header.Set("Link", strings.Join(parts, ", "))
	}
}

// adminCreateEmoji adds a local emoji from a multipart form (shortcode, image,
// category), with Mastodon's rules and messages: a shortcode of at least two letters,
// digits or _, not taken; a PNG, GIF or WebP of less than 256 KB. A refused one
// changes nothing.
func (s *Server) adminCreateEmoji(r *req) error {
	code := strings.TrimSpace(r.p.str("shortcode"))
	data, err := s.uploadedFile(r, "image")
	if err != nil {
		return err
	}
	var refused []string // in the order Mastodon's validations run
	if len(data) == 0 {
		refused = append(refused, "Image can't be blank")
	}
	if !emoji.ValidShortcode(code) {
		refused = append(refused, "Shortcode is invalid")
	}
	if len(code) < 2 {
		refused = append(refused, "Shortcode is too short (minimum is 2 characters)")
	}
	if len(refused) > 0 {
		return httpErr(422, "Validation failed: "+strings.Join(refused, ", "))
	}
	if _, err := s.d.Emoji.Get(r.context(), "", code); err == nil {
		return errShortcodeTaken
	} else if !errors.Is(err, emoji.ErrNotFound) {
		return err
	}
	key, mediaType, err := s.d.Media.StoreEmoji(r.context(), code, data)
	if err != nil {
		return err
	}
	e := &emoji.Emoji{Shortcode: code, Key: key, MediaType: mediaType, Category: strings.TrimSpace(r.p.str("category")),
		UpdatedAt: s.d.Now().UTC()}
	return s.createdEmoji(r, e)
}

var errShortcodeTaken = httpErr(422, "Validation failed: Shortcode has already been taken")

// createdEmoji records a local emoji whose picture was just stored, audited as
// create_custom_emoji; when the shortcode was taken meanwhile, the picture goes.
func (s *Server) createdEmoji(r *req, e *emoji.Emoji) error {
	if err := s.d.Emoji.Create(r.context(), e); err != nil {
		if derr := s.d.Media.DeleteFile(r.context(), e.Key); derr != nil {
			return derr
		}
		if errors.Is(err, emoji.ErrExists) {
			return errShortcodeTaken
		}
		return err
	}
	if err := s.d.Reports.Record(r.context(), r.viewer, "create_custom_emoji", "CustomEmoji", emojiID(e)); err != nil {
		return err
	}
	return r.json(s.adminCustomEmoji(e))
}

// adminUpdateEmoji changes the fields given: category (empty removes it),
// visible_in_picker and disabled, of a local or remote emoji; audited as Mastodon's
// admin logs them (enable_custom_emoji, disable_custom_emoji, update_custom_emoji).
func (s *Server) adminUpdateEmoji(r *req) error {
	e, err := s.adminEmojiOf(r)
	if err != nil {
		return err
	}
	var actions []string
	if c := r.p.opt("category"); c != nil && strings.TrimSpace(*c) != e.Category {
		e.Category = strings.TrimSpace(*c)
		actions = append(actions, "update_custom_emoji")
	}
	if v := r.p.optBool("visible_in_picker"); v != nil && *v == e.Hidden {
		e.Hidden = !*v
		if !slices.Contains(actions, "update_custom_emoji") {
			actions = append(actions, "update_custom_emoji")
		}
	}
	if v := r.p.optBool("disabled"); v != nil && *v != e.Disabled {
		e.Disabled = *v
		actions = append(actions, map[bool]string{true: "disable_custom_emoji", false: "enable_custom_emoji"}[*v])
	}
	if len(actions) > 0 {
		e.UpdatedAt = s.d.Now().UTC()
		if err := s.d.Emoji.Put(r.context(), e); err != nil {
			return err
		}
	}
	for _, a := range actions {
		if err := s.d.Reports.Record(r.context(), r.viewer, a, "CustomEmoji", emojiID(e)); err != nil {
			return err
		}
	}
	return r.json(s.adminCustomEmoji(e))
}

// adminDeleteEmoji removes a local emoji and its picture (a remote one is another
// server's: 403), audited as destroy_custom_emoji; it answers {}.
func (s *Server) adminDeleteEmoji(r *req) error {
	e, err := s.adminEmojiOf(r)
	if err != nil {
		return err
	}
	if e.Domain != "" {
		return errForbidden
	}
	if err := s.d.Emoji.Delete(r.context(), "", e.Shortcode); err != nil {
		return err
	}
	if err := s.d.Media.DeleteFile(r.context(), e.Key); err != nil {
		return err
	}
	if err := s.d.Reports.Record(r.context(), r.viewer, "destroy_custom_emoji", "CustomEmoji", emojiID(e)); err != nil {
		return err
	}
	return r.json(struct{}{})
}

// adminCopyEmoji makes a local emoji of a remote one (403 for a local one), its
// picture fetched from its server under the upload's rules, as Mastodon's copy: a
// local emoji of that shortcode already there takes the copied picture, and keeps
// its category and listing. Audited as create_custom_emoji.
func (s *Server) adminCopyEmoji(r *req) error {
	src, err := s.adminEmojiOf(r)
	if err != nil {
		return err
	}
	if src.Domain == "" {
		return errForbidden
	}
	old, err := s.d.Emoji.Get(r.context(), "", src.Shortcode)
	if err != nil && !errors.Is(err, emoji.ErrNotFound) {
		return err
	}
	key, mediaType, err := s.d.Media.FetchEmoji(r.context(), src.Shortcode, src.URL)
	var v *media.Validation
	switch {
	case errors.As(err, &v):
		return err
	case err != nil:
		return &HTTPError{Code: 422, Msg: "Validation failed: Image could not be downloaded", Cause: err}
	}
	if old == nil {
		return s.createdEmoji(r, &emoji.Emoji{Shortcode: src.Shortcode, Key: key, MediaType: mediaType,
			Category: src.Category, UpdatedAt: s.d.Now().UTC()})
	}
	e := *old
	e.Key, e.MediaType, e.UpdatedAt = key, mediaType, s.d.Now().UTC()
	if err := s.d.Emoji.Put(r.context(), &e); err != nil {
		return err
	}
	if err := s.d.Media.DeleteFile(r.context(), old.Key); err != nil {
		return err
	}
	if err := s.d.Reports.Record(r.context(), r.viewer, "create_custom_emoji", "CustomEmoji", emojiID(&e)); err != nil {
		return err
	}
	return r.json(s.adminCustomEmoji(&e))
}
