package activitypub

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// JRD is a WebFinger answer.
type JRD struct {
	Subject string   `json:"subject"`
	Aliases []string `json:"aliases,omitempty"`
	Links   []Link   `json:"links"`
}

// Link is one link of a JRD.
type Link struct {
	Rel      string `json:"rel"`
	Type     string `json:"type,omitempty"`
	Href     string `json:"href,omitempty"`
	Template string `json:"template,omitempty"`
}

// ErrBadResource is returned for a WebFinger resource that is not well-formed.
var ErrBadResource = errors.New("activitypub: malformed resource")

// WebFinger answers acct:user@domain, or an actor or profile URL of this server.
func (s *Service) WebFinger(ctx context.Context, resource string) (*JRD, error) {
	if len(resource) > 512 {
		return nil, ErrBadResource
	}
	username, err := s.resourceUser(resource)
	if err != nil {
		return nil, err
	}
	if username == s.opts.Domain { // the instance actor, as Mastodon answers for it
		id := s.InstanceActorURI()
		return &JRD{Subject: "acct:" + s.opts.Domain + "@" + s.opts.Domain, Aliases: []string{id}, Links: []Link{
			{Rel: "http://webfinger.net/rel/profile-page", Type: "text/html", Href: s.Base() + "/about/more?instance_actor=true"},
			{Rel: "self", Type: "application/activity+json", Href: id}}}, nil
	}
	if username == relayUsername && s.RelayEnabled() {
		id := relayActorURI(s.opts)
		return &JRD{Subject: "acct:" + relayUsername + "@" + s.opts.Domain, Aliases: []string{id}, Links: []Link{
			{Rel: "self", Type: "application/activity+json", Href: id}}}, nil
	}
	a, err := s.publicAccount(ctx, username)
	if err != nil {
		return nil, err
	}
	actor, profile := s.ActorURI(a.Username), s.ProfileURL(a.Username)
	return &JRD{Subject: "acct:" + a.Username + "@" + s.opts.Domain, Aliases: []string{profile, actor}, Links: []Link{
		{Rel: "http://webfinger.net/rel/profile-page", Type: "text/html", Href: profile},
		{Rel: "self", Type: "application/activity+json", Href: actor},
		{Rel: "http://ostatus.org/schema/1.0/subscribe", Template: s.Base() + "/authorize_interaction?uri={uri}"},
	}}, nil
}

// resourceUser extracts the local username a WebFinger resource names.
func (s *Service) resourceUser(resource string) (string, error) {
	switch {
	case strings.HasPrefix(resource, "acct:"):
		user, domain, ok := strings.Cut(strings.TrimPrefix(resource[5:], "@"), "@")
		if !ok || user == "" {
			return "", ErrBadResource
		}
		if !strings.EqualFold(domain, s.opts.Domain) {
			return "", fmt.Errorf("resource of %s: %w", domain, ErrNotFound)
		}
		return user, nil
	case strings.HasPrefix(resource, "http://"), strings.HasPrefix(resource, "https://"):
		u, err := url.Parse(resource)
		if err != nil {
			return "", ErrBadResource
		}
		if !strings.EqualFold(u.Host, s.opts.Domain) {
			return "", fmt.Errorf("resource of %s: %w", u.Host, ErrNotFound)
		}
		switch p := u.Path; {
		case strings.HasPrefix(p, "/users/") && len(p) > 7 && !strings.Contains(p[7:], "/"):
			return p[7:], nil
		case strings.HasPrefix(p, "/@") && len(p) > 2 && !strings.Contains(p[2:], "/"):
			return p[2:], nil
		case p == "/actor":
			return s.opts.Domain, nil
		case p == "/relay" && s.RelayEnabled():
			return relayUsername, nil
		}
		return "", fmt.Errorf("resource %s: %w", resource, ErrNotFound)
	case strings.Contains(resource, "@") && !strings.Contains(resource, "://"):
		return s.resourceUser("acct:" + resource)
	}
	return "", ErrBadResource
}

// HostMeta is the XRD of /.well-known/host-meta.
func (s *Service) HostMeta() string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">
  <Link rel="lrdd" template="` + s.Base() + `/.well-known/webfinger?resource={uri}"/>
</XRD>
`
}

// NodeInfoLinks is /.well-known/nodeinfo.
func (s *Service) NodeInfoLinks() map[string]any {
	return map[string]any{"links": []map[string]string{
		{"rel": "http://nodeinfo.diaspora.software/ns/schema/2.0", "href": s.Base() + "/nodeinfo/2.0"},
		{"rel": "http://nodeinfo.diaspora.software/ns/schema/2.1", "href": s.Base() + "/nodeinfo/2.1"},
	}}
}

// NodeInfo is the document of version "2.0" or "2.1".
func (s *Service) NodeInfo(ctx context.Context, version string) (map[string]any, error) {
	users, posts, err := s.accounts.InstanceCounts(ctx)
	if err != nil {
		return nil, err
	}
	open := false
	if s.opts.OpenRegistrations != nil {
		if open, err = s.opts.OpenRegistrations(ctx); err != nil {
			return nil, err
		}
	}
	software := map[string]any{"name": s.opts.Software, "version": s.opts.Version}
	if version == "2.1" {
		software["repository"] = "https://github.com/herd-social/herd"
		software["homepage"] = "https://github.com/herd-social/herd"
	}
	return map[string]any{
		"version":           version,
		"software":          software,
		"protocols":         []string{"activitypub"},
		"services":          map[string]any{"outbound": []string{}, "inbound": []string{}},
		"usage":             map[string]any{"users": map[string]int64{"total": users}, "localPosts": posts},
		"openRegistrations": open,
		"metadata":          map[string]any{"nodeName": s.opts.Title, "nodeDescription": s.opts.Description},
	}, nil
}
