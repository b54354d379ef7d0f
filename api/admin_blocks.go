package api

import (
	"context"
	"strconv"

	"github.com/herd-social/herd/moderation"
	"github.com/herd-social/herd/shard"
)

// AdminIPBlock is Mastodon's Admin::IpBlock entity.
type AdminIPBlock struct {
	ID        string  `json:"id"`
	IP        string  `json:"ip"`
	Severity  string  `json:"severity"`
	Comment   string  `json:"comment"`
	CreatedAt string  `json:"created_at"`
	ExpiresAt *string `json:"expires_at"`
}

// AdminEmailDomainBlock is Mastodon's Admin::EmailDomainBlock entity.
type AdminEmailDomainBlock struct {
	ID        string     `json:"id"`
	Domain    string     `json:"domain"`
	CreatedAt string     `json:"created_at"`
	History   []TagUsage `json:"history"`
}

// TagUsage is one day of a history: Mastodon's Tag and EmailDomainBlock history
// entries, counts as strings.
type TagUsage struct {
	Day      string `json:"day"`
	Accounts string `json:"accounts"`
	Uses     string `json:"uses"`
}

// AdminCanonicalEmailBlock is Mastodon's Admin::CanonicalEmailBlock entity.
type AdminCanonicalEmailBlock struct {
	ID                 string `json:"id"`
	CanonicalEmailHash string `json:"canonical_email_hash"`
}

func adminIPBlock(b *moderation.IPBlock) *AdminIPBlock {
	out := &AdminIPBlock{ID: b.ID.String(), IP: b.IP, Severity: b.Severity, Comment: b.Comment, CreatedAt: datetime(b.CreatedAt)}
	if !b.ExpiresAt.IsZero() {
		out.ExpiresAt = ptr(datetime(b.ExpiresAt))
	}
	return out
}

func adminCanonicalEmailBlock(b *moderation.CanonicalEmailBlock) *AdminCanonicalEmailBlock {
	return &AdminCanonicalEmailBlock{ID: b.ID.String(), CanonicalEmailHash: b.Hash}
}

// routeInstanceBlocks registers the IP, email domain and canonical email blocks of
// the admin API.
func (s *Server) routeInstanceBlocks() {
	read, write := user("admin:read:ip_blocks"), user("admin:write:ip_blocks")
	s.handle("GET", "/api/v1/admin/ip_blocks", read, listOf(s.d.Reports.IPBlocks,
		func(b *moderation.IPBlock) shard.ID { return b.ID }, func(r *req, b *moderation.IPBlock) (any, error) { return adminIPBlock(b), nil }))
	s.handle("GET", "/api/v1/admin/ip_blocks/{id}", read, oneOf(s.d.Reports.IPBlock,
		func(r *req, b *moderation.IPBlock) (any, error) { return adminIPBlock(b), nil }))
	s.handle("POST", "/api/v1/admin/ip_blocks", write, func(r *req) error {
		in, err := ipBlockInput(r)
		if err != nil {
			return err
		}
		b, err := s.d.Reports.CreateIPBlock(r.context(), r.viewer, in)
		if err != nil {
			return err
		}
		return r.json(adminIPBlock(b))
	})
	s.handle("PUT", "/api/v1/admin/ip_blocks/{id}", write, func(r *req) error {
		id, err := r.pathID("id")
		if err != nil {
			return err
		}
		in, err := ipBlockInput(r)
		if err != nil {
			return err
		}
		b, err := s.d.Reports.UpdateIPBlock(r.context(), r.viewer, id, in)
		if err != nil {
			return err
		}
		return r.json(adminIPBlock(b))
	})
	s.handle("DELETE", "/api/v1/admin/ip_blocks/{id}", write, removeOwn(s.d.Reports.DeleteIPBlock))

	read, write = user("admin:read:email_domain_blocks"), user("admin:write:email_domain_blocks")
	s.handle("GET", "/api/v1/admin/email_domain_blocks", read, listOf(s.d.Reports.EmailDomainBlocks,
		func(b *moderation.EmailDomainBlock) shard.ID { return b.ID }, s.adminEmailDomainBlock))
	s.handle("GET", "/api/v1/admin/email_domain_blocks/{id}", read, oneOf(s.d.Reports.EmailDomainBlock,
		s.adminEmailDomainBlock))
	s.handle("POST", "/api/v1/admin/email_domain_blocks", write, func(r *req) error {
		b, err := s.d.Reports.CreateEmailDomainBlock(r.context(), r.viewer, r.p.str("domain"))
		if err != nil {
			return err
		}
		out, err := s.adminEmailDomainBlock(r, b)
		if err != nil {
			return err
		}
		return r.json(out)
	})
	s.handle("DELETE", "/api/v1/admin/email_domain_blocks/{id}", write, removeOwn(s.d.Reports.DeleteEmailDomainBlock))

	read, write = user("admin:read:canonical_email_blocks"), user("admin:write:canonical_email_blocks")
	s.handle("GET", "/api/v1/admin/canonical_email_blocks", read, listOf(s.d.Reports.CanonicalEmailBlocks,
		func(b *moderation.CanonicalEmailBlock) shard.ID { return b.ID },
		func(r *req, b *moderation.CanonicalEmailBlock) (any, error) { return adminCanonicalEmailBlock(b), nil }))
	s.handle("GET", "/api/v1/admin/canonical_email_blocks/{id}", read, oneOf(s.d.Reports.CanonicalEmailBlock,
		func(r *req, b *moderation.CanonicalEmailBlock) (any, error) { return adminCanonicalEmailBlock(b), nil }))
	s.handle("POST", "/api/v1/admin/canonical_email_blocks", write, func(r *req) error {
		b, err := s.d.Reports.CreateCanonicalEmailBlock(r.context(), r.viewer, r.p.str("email"), r.p.str("canonical_email_hash"))
		if err != nil {
			return err
		}
		return r.json(adminCanonicalEmailBlock(b))
	})
	s.handle("POST", "/api/v1/admin/canonical_email_blocks/test", read, func(r *req) error {
		matched, err := s.d.Reports.MatchingEmailBlocks(r.context(), r.p.str("email"))
		if err != nil {
			return err
		}
		out := make([]*AdminCanonicalEmailBlock, len(matched))
		for i, b := range matched {
			out[i] = adminCanonicalEmailBlock(b)
		}
		return r.json(out)
	})
	s.handle("DELETE", "/api/v1/admin/canonical_email_blocks/{id}", write, removeOwn(s.d.Reports.DeleteCanonicalEmailBlock))
}

// ipBlockInput reads the fields of an IP block that the request gives.
func ipBlockInput(r *req) (moderation.IPBlockInput, error) {
	in := moderation.IPBlockInput{IP: r.p.opt("ip"), Severity: r.p.opt("severity"), Comment: r.p.opt("comment")}
	if v := r.p.opt("expires_in"); v != nil && *v == "" {
		in.NeverExpires = true
	} else if v != nil {
		n, err := strconv.ParseInt(*v, 10, 64)
		if err != nil || n > 100*365*24*3600 || n < -100*365*24*3600 {
			return in, &HTTPError{Code: 422, Msg: "Validation failed: Expires in is not a number", Cause: err}
		}
		in.ExpiresIn = &n
	}
	return in, nil
}

func (s *Server) adminEmailDomainBlock(r *req, b *moderation.EmailDomainBlock) (any, error) {
	days, err := s.d.Reports.EmailBlockHistory(r.context(), b.ID, 7)
	if err != nil {
		return nil, err
	}
	out := &AdminEmailDomainBlock{ID: b.ID.String(), Domain: b.Domain, CreatedAt: datetime(b.CreatedAt), History: make([]TagUsage, len(days))}
	for i, d := range days {
		out.History[i] = TagUsage{Day: strconv.FormatInt(d.Day.Unix(), 10), Accounts: strconv.FormatInt(d.Accounts, 10),
			Uses: strconv.FormatInt(d.Uses, 10)}
	}
	return out, nil
}

// listOf answers an admin list of a whole policy table (kept oldest first), newest
// first and paged by id with Link, each record rendered by render.
func listOf[T any](all func(ctx context.Context) ([]T, error), id func(T) shard.ID, render func(*req, T) (any, error)) handlerFunc {
	return func(r *req) error {
		recs, err := all(r.context())
		if err != nil {
			return err
		}
		page, err := pageList(r, recs, id)
		if err != nil {
			return err
		}
		out := make([]any, len(page))
		for i, v := range page {
			if out[i], err = render(r, v); err != nil {
				return err
			}
		}
		return r.json(out)
	}
}

// oneOf answers an admin record by the route's id.
func oneOf[T any](get func(ctx context.Context, id shard.ID) (T, error), render func(*req, T) (any, error)) handlerFunc {
	return func(r *req) error {
		id, err := r.pathID("id")
		if err != nil {
			return err
		}
		v, err := get(r.context(), id)
		if err != nil {
			return err
		}
		out, err := render(r, v)
		if err != nil {
			return err
		}
		return r.json(out)
	}
}
