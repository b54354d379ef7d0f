package api

import (
	"context"

	"github.com/herd-social/herd/relay"
)

// RelayAllowList is the part of federation (activitypub.Service) that administers the
// relay's allow list, in relay mode.
type RelayAllowList interface {
	RelayAllowedDomains(ctx context.Context) ([]*relay.AllowedDomain, error)
	RelayAllowDomain(ctx context.Context, domain string) (*relay.AllowedDomain, error)
	RelayDisallowDomain(ctx context.Context, domain string) error
}

// AdminRelayAllowedDomain is Herd's entity of a domain on its relay's allow list.
type AdminRelayAllowedDomain struct {
	Domain    string `json:"domain"`
	CreatedAt string `json:"created_at"`
}

// routeRelayAllowList registers the admin of the relay's allow list (a Herd
// extension), for roles with manage_federation and admin scopes; 404 when relay mode
// is off. The list is kept whether or not relay.allow_list is on.
func (s *Server) routeRelayAllowList() {
	read, write := user("admin:read"), user("admin:write")
	s.handle("GET", "/api/v1/admin/relay/allowed_domains", read, func(r *req) error {
		all, err := s.relayAllowList().RelayAllowedDomains(r.context())
		if err != nil {
			return relayError(err)
		}
		out := make([]AdminRelayAllowedDomain, 0, len(all))
		for _, a := range all {
			out = append(out, AdminRelayAllowedDomain{Domain: a.Domain, CreatedAt: datetime(a.CreatedAt)})
		}
		return r.json(out)
	})
	s.handle("POST", "/api/v1/admin/relay/allowed_domains", write, func(r *req) error {
		a, err := s.relayAllowList().RelayAllowDomain(r.context(), r.p.str("domain"))
		if err != nil {
			return relayError(err)
		}
		return r.json(AdminRelayAllowedDomain{Domain: a.Domain, CreatedAt: datetime(a.CreatedAt)})
	})
	s.handle("DELETE", "/api/v1/admin/relay/allowed_domains/{domain}", write, func(r *req) error {
		if err := s.relayAllowList().RelayDisallowDomain(r.context(), r.pathStr("domain")); err != nil {
			return relayError(err)
		}
		return r.json(map[string]any{})
	})
}

// relayAllowList is the allow list's admin, or one that has none.
func (s *Server) relayAllowList() RelayAllowList {
	if s.d.RelayAllowList == nil {
		return noRelayAllowList{}
	}
	return s.d.RelayAllowList
}

// noRelayAllowList answers for a server built without federation.
type noRelayAllowList struct{}

func (noRelayAllowList) RelayAllowedDomains(context.Context) ([]*relay.AllowedDomain, error) {
	return nil, errNoRelays
}
func (noRelayAllowList) RelayAllowDomain(context.Context, string) (*relay.AllowedDomain, error) {
	return nil, errNoRelays
}
func (noRelayAllowList) RelayDisallowDomain(context.Context, string) error { return errNoRelays }
