package api

import (
	"context"
	"strconv"
	"strings"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/moderation"
	"github.com/herd-social/herd/role"
	"github.com/herd-social/herd/shard"
)

// AccountRole is an item of Account.roles: a highlighted role's badge.
type AccountRole struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Color string `json:"color"`
}

// roleEntity renders a role as Mastodon's Role entity, with the permissions its
// holders have (its own, the everyone role's, all for an administrator).
func roleEntity(a *role.Actor) *Role {
	r := a.Role
	return &Role{ID: strconv.FormatInt(r.ID, 10), Name: r.Name, Color: r.Color, Permissions: a.Can.String(),
		Highlighted: r.Highlighted}
}

// roles looks roles up once per rendering.
type roles struct {
	s    *Server
	seen map[int64]*role.Actor
}

func (s *Server) roleCache() *roles { return &roles{s: s, seen: map[int64]*role.Actor{}} }

func (c *roles) of(ctx context.Context, id int64) (*role.Actor, error) {
	if a, ok := c.seen[id]; ok {
		return a, nil
	}
	a, err := c.s.d.Roles.Of(ctx, id)
	if err != nil {
		return nil, err
	}
	c.seen[id] = a
	return a, nil
}

// userRole renders the role of a user (CredentialAccount.role, Admin::Account.role).
func (c *roles) userRole(ctx context.Context, u *account.User) (*Role, error) {
	a, err := c.of(ctx, u.RoleID())
	if err != nil {
		return nil, err
	}
	return roleEntity(a), nil
}

// badges fills Account.roles of local accounts: their role when it is highlighted.
func (c *roles) badges(ctx context.Context, out []*Account, accts []*account.Account) error {
	for i, a := range accts {
		if a.Role == 0 || !a.Local() {
			continue
		}
		r, err := c.of(ctx, a.Role)
		if err != nil {
			return err
		}
		if r.Role.Highlighted && !r.Role.IsEveryone() {
			out[i].Roles = []AccountRole{{ID: strconv.FormatInt(r.Role.ID, 10), Name: r.Role.Name, Color: r.Role.Color}}
		}
	}
	return nil
}

// routeAdminRoles registers Herd's role API (Mastodon manages roles only in its web
// interface): list, show, create, change and remove roles, and give a user a role.
func (s *Server) routeAdminRoles() {
	read, write := user("admin:read"), user("admin:write")
	s.handle("GET", "/api/v1/admin/roles", read, func(r *req) error {
		list, err := s.d.Roles.List(r.context())
		if err != nil {
			return err
		}
		out := make([]*Role, 0, len(list))
		c := s.roleCache()
		for _, ro := range list {
			a, err := c.of(r.context(), ro.ID)
			if err != nil {
				return err
			}
			out = append(out, roleEntity(a))
		}
		return r.json(out)
	})
	s.handle("GET", "/api/v1/admin/roles/{id}", read, s.roleDo(func(r *req, id int64) (int64, error) { return id, nil }))
	s.handle("POST", "/api/v1/admin/roles", write, func(r *req) error {
		c, err := roleChange(r.p)
		if err != nil {
			return err
		}
		ro, err := s.d.Roles.Create(r.context(), r.role, c)
		if err != nil {
			return err
		}
		return s.roleDo(func(*req, int64) (int64, error) { return ro.ID, nil })(r)
	})
	s.handle("PUT", "/api/v1/admin/roles/{id}", write, s.roleDo(func(r *req, id int64) (int64, error) {
		c, err := roleChange(r.p)
		if err != nil {
			return 0, err
		}
		_, err = s.d.Roles.Update(r.context(), r.role, id, c)
		return id, err
	}))
	s.handle("DELETE", "/api/v1/admin/roles/{id}", write, func(r *req) error {
		if err := s.d.Roles.Delete(r.context(), r.role, pathRoleID(r)); err != nil {
			return err
		}
		return r.json(struct{}{})
	})
	s.handle("PUT", "/api/v1/admin/accounts/{id}/role", write, s.adminAccountDo(s.assignRole))
}

// roleDo runs do on the role named by the path (or made by do) and renders it.
func (s *Server) roleDo(do func(r *req, id int64) (int64, error)) handlerFunc {
	return func(r *req) error {
		id, err := do(r, pathRoleID(r)) // a bad id finds nothing
		if err != nil {
			return err
		}
		if _, err := s.d.Roles.Get(r.context(), id); err != nil {
			return err
		}
		a, err := s.d.Roles.Of(r.context(), id)
		if err != nil {
			return err
		}
		return r.json(roleEntity(a))
	}
}

// pathRoleID is the role id of the path; 0, which no role has, when it is missing
// or malformed.
func pathRoleID(r *req) int64 {
	v, _ := r.ctx.UserValue("id").(string)
	id, _ := strconv.ParseInt(v, 10, 64)
	return id
}

// roleChange reads a role's fields; permissions is a decimal bitmask or a list of
// privilege names (permissions[] or comma-separated).
func roleChange(p params) (role.Change, error) {
	c := role.Change{Name: p.opt("name"), Color: p.opt("color"), Highlighted: p.optBool("highlighted")}
	if v := p.opt("position"); v != nil {
		n, err := strconv.Atoi(*v)
		if err != nil {
			return c, &role.Validation{Msg: "Position is not a number"}
		}
		c.Position = &n
	}
	if len(p.list("permissions")) > 0 {
		perms, err := role.ParsePermissions(strings.Join(p.list("permissions"), ","))
		if err != nil {
			return c, err
		}
		c.Permissions = &perms
	}
	return c, nil
}

// assignRole answers PUT /api/v1/admin/accounts/:id/role with role_id (empty or
// -99: the everyone role): the caller's role must stand above both the user's
// current role and the one given.
func (s *Server) assignRole(ctx context.Context, r *req, id shard.ID) (*moderation.Target, error) {
	t, err := s.d.Reports.Target(ctx, id)
	if err != nil {
		return nil, err
	}
	if t.User == nil {
		return nil, errNotFound
	}
	to := role.Everyone
	if v := r.p.str("role_id"); v != "" {
		if to, err = strconv.ParseInt(v, 10, 64); err != nil {
			return nil, errNotFound
		}
	}
	if _, err := s.d.Roles.Assign(ctx, r.role, s.d.Accounts, id, t.Account.Acct(), to); err != nil {
		return nil, err
	}
	return s.d.Reports.Target(ctx, id)
}
