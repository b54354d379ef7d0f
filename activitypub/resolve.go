package activitypub

import (
	"bytes"
	"context"
	"fmt"
	"mime"
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
)

// ResolveURL finds the account or status a URL names, as a search with resolve does:
// this server's actor ids, statuses and web pages (/@name, /@name/id) from the store;
// any other server's (with fetch) by a signed GET asking for ActivityStreams, which,
// when a web page answers, follows its <link rel="alternate"
// type="application/activity+json">, once. The document found is then taken by its
// own id (an actor, or a status fetched from its origin), so that no page can speak
// for another server. One of the two results is set when the error is nil.
func (s *Service) ResolveURL(ctx context.Context, uri string, fetch bool) (*account.Account, *status.Status, error) {
	if s.isLocal(uri) {
		return s.localURL(ctx, uri)
	}
	if !fetch {
		return nil, nil, fmt.Errorf("%s: %w", uri, ErrNotFound)
	}
	doc, alt, err := s.fetchOrPage(ctx, uri)
	if err != nil {
		return nil, nil, err
	}
	if doc == nil {
		next, err := url.Parse(uri)
		if err == nil {
			next, err = next.Parse(alt)
		}
		if err != nil {
			return nil, nil, fmt.Errorf("%w: alternate link %q of %s", ErrInvalid, alt, uri)
		}
		if doc, err = s.Fetch(ctx, next.String()); err != nil {
			return nil, nil, err
		}
	}
	id := idAny(doc)
	if id == "" {
		return nil, nil, fmt.Errorf("%w: %s has no id", ErrInvalid, uri)
	}
	switch doc["type"] {
	case "Person", "Service", "Application", "Group", "Organization":
		a, err := s.RemoteAccount(ctx, id, false)
		return a, nil, err
	}
	st, err := s.ResolveStatus(ctx, id)
	return nil, st, err
}

// localURL finds the local account or status of one of this server's URLs.
func (s *Service) localURL(ctx context.Context, uri string) (*account.Account, *status.Status, error) {
	base := s.Base()
	var name, id string
	switch {
	case strings.HasPrefix(uri, base+"/users/"):
		name, id, _ = strings.Cut(uri[len(base+"/users/"):], "/statuses/")
	case strings.HasPrefix(uri, base+"/@"):
		name, id, _ = strings.Cut(uri[len(base+"/@"):], "/")
	default:
		return nil, nil, fmt.Errorf("%s: %w", uri, ErrNotFound)
	}
	if name, _ = url.PathUnescape(name); name == "" || strings.Contains(name, "/") {
		return nil, nil, fmt.Errorf("%s: %w", uri, ErrNotFound)
	}
	a, err := s.localAccount(ctx, name)
	if err != nil || id == "" {
		return a, nil, err
	}
	sid, err := shard.Parse(id)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", uri, ErrNotFound)
	}
	st, err := s.statuses.Get(ctx, sid)
	if err != nil {
		return nil, nil, err
	}
	if st.AccountID != a.ID {
		return nil, nil, fmt.Errorf("%s is not a status of %s: %w", uri, name, ErrNotFound)
	}
	return nil, st, nil
}

// alternateLink is the href of the first <link rel="alternate"> to an ActivityStreams
// document in an HTML page, or "".
func alternateLink(contentType string, body []byte) string {
	if mt, _, _ := mime.ParseMediaType(contentType); mt != "text/html" {
		return ""
	}
	z := html.NewTokenizer(bytes.NewReader(body))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return ""
		case html.StartTagToken, html.SelfClosingTagToken:
			t := z.Token()
			if t.DataAtom == atom.Body {
				return ""
			}
			if t.DataAtom != atom.Link {
				continue
			}
			var rel, typ, href string
			for _, a := range t.Attr {
				switch strings.ToLower(a.Key) {
				case "rel":
					rel = strings.ToLower(a.Val)
				case "type":
					typ = strings.ToLower(a.Val)
				case "href":
					href = a.Val
				}
			}
			if href != "" && strings.Contains(" "+rel+" ", " alternate ") &&
				(strings.HasPrefix(typ, "application/activity+json") || strings.HasPrefix(typ, "application/ld+json")) {
				return href
			}
		}
	}
}
