package node

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/herd-social/herd/role"
)

// AdminFindRole finds a role by its id or its name (any case); "everyone" and
// "none" name the everyone role.
func (n *Node) AdminFindRole(ctx context.Context, ref string) (*role.Role, error) {
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil {
		return n.Roles.Get(ctx, id)
	}
	if strings.EqualFold(ref, "everyone") || strings.EqualFold(ref, "none") {
		return n.Roles.Get(ctx, role.Everyone)
	}
	list, err := n.Roles.List(ctx)
	if err != nil {
		return nil, err
	}
	for _, r := range list {
		if strings.EqualFold(r.Name, ref) {
			return r, nil
		}
	}
	return nil, fmt.Errorf("role %q: %w", ref, role.ErrNotFound)
}

// AdminAssignRole gives a local user a role named by id or name, as the operator
// (who is bound by no position).
func (n *Node) AdminAssignRole(ctx context.Context, username, ref string) (*role.Role, error) {
	a, err := n.Accounts.Lookup(ctx, strings.TrimPrefix(username, "@"), "")
	if err != nil {
		return nil, fmt.Errorf("find %s: %w", username, err)
	}
	r, err := n.AdminFindRole(ctx, ref)
	if err != nil {
		return nil, err
	}
	if r, err = n.Roles.Assign(ctx, nil, n.Accounts, a.ID, a.Acct(), r.ID); err != nil {
		return nil, err
	}
	n.log.Info("admin: role assigned", "account", a.Username, "role", r.ID)
	return r, nil
}
