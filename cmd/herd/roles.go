package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/herd-social/herd/node"
	"github.com/herd-social/herd/role"
)

const rolesUsage = `Usage:
  herd admin role list                                     the roles, by position
  herd admin role create --name N [--color C] [--position P] [--permissions PERMS] [--highlighted]
  herd admin role update [--name N] [--color C] [--position P] [--permissions PERMS] [--highlighted=B] ROLE
  herd admin role delete ROLE                              a role made by an admin; its holders keep the everyone role
  herd admin role assign USERNAME ROLE                     give a local user a role ("everyone" takes it away)

ROLE is a role's id or name (-99 or "everyone" is the role every user has; 1 Moderator,
2 Admin, 3 Owner). PERMS is a bitmask in decimal or a comma-separated list of privileges:
` + "  %s\n" + `The operator is bound by no position. Flags come before arguments; the common flags
(--config, --data, …) pick the node's engines, as for other admin commands.
`

var roleCmd = &adminCmd{
	usage: fmt.Sprintf(rolesUsage, strings.Join(role.All.Names(), ", ")),
	verbs: []string{"list", "create", "update", "delete", "assign"},
	flags: func(fs *flag.FlagSet) {
		fs.String("name", "", "the role's name")
		fs.String("color", "", "the badge's colour, #rgb or #rrggbb")
		fs.Int("position", 0, "the role's rank: it may hand out roles below it")
		fs.String("permissions", "", "a bitmask or a comma-separated list of privileges")
		fs.Bool("highlighted", false, "show the role as a badge on profiles")
	},
	// the flags are checked before a node is reached
	prepare: func(c *adminCall) error { _, err := roleFlags(c.set()); return err },
	run: func(ctx context.Context, n *node.Node, c *adminCall) error {
		ch, err := roleFlags(c.set())
		if err != nil {
			return err
		}
		return roleCommand(ctx, n, c.verb, c.args, ch, c.out)
	},
}

func roleFlags(set map[string]string) (role.Change, error) {
	c := role.Change{Name: opt(set, "name"), Color: opt(set, "color"), Highlighted: optBool(set, "highlighted")}
	if v, ok := set["position"]; ok {
		p, err := strconv.Atoi(v)
		if err != nil {
			return c, usagef("admin role: --position: %w", err)
		}
		c.Position = &p
	}
	if v, ok := set["permissions"]; ok {
		p, err := role.ParsePermissions(v)
		if err != nil {
			return c, usagef("admin role: --permissions: %w", err)
		}
		c.Permissions = &p
	}
	return c, nil
}

func roleCommand(ctx context.Context, n *node.Node, cmd string, args []string, c role.Change, out io.Writer) error {
	var (
		r   *role.Role
		err error
	)
	switch {
	case cmd == "list" && len(args) == 0:
		return listRoles(ctx, n, out)
	case cmd == "create" && len(args) == 0:
		r, err = n.Roles.Create(ctx, nil, c)
	case cmd == "update" && len(args) == 1, cmd == "delete" && len(args) == 1:
		if r, err = n.AdminFindRole(ctx, args[0]); err != nil {
			return err
		}
		if cmd == "update" {
			r, err = n.Roles.Update(ctx, nil, r.ID, c)
		} else {
			err = n.Roles.Delete(ctx, nil, r.ID)
		}
	case cmd == "assign" && len(args) == 2:
		r, err = n.AdminAssignRole(ctx, args[0], args[1])
	default:
		return usagef("admin role %s: wrong arguments (see herd admin role --help)", cmd)
	}
	if err == nil {
		fmt.Fprintf(out, "%s role %d %q: %s\n", cmd, r.ID, r.Name, strings.Join(r.Permissions.Names(), ","))
	}
	return err
}

func listRoles(ctx context.Context, n *node.Node, out io.Writer) error {
	list, err := n.Roles.List(ctx)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tPOSITION\tNAME\tCOLOR\tBADGE\tPERMISSIONS")
	for _, r := range list {
		name := r.Name
		if r.IsEveryone() {
			name = "(everyone)"
		}
		fmt.Fprintf(w, "%d\t%d\t%s\t%s\t%v\t%s\n", r.ID, r.Position, name, r.Color, r.Highlighted,
			strings.Join(r.Permissions.Names(), ","))
	}
	return w.Flush()
}
