package api

import (
	"context"
	"strconv"

	"github.com/herd-social/herd/rules"
	"github.com/herd-social/herd/shard"
)

// Rule is Mastodon's Rule entity.
type Rule struct {
	ID   string `json:"id"`
	Text string `json:"text"`
	Hint string `json:"hint"`
}

// AdminRule is a server rule as admins manage it (a Herd extension): the Rule and
// its place in the order.
type AdminRule struct {
	Rule
	Priority  int    `json:"priority"`
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
}

// ContentRule is a content rule as admins manage it (a Herd extension).
type ContentRule struct {
	ID        string `json:"id"`
	Pattern   string `json:"pattern"`
	Regexp    bool   `json:"regexp"`
	WholeWord bool   `json:"whole_word"`
	Action    string `json:"action"`
	Hits      int64  `json:"hits"`
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
}

// routeRules registers the server rules (public), and the admin endpoints, Herd's
// extensions, for server rules and content rules.
func (s *Server) routeRules() {
	s.handle("GET", "/api/v1/instance/rules", public, func(r *req) error {
		out, err := s.serverRules(r.context())
		if err != nil {
			return err
		}
		return r.json(out)
	})
	read, write := user("admin:read"), user("admin:write")
	s.handle("GET", "/api/v1/admin/rules", read, s.listAdminRules)
	s.handle("POST", "/api/v1/admin/rules", write, s.adminRule(nil))
	s.handle("GET", "/api/v1/admin/rules/{id}", read, s.adminRule(s.d.Rules.Rule))
	s.handle("PUT", "/api/v1/admin/rules/{id}", write, s.adminRule(toUpdate[rules.Rule]))
	s.handle("DELETE", "/api/v1/admin/rules/{id}", write, s.adminRule(s.d.Rules.RemoveRule))
	s.handle("GET", "/api/v1/admin/content_rules", read, s.listContentRules)
	s.handle("POST", "/api/v1/admin/content_rules", write, s.contentRule(nil))
	s.handle("GET", "/api/v1/admin/content_rules/{id}", read, s.contentRule(s.d.Rules.ContentRule))
	s.handle("PUT", "/api/v1/admin/content_rules/{id}", write, s.contentRule(toUpdate[rules.ContentRule]))
	s.handle("DELETE", "/api/v1/admin/content_rules/{id}", write, s.contentRule(s.d.Rules.RemoveContentRule))
}

// toUpdate stands for the update in adminRule and contentRule: it finds nothing, so
// the handler applies the change.
func toUpdate[T any](context.Context, shard.ID) (*T, error) { return nil, nil }

// serverRules renders the server rules in their order.
func (s *Server) serverRules(ctx context.Context) ([]Rule, error) {
	rs, err := s.d.Rules.Rules(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Rule, len(rs))
	for i, r := range rs {
		out[i] = Rule{ID: r.ID.String(), Text: r.Text, Hint: r.Hint}
	}
	return out, nil
}

func adminRule(r *rules.Rule) AdminRule {
	return AdminRule{Rule: Rule{ID: r.ID.String(), Text: r.Text, Hint: r.Hint}, Priority: r.Priority,
		CreatedAt: datetime(r.CreatedAt), UpdatedAt: datetime(r.UpdatedAt)}
}

func (s *Server) listAdminRules(r *req) error {
	rs, err := s.d.Rules.Rules(r.context())
	if err != nil {
		return err
	}
	out := make([]AdminRule, len(rs))
	for i, rule := range rs {
		out[i] = adminRule(rule)
	}
	return r.json(out)
}

// adminRule answers the admin endpoints on one server rule: create (by nil), read,
// update (by a do that returns nil) and delete.
func (s *Server) adminRule(do func(ctx context.Context, id shard.ID) (*rules.Rule, error)) handlerFunc {
	return func(r *req) error {
		c := rules.RuleChange{Text: r.p.opt("text"), Hint: r.p.opt("hint")}
		if v := r.p.opt("priority"); v != nil {
			n, err := strconv.Atoi(*v)
			if err != nil {
				return &rules.Validation{Msg: "Priority is not a number"}
			}
			c.Priority = &n
		}
		if do == nil {
			rule, err := s.d.Rules.AddRule(r.context(), c)
			if err != nil {
				return err
			}
			return r.json(adminRule(rule))
		}
		id, err := r.pathID("id")
		if err != nil {
			return err
		}
		rule, err := do(r.context(), id)
		if err == nil && rule == nil {
			rule, err = s.d.Rules.UpdateRule(r.context(), id, c)
		}
		if err != nil {
			return err
		}
		return r.json(adminRule(rule))
	}
}

func (s *Server) listContentRules(r *req) error {
	rs, err := s.d.Rules.ContentRules(r.context())
	if err != nil {
		return err
	}
	out, err := s.renderContentRules(r.context(), rs)
	if err != nil {
		return err
	}
	return r.json(out)
}

func (s *Server) renderContentRules(ctx context.Context, rs []*rules.ContentRule) ([]ContentRule, error) {
	hits, err := s.d.Rules.Hits(ctx, rs)
	if err != nil {
		return nil, err
	}
	out := make([]ContentRule, len(rs))
	for i, c := range rs {
		out[i] = ContentRule{ID: c.ID.String(), Pattern: c.Pattern, Regexp: c.Regexp, WholeWord: c.WholeWord,
			Action: string(c.Action), Hits: hits[i], CreatedAt: datetime(c.CreatedAt), UpdatedAt: datetime(c.UpdatedAt)}
	}
	return out, nil
}

// contentRule answers the admin endpoints on one content rule, as adminRule.
func (s *Server) contentRule(do func(ctx context.Context, id shard.ID) (*rules.ContentRule, error)) handlerFunc {
	return func(r *req) error {
		c := rules.ContentChange{Pattern: r.p.opt("pattern"), Regexp: r.p.optBool("regexp"),
			WholeWord: r.p.optBool("whole_word")}
		if v := r.p.opt("action"); v != nil {
			c.Action = (*rules.Action)(v)
		}
		var rule *rules.ContentRule
		var err error
		if do == nil {
			rule, err = s.d.Rules.AddContentRule(r.context(), r.viewer, c)
		} else {
			var id shard.ID
			if id, err = r.pathID("id"); err != nil {
				return err
			}
			if rule, err = do(r.context(), id); err == nil && rule == nil {
				rule, err = s.d.Rules.UpdateContentRule(r.context(), id, c)
			}
		}
		if err != nil {
			return err
		}
		out, err := s.renderContentRules(r.context(), []*rules.ContentRule{rule})
		if err != nil {
			return err
		}
		return r.json(out[0])
	}
}

// reportRules renders the server rules a report cites that still exist.
func (s *Server) reportRules(ctx context.Context, ids []string) ([]Rule, error) {
	out := []Rule{}
	if len(ids) == 0 {
		return out, nil
	}
	all, err := s.serverRules(ctx)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		for _, r := range all {
			if r.ID == id {
				out = append(out, r)
			}
		}
	}
	return out, nil
}
