package api

import (
	"fmt"
	"strings"

	"github.com/herd-social/herd/role"
)

// adminRoute is a group of admin routes and the privileges (any one of them) that
// Mastodon's policies require of the caller's role, on top of the OAuth scope.
type adminRoute struct {
	method string // "" for any
	path   string // a route, or its prefix up to a "/"
	need   role.Permissions
}

// adminRoutes is the one table of what each /api/v1 and /api/v2 admin route needs;
// the first row that matches a route decides. handle refuses to register an admin
// route that no row names, so a new route cannot go unguarded.
var adminRoutes = []adminRoute{
	{"DELETE", "/api/v1/admin/accounts/{id}", role.DeleteUserData},
	{"PUT", "/api/v1/admin/accounts/{id}/role", role.ManageRoles},
	{"POST", "/api/v1/admin/accounts/{id}/action", role.ManageUsers | role.ManageReports}, // suspend? and the like
	{"", "/api/v1/admin/accounts", role.ManageUsers},
	{"", "/api/v2/admin/accounts", role.ManageUsers},
	{"", "/api/v1/admin/reports", role.ManageReports},
	{"", "/api/v1/admin/domain_blocks", role.ManageFederation},
	{"", "/api/v1/admin/domain_allows", role.ManageFederation},
	{"", "/api/v1/admin/relays", role.ManageFederation},
	{"", "/api/v1/admin/relay/subscribers", role.ManageFederation},
	{"", "/api/v1/admin/relay/allowed_domains", role.ManageFederation},
	{"", "/api/v1/admin/ip_blocks", role.ManageBlocks},
	{"", "/api/v1/admin/email_domain_blocks", role.ManageBlocks},
	{"", "/api/v1/admin/canonical_email_blocks", role.ManageBlocks},
	{"", "/api/v1/admin/measures", role.ViewDashboard},
	{"", "/api/v1/admin/dimensions", role.ViewDashboard},
	{"", "/api/v1/admin/retention", role.ViewDashboard},
	{"", "/api/v1/admin/trends", role.ManageTaxonomies},
	{"", "/api/v1/admin/tags", role.ManageTaxonomies},
	{"", "/api/v1/admin/webhooks", role.ManageWebhooks},
	{"", "/api/v1/admin/rules", role.ManageRules},
	{"", "/api/v1/admin/content_rules", role.ManageRules},
	{"", "/api/v1/admin/announcements", role.ManageAnnouncements},
	{"", "/api/v1/admin/custom_emojis", role.ManageCustomEmojis},
	{"", "/api/v1/admin/roles", role.ManageRoles},
	{"", "/api/v1/admin/warning_presets", role.ManageSettings},
	{"", "/api/v1/admin/appeals", role.ManageAppeals},
	{"", "/api/v1/admin/invites", role.ManageInvites},
}

// isAdminRoute reports whether path is under the admin API.
func isAdminRoute(path string) bool {
	return strings.HasPrefix(path, "/api/v1/admin/") || strings.HasPrefix(path, "/api/v2/admin/")
}

// adminNeed is what the route method path requires; it panics for an admin route
// the table does not name (a programming error, met when the router is built).
func adminNeed(method, path string) role.Permissions {
	for _, r := range adminRoutes {
		if (r.method == "" || r.method == method) && (path == r.path || strings.HasPrefix(path, r.path+"/")) {
			return r.need
		}
	}
	panic(fmt.Sprintf("api: admin route %s %s has no row in adminRoutes", method, path))
}

// permit runs h only for a caller whose role holds one of need (and whose login is
// not disabled); it answers 403 otherwise, as Mastodon's policies. The caller's
// role is kept on the request for handlers that compare positions.
func (s *Server) permit(need role.Permissions, h handlerFunc) handlerFunc {
	return func(r *req) error {
		u, err := s.d.Accounts.User(r.context(), r.viewer)
		if err != nil {
			return err
		}
		if u.Disabled {
			return errForbidden
		}
		by, err := s.d.Roles.Of(r.context(), u.RoleID())
		if err != nil {
			return err
		}
		if !by.Has(need) {
			return errForbidden
		}
		by.Account, r.role = r.viewer, by
		return h(r)
	}
}
