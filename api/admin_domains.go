package api

import (
	"slices"

	"github.com/herd-social/herd/moderation"
	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
)

// AdminDomainBlock is Mastodon's Admin::DomainBlock entity.
type AdminDomainBlock struct {
	ID             string  `json:"id"`
	Domain         string  `json:"domain"`
	Digest         string  `json:"digest"`
	CreatedAt      string  `json:"created_at"`
	Severity       string  `json:"severity"`
	RejectMedia    bool    `json:"reject_media"`
	RejectReports  bool    `json:"reject_reports"`
	PrivateComment *string `json:"private_comment"`
	PublicComment  *string `json:"public_comment"`
	Obfuscate      bool    `json:"obfuscate"`
}

// AdminDomainAllow is Mastodon's Admin::DomainAllow entity.
type AdminDomainAllow struct {
	ID        string `json:"id"`
	Domain    string `json:"domain"`
	CreatedAt string `json:"created_at"`
}

// PublicDomainBlock is Mastodon's DomainBlock entity, the public list's.
type PublicDomainBlock struct {
	Domain   string  `json:"domain"`
	Digest   string  `json:"digest"`
	Severity string  `json:"severity"`
	Comment  *string `json:"comment,omitempty"`
}

func optText(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func adminDomainBlock(b *moderation.DomainBlock) *AdminDomainBlock {
	return &AdminDomainBlock{ID: b.ID.String(), Domain: b.Domain, Digest: b.Digest(), CreatedAt: datetime(b.CreatedAt),
		Severity: b.Severity, RejectMedia: b.RejectMedia, RejectReports: b.RejectReports,
		PrivateComment: optText(b.PrivateComment), PublicComment: optText(b.PublicComment), Obfuscate: b.Obfuscate}
}

func adminDomainAllow(a *moderation.DomainAllow) *AdminDomainAllow {
	return &AdminDomainAllow{ID: a.ID.String(), Domain: a.Domain, CreatedAt: datetime(a.CreatedAt)}
}

// routeDomainPolicies registers the domain blocks and allows of the admin API and
// the public list of blocks.
func (s *Server) routeDomainPolicies() {
	read, write := user("admin:read:domain_blocks"), user("admin:write:domain_blocks")
	s.handle("GET", "/api/v1/admin/domain_blocks", read, s.listDomainBlocks)
	s.handle("POST", "/api/v1/admin/domain_blocks", write, s.createDomainBlock)
	s.handle("GET", "/api/v1/admin/domain_blocks/{id}", read, func(r *req) error {
		id, err := r.pathID("id")
		if err != nil {
			return err
		}
		b, err := s.d.Reports.DomainBlock(r.context(), id)
		if err != nil {
			return err
		}
		return r.json(adminDomainBlock(b))
	})
	s.handle("PUT", "/api/v1/admin/domain_blocks/{id}", write, s.updateDomainBlock)
	s.handle("DELETE", "/api/v1/admin/domain_blocks/{id}", write, removeOwn(s.d.Reports.DeleteDomainBlock))
	readA, writeA := user("admin:read:domain_allows"), user("admin:write:domain_allows")
	s.handle("GET", "/api/v1/admin/domain_allows", readA, s.listDomainAllows)
	s.handle("POST", "/api/v1/admin/domain_allows", writeA, func(r *req) error {
		a, err := s.d.Reports.CreateDomainAllow(r.context(), r.viewer, r.p.str("domain"))
		if err != nil {
			return err
		}
		return r.json(adminDomainAllow(a))
	})
	s.handle("GET", "/api/v1/admin/domain_allows/{id}", readA, func(r *req) error {
		id, err := r.pathID("id")
		if err != nil {
			return err
		}
		a, err := s.d.Reports.DomainAllow(r.context(), id)
		if err != nil {
			return err
		}
		return r.json(adminDomainAllow(a))
	})
	s.handle("DELETE", "/api/v1/admin/domain_allows/{id}", writeA, removeOwn(s.d.Reports.DeleteDomainAllow))
	s.handle("GET", "/api/v1/instance/domain_blocks", public, s.publicDomainBlocks)
}

// pageList keeps the records of a page (newest first) of a whole list kept oldest
// first, and sets the Link header.
func pageList[T any](r *req, all []T, id func(T) shard.ID) ([]T, error) {
	p, err := r.page(100, 200)
	if err != nil {
		return nil, err
	}
	var out []T
	for _, v := range slices.Backward(all) {
		if p.Within(id(v)) {
			out = append(out, v)
		}
	}
	if p.Forward() || p.SinceID != 0 {
		out = out[max(0, len(out)-p.Limit):]
	} else {
		out = out[:min(len(out), p.Limit)]
	}
	ids := make([]shard.ID, len(out))
	for i, v := range out {
		ids[i] = id(v)
	}
	r.link(paging.IDs(ids))
	return out, nil
}

func (s *Server) listDomainBlocks(r *req) error {
	all, err := s.d.Reports.DomainBlocks(r.context())
	if err != nil {
		return err
	}
	page, err := pageList(r, all, func(b *moderation.DomainBlock) shard.ID { return b.ID })
	if err != nil {
		return err
	}
	out := make([]*AdminDomainBlock, len(page))
	for i, b := range page {
		out[i] = adminDomainBlock(b)
	}
	return r.json(out)
}

func (s *Server) listDomainAllows(r *req) error {
	all, err := s.d.Reports.DomainAllows(r.context())
	if err != nil {
		return err
	}
	page, err := pageList(r, all, func(a *moderation.DomainAllow) shard.ID { return a.ID })
	if err != nil {
		return err
	}
	out := make([]*AdminDomainAllow, len(page))
	for i, a := range page {
		out[i] = adminDomainAllow(a)
	}
	return r.json(out)
}

func (s *Server) createDomainBlock(r *req) error {
	b := moderation.DomainBlock{Domain: r.p.str("domain"), Severity: r.p.str("severity"),
		RejectMedia: r.p.boolean("reject_media"), RejectReports: r.p.boolean("reject_reports"),
		PrivateComment: r.p.str("private_comment"), PublicComment: r.p.str("public_comment"),
		Obfuscate: r.p.boolean("obfuscate")}
	out, err := s.d.Reports.CreateDomainBlock(r.context(), r.viewer, b)
	if err != nil {
		return err
	}
	return r.json(adminDomainBlock(out))
}

func (s *Server) updateDomainBlock(r *req) error {
	id, err := r.pathID("id")
	if err != nil {
		return err
	}
	out, err := s.d.Reports.UpdateDomainBlock(r.context(), r.viewer, id, func(b *moderation.DomainBlock) {
		setIf(&b.Severity, r.p.opt("severity"))
		setIf(&b.PrivateComment, r.p.opt("private_comment"))
		setIf(&b.PublicComment, r.p.opt("public_comment"))
		setIf(&b.RejectMedia, r.p.optBool("reject_media"))
		setIf(&b.RejectReports, r.p.optBool("reject_reports"))
		setIf(&b.Obfuscate, r.p.optBool("obfuscate"))
	})
	if err != nil {
		return err
	}
	return r.json(adminDomainBlock(out))
}

func setIf[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

// publicDomainBlocks answers GET /api/v1/instance/domain_blocks: every block, the
// obfuscated ones with their names starred, as Mastodon shows them when its
// show_domain_blocks setting is "all" (Herd has no such setting: the list is public).
func (s *Server) publicDomainBlocks(r *req) error {
	all, err := s.d.Reports.DomainBlocks(r.context())
	if err != nil {
		return err
	}
	out := make([]PublicDomainBlock, 0, len(all))
	for _, b := range all {
		if b.Severity == moderation.SeverityNoop && !b.RejectMedia {
			continue // no limitation users would notice, as Mastodon leaves it out
		}
		out = append(out, PublicDomainBlock{Domain: b.PublicDomain(), Digest: b.Digest(), Severity: b.Severity,
			Comment: optText(b.PublicComment)})
	}
	return r.json(out)
}
