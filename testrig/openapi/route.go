package openapi

import (
	"cmp"
	"net/url"
	"slices"
	"strings"
)

// route is one path template of the description with the operations declared on it.
type route struct {
	template string
	segs     []string
	ops      map[string]*operation // by upper-case method
}

// router finds the route for a request path. Routes are kept per segment count, most
// specific first, so the first match wins.
type router struct {
	bySegs map[int][]*route
}

func newRouter(routes []*route) router {
	r := router{bySegs: make(map[int][]*route)}
	for _, rt := range routes {
		n := len(rt.segs)
		r.bySegs[n] = append(r.bySegs[n], rt)
	}
	for _, list := range r.bySegs {
		slices.SortFunc(list, compareRoutes)
	}
	return r
}

// match returns the most specific route whose template matches path, or nil. As
// OpenAPI says, paths are matched before methods: a literal template that matches wins
// even when it lacks the request's method.
func (r router) match(path string) *route {
	segs := splitPath(path)
	for _, rt := range r.bySegs[len(segs)] {
		if rt.matches(segs) {
			return rt
		}
	}
	return nil
}

func (rt *route) matches(segs []string) bool {
	for i, tmpl := range rt.segs {
		if !segmentMatches(tmpl, segs[i]) {
			return false
		}
	}
	return true
}

// splitPath turns a request path as sent into its segments: a scheme and host, a query
// string, a fragment and trailing slashes are ignored.
func splitPath(p string) []string {
	if strings.HasPrefix(p, "http://") || strings.HasPrefix(p, "https://") {
		if u, err := url.Parse(p); err == nil {
			p = u.EscapedPath()
		}
	}
	if i := strings.IndexAny(p, "?#"); i >= 0 {
		p = p[:i]
	}
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

// segmentMatches reports whether one segment of a request path fits one segment of a
// template: literally, or through a parameter, which may have literal text around it
// ("{id}" or "{name}.json") and matches one or more characters.
func segmentMatches(tmpl, seg string) bool {
	open := strings.IndexByte(tmpl, '{')
	if open < 0 {
		return tmpl == seg
	}
	end := strings.LastIndexByte(tmpl, '}')
	if end < open {
		return tmpl == seg
	}
	prefix, suffix := tmpl[:open], tmpl[end+1:]
	return len(seg) > len(prefix)+len(suffix) &&
		strings.HasPrefix(seg, prefix) && strings.HasSuffix(seg, suffix)
}

// specificity ranks a template segment: a literal beats a parameter with literal text
// around it, which beats a bare parameter.
func specificity(seg string) int {
	open := strings.IndexByte(seg, '{')
	switch {
	case open < 0:
		return 2
	case open == 0 && strings.HasSuffix(seg, "}"):
		return 0
	default:
		return 1
	}
}

// compareRoutes orders routes of the same length most specific first: at the first
// segment where they differ in kind, the more literal one wins; the template text breaks
// ties so the order never depends on map iteration.
func compareRoutes(a, b *route) int {
	for i := range min(len(a.segs), len(b.segs)) {
		if c := cmp.Compare(specificity(b.segs[i]), specificity(a.segs[i])); c != 0 {
			return c
		}
	}
	return cmp.Compare(a.template, b.template)
}
