package openapi

import "testing"

func TestMatch(t *testing.T) {
	v := validator(t)
	tests := []struct {
		path, want string // want "" means no route
	}{
		{"/api/v1/accounts/109", "/api/v1/accounts/{id}"},
		{"/api/v1/accounts/verify_credentials", "/api/v1/accounts/verify_credentials"},
		{"/api/v1/accounts/relationships?id[]=1&id[]=2", "/api/v1/accounts/relationships"},
		{"/api/v1/accounts/109/statuses?limit=5&exclude_replies=true", "/api/v1/accounts/{id}/statuses"},
		{"/api/v1/statuses/110/context", "/api/v1/statuses/{id}/context"},
		{"/api/v1/statuses/110/context/", "/api/v1/statuses/{id}/context"},
		{"/api/v1/statuses/110/context#top", "/api/v1/statuses/{id}/context"},
		{"/api/v1/notifications/requests/merged", "/api/v1/notifications/requests/merged"},
		{"/api/v1/notifications/requests/7", "/api/v1/notifications/requests/{id}"},
		{"/api/v1/notifications/7/dismiss", "/api/v1/notifications/{id}/dismiss"},
		{"/api/v1/tags/caf%C3%A9", "/api/v1/tags/{name}"},
		{"/api/v1/timelines/tag/herd?local=true", "/api/v1/timelines/tag/{hashtag}"},
		{"/api/v2/filters/keywords/3", "/api/v2/filters/keywords/{id}"},
		{"/api/v2/filters/3/keywords", "/api/v2/filters/{filter_id}/keywords"},
		{"http://127.0.0.1:8080/api/v1/instance?x=1", "/api/v1/instance"},
		{"/api/v1/instance", "/api/v1/instance"},
		{"/api/v1/instance/", "/api/v1/instance"},
		{"/oauth/token", "/oauth/token"},
		{"/.well-known/oauth-authorization-server", "/.well-known/oauth-authorization-server"},
		{"/api/v1/accounts/", "/api/v1/accounts"},
		{"/api/v1/statuses/110/nonsense", ""},
		{"/api/v1", ""},
		{"/", ""},
		{"", ""},
		{"/users/alice", ""},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			got := ""
			if rt := v.router.match(tt.path); rt != nil {
				got = rt.template
			}
			if got != tt.want {
				t.Fatalf("match(%q) = %q, want %q", tt.path, got, tt.want)
			}
		})
	}
}

func TestRoutePrecedence(t *testing.T) {
	routes := []*route{
		{template: "/a/{x}/{y}"},
		{template: "/a/{x}/c"},
		{template: "/a/b/{y}"},
		{template: "/a/{x}.json/c"},
		{template: "/a/b/c"},
	}
	for _, rt := range routes {
		rt.segs = splitPath(rt.template)
	}
	r := newRouter(routes)
	tests := []struct{ path, want string }{
		{"/a/b/c", "/a/b/c"},
		{"/a/b/z", "/a/b/{y}"},
		{"/a/z/c", "/a/{x}/c"},
		{"/a/z.json/c", "/a/{x}.json/c"},
		{"/a/.json/c", "/a/{x}/c"}, // a parameter matches at least one character
		{"/a/z/z", "/a/{x}/{y}"},
		{"/a/z", ""},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			got := ""
			if rt := r.match(tt.path); rt != nil {
				got = rt.template
			}
			if got != tt.want {
				t.Fatalf("match(%q) = %q, want %q", tt.path, got, tt.want)
			}
		})
	}
}

func TestEscapeToken(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/api/v1/accounts/{id}", "~1api~1v1~1accounts~1%7Bid%7D"},
		{"application/json", "application~1json"},
		{"a~b", "a~0b"},
		{"200", "200"},
	}
	for _, tt := range tests {
		if got := escapeToken(tt.in); got != tt.want {
			t.Errorf("escapeToken(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
