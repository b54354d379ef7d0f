package api

import (
	"cmp"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/herd-social/herd/emoji"
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

func (s *Server) adminCustomEmoji(e *emoji.Emoji) AdminCustomEmoji {
	pub := s.customEmoji(e)
	out := AdminCustomEmoji{ID: e.ID(), Shortcode: e.Shortcode, URL: pub.URL, StaticURL: pub.StaticURL,
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
	return s.d.Emoji.Get(r.context(), strings.ToLower(domain), code)
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

// emojiAdmin carries out the moderators' changes of custom emoji.
func (s *Server) emojiAdmin() emoji.Admin {
	return emoji.Admin{Emoji: s.d.Emoji, Pictures: s.d.Media, Audit: s.d.Reports, Now: s.d.Now}
}

// adminCreateEmoji adds a local emoji from a multipart form (shortcode, image,
// category), with Mastodon's rules and messages (emoji.Admin.Upload).
func (s *Server) adminCreateEmoji(r *req) error {
	data, err := s.uploadedFile(r, "image")
	if err != nil {
		return err
	}
	e, err := s.emojiAdmin().Upload(r.context(), r.viewer, strings.TrimSpace(r.p.str("shortcode")), data, r.p.str("category"))
	if err != nil {
		return err
	}
	return r.json(s.adminCustomEmoji(e))
}

// adminUpdateEmoji changes the fields given: category (empty removes it),
// visible_in_picker and disabled, of a local or remote emoji.
func (s *Server) adminUpdateEmoji(r *req) error {
	e, err := s.adminEmojiOf(r)
	if err != nil {
		return err
	}
	c := emoji.Change{Category: r.p.opt("category"), VisibleInPicker: r.p.optBool("visible_in_picker"),
		Disabled: r.p.optBool("disabled")}
	if err := s.emojiAdmin().Update(r.context(), r.viewer, e, c); err != nil {
		return err
	}
	return r.json(s.adminCustomEmoji(e))
}

// adminDeleteEmoji removes a local emoji and its picture (a remote one: 403); it
// answers {}.
func (s *Server) adminDeleteEmoji(r *req) error {
	e, err := s.adminEmojiOf(r)
	if err != nil {
		return err
	}
	if err := s.emojiAdmin().Remove(r.context(), r.viewer, e); err != nil {
		return err
	}
	return r.json(struct{}{})
}

// adminCopyEmoji makes a local emoji of a remote one (a local one: 403), its picture
// fetched from its server (emoji.Admin.Copy).
func (s *Server) adminCopyEmoji(r *req) error {
	src, err := s.adminEmojiOf(r)
	if err != nil {
		return err
	}
	e, err := s.emojiAdmin().Copy(r.context(), r.viewer, src)
	if err != nil {
		return err
	}
	return r.json(s.adminCustomEmoji(e))
}
