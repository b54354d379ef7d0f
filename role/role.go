// Package role owns staff roles, as Mastodon's UserRole: the built-in everyone role
// (id -99, whose permissions every user has), the built-in Moderator, Admin and Owner,
// and roles an admin defines, each with a name, a colour, a position, whether it is
// shown as a badge, and a bitmask of permissions (Mastodon's bit values). It computes
// what a role may do and whether one role may create, change or hand out another
// (only roles below its own position), and gives users roles through a small
// interface (package account keeps each user's role id), writing every change to the
// moderators' audit log when given one. It must not know HTTP (package api maps
// routes to permissions) nor engines.
package role

import (
	"fmt"
	"math/bits"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Permissions is a bitmask of privileges, with Mastodon's bit values.
type Permissions uint64

// The privileges, as Mastodon's UserRole::FLAGS.
const (
	Administrator Permissions = 1 << iota
	ViewDevops
	ViewAuditLog
	ViewDashboard
	ManageReports
	ManageFederation
	ManageSettings
	ManageBlocks
	ManageTaxonomies
	ManageAppeals
	ManageUsers
	ManageInvites
	ManageRules
	ManageAnnouncements
	ManageCustomEmojis
	ManageWebhooks
	InviteUsers
	ManageRoles
	ManageUserAccess
	DeleteUserData

	// None is no privilege; All every one (1048575).
	None Permissions = 0
	All  Permissions = DeleteUserData<<1 - 1
	// Default is what the everyone role starts with and all it may hold.
	Default = InviteUsers
)

// names are the privileges' names in bit order, as Mastodon's.
var names = []string{"administrator", "view_devops", "view_audit_log", "view_dashboard", "manage_reports",
	"manage_federation", "manage_settings", "manage_blocks", "manage_taxonomies", "manage_appeals",
	"manage_users", "manage_invites", "manage_rules", "manage_announcements", "manage_custom_emojis",
	"manage_webhooks", "invite_users", "manage_roles", "manage_user_access", "delete_user_data"}

// Names lists the privileges in p by name.
func (p Permissions) Names() []string {
	var out []string
	for i, n := range names {
		if p&(1<<i) != 0 {
			out = append(out, n)
		}
	}
	return out
}

// String is p in decimal, as Mastodon renders a role's permissions.
func (p Permissions) String() string { return strconv.FormatUint(uint64(p), 10) }

// ParsePermissions reads a bitmask in decimal or a comma-separated list of names
// ("manage_reports,manage_rules"); "" is None.
func ParsePermissions(s string) (Permissions, error) {
	if s = strings.TrimSpace(s); s == "" {
		return None, nil
	}
	if n, err := strconv.ParseUint(s, 10, 64); err == nil {
		if Permissions(n)&^All != 0 {
			return 0, invalid("Permissions has unknown bits in %d", n)
		}
		return Permissions(n), nil
	}
	var p Permissions
	for _, n := range strings.Split(s, ",") {
		i := slices.Index(names, strings.TrimSpace(n))
		if i < 0 {
			return 0, invalid("Permissions has an unknown privilege %q", n)
		}
		p |= 1 << i
	}
	return p, nil
}

// Ids of the built-in roles, as Mastodon's seeded rows.
const (
	Everyone  int64 = -99
	Moderator int64 = 1
	Admin     int64 = 2
	Owner     int64 = 3
)

// Role is a staff role.
type Role struct {
	ID          int64       `cbor:"1,keyasint"`
	Name        string      `cbor:"2,keyasint,omitempty"`
	Color       string      `cbor:"3,keyasint,omitempty"`
	Position    int         `cbor:"4,keyasint"`
	Permissions Permissions `cbor:"5,keyasint,omitempty"`
	Highlighted bool        `cbor:"6,keyasint,omitempty"`
	CreatedAt   time.Time   `cbor:"7,keyasint,omitempty"`
	UpdatedAt   time.Time   `cbor:"8,keyasint,omitempty"`
}

// IsEveryone reports whether r is the everyone role.
func (r *Role) IsEveryone() bool { return r.ID == Everyone }

// BuiltIn reports whether r is one of the roles every instance has.
func (r *Role) BuiltIn() bool { return r.ID == Everyone || (r.ID >= Moderator && r.ID <= Owner) }

// builtIns are the roles as an instance starts with them (Mastodon's config/roles.yml).
func builtIns() []*Role {
	mod := InviteUsers | ViewDashboard | ViewAuditLog | ManageUsers | ManageReports | ManageTaxonomies
	admin := mod | ManageUserAccess | DeleteUserData | ManageFederation | ManageSettings | ManageBlocks |
		ManageAppeals | ManageRules | ManageInvites | ManageAnnouncements | ManageCustomEmojis | ManageWebhooks | ManageRoles
	return []*Role{
		{ID: Everyone, Position: -1, Permissions: Default},
		{ID: Moderator, Name: "Moderator", Position: 10, Permissions: mod, Highlighted: true},
		{ID: Admin, Name: "Admin", Position: 100, Permissions: admin, Highlighted: true},
		{ID: Owner, Name: "Owner", Position: 1000, Permissions: Administrator, Highlighted: true},
	}
}

// Computed is what a holder of r may do: its own permissions and the everyone role's,
// or all of them when it has Administrator.
func (r *Role) Computed(everyone Permissions) Permissions {
	if r.IsEveryone() {
		return r.Permissions
	}
	p := r.Permissions | everyone
	if p&Administrator != 0 {
		return All
	}
	return p
}

// Overrides reports whether r stands above other (a moderator may act only on
// people whose role is below theirs).
func (r *Role) Overrides(other *Role) bool { return other == nil || r.Position > other.Position }

// Count is the number of privileges in p.
func (p Permissions) Count() int { return bits.OnesCount64(uint64(p)) }

// Validation is a refused change, with the message people see.
type Validation struct{ Msg string }

func (v *Validation) Error() string { return "Validation failed: " + v.Msg }

func invalid(format string, args ...any) error {
	return &Validation{Msg: fmt.Sprintf(format, args...)}
}

// colorRE is the shape of a colour, as Mastodon's validation: #rgb or #rrggbb.
var colorRE = regexp.MustCompile(`^#?(?:[A-Fa-f0-9]{3}){1,2}$`)

// MaxName bounds a role's name.
const MaxName = 100

func (r *Role) validate() error {
	switch {
	case r.Name == "" && !r.IsEveryone():
		return invalid("Name can't be blank")
	case len(r.Name) > MaxName:
		return invalid("Name is too long (maximum is %d characters)", MaxName)
	case r.Color != "" && !colorRE.MatchString(r.Color):
		return invalid("Color is invalid")
	case r.Permissions&^All != 0:
		return invalid("Permissions has unknown bits")
	case r.IsEveryone() && r.Permissions&^Default != 0:
		return invalid("Permissions are dangerous for the base role")
	}
	return nil
}
