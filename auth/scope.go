package auth

import (
	"fmt"
	"slices"
	"strings"
)

var topScopes = []string{"read", "write", "push", "profile", "follow", "admin:read", "admin:write"}

var childScopes = map[string][]string{
	"read": {"accounts", "blocks", "bookmarks", "collections", "favourites", "filters", "follows", "lists", "mutes",
		"notifications", "search", "statuses"},
	"write": {"accounts", "blocks", "bookmarks", "collections", "conversations", "favourites", "filters", "follows", "lists",
		"media", "mutes", "notifications", "reports", "statuses"},
	"admin:read":  {"accounts", "reports", "domain_allows", "domain_blocks", "ip_blocks", "email_domain_blocks", "canonical_email_blocks"},
	"admin:write": {"accounts", "reports", "domain_allows", "domain_blocks", "ip_blocks", "email_domain_blocks", "canonical_email_blocks"},
}

// followGrants is what the deprecated `follow` scope still grants.
var followGrants = []string{"read:blocks", "write:blocks", "read:follows", "write:follows", "read:mutes", "write:mutes"}

// Known reports whether s is a scope Mastodon defines.
func Known(s string) bool {
	if slices.Contains(topScopes, s) {
		return true
	}
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return false
	}
	return slices.Contains(childScopes[s[:i]], s[i+1:])
}

// ParseScopes reads a space- or plus-separated scope list; empty means "read".
func ParseScopes(s string) ([]string, error) {
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '+' || r == ',' })
	if len(fields) == 0 {
		return []string{"read"}, nil
	}
	out := make([]string, 0, len(fields))
	for _, f := range fields {
		if !Known(f) {
			return nil, fmt.Errorf("%w: %q", ErrInvalidScope, f)
		}
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out, nil
}

// Grants reports whether the held scopes allow need. A parent grants its children,
// and `follow` grants what it did before it was deprecated.
func Grants(held []string, need string) bool {
	for _, h := range held {
		switch {
		case h == need:
			return true
		case strings.HasPrefix(need, h+":") && Known(h) && slices.Contains(topScopes, h):
			return true
		case h == "follow" && slices.Contains(followGrants, need):
			return true
		}
	}
	return false
}

// Subset reports whether every requested scope is granted by allowed.
func Subset(requested, allowed []string) bool {
	for _, r := range requested {
		if !Grants(allowed, r) {
			return false
		}
	}
	return true
}

// AllScopes lists every scope, parents first.
func AllScopes() []string {
	out := append([]string(nil), topScopes...)
	for _, top := range topScopes {
		for _, c := range childScopes[top] {
			out = append(out, top+":"+c)
		}
	}
	return out
}
