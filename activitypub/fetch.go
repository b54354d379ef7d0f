package activitypub

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/activitypub/httpsig"
	"github.com/herd-social/herd/text"
)

// acceptAP is the Accept header of fetches, as Mastodon sends it.
const acceptAP = `application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"`

// maxFetch caps fetched documents, as Mastodon does.
const maxFetch = 1 << 20

// actorTTL is how long a fetched actor is trusted before it is fetched again.
const actorTTL = 24 * time.Hour

// Fetch GETs an ActivityStreams document, signed by the instance actor.
func (s *Resolver) Fetch(ctx context.Context, uri string) (map[string]any, error) {
	doc, alt, err := s.fetchOrPage(ctx, uri)
	if err == nil && doc == nil {
		return nil, fmt.Errorf("%w: %s is a web page (its document is %s)", ErrFetch, uri, alt)
	}
	return doc, err
}

// fetchOrPage is Fetch that also returns the rel="alternate" ActivityStreams link of an
// HTML page served instead of a document (with a nil document and no error).
func (s *Resolver) fetchOrPage(ctx context.Context, uri string) (map[string]any, string, error) {
	u, err := url.Parse(uri)
	if err != nil || u.Host == "" {
		return nil, "", fmt.Errorf("%w: bad URL %q", ErrFetch, uri)
	}
	if err := checkScheme(u, s.opts.Client.AllowHTTP); err != nil {
		return nil, "", err
	}
	if s.remoteURL(uri) == "" {
		return nil, "", fmt.Errorf("%w: bad URL %q", ErrFetch, uri)
	}
	resp, err := s.signedGet(ctx, uri, 0)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	body, err := readBody(resp.Body, maxFetch)
	if err != nil {
		return nil, "", fmt.Errorf("%w: %s: %v", ErrFetch, uri, err)
	}
	if resp.StatusCode == 404 || resp.StatusCode == 410 {
		return nil, "", fmt.Errorf("%s: %w", uri, ErrNotFound)
	}
	if resp.StatusCode != 200 {
		return nil, "", fmt.Errorf("%w: %s answered %d", ErrFetch, uri, resp.StatusCode)
	}
	doc, err := decodeDocument(body)
	if err != nil {
		if alt := alternateLink(resp.Header.Get("Content-Type"), body); alt != "" {
			return nil, alt, nil
		}
		return nil, "", fmt.Errorf("%w: %s is not JSON: %v", ErrFetch, uri, err)
	}
	return doc, "", nil
}

// signedGet GETs uri signed by the instance actor, with the scheme its host is known
// to accept, and knocks a second time with the other scheme when the first is refused
// (knock.go). again is zero for the first knock, the scheme of the second otherwise.
func (s *Resolver) signedGet(ctx context.Context, uri string, again httpsig.Scheme) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", uri, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFetch, err)
	}
	req.Header.Set("Accept", acceptAP)
	req.Header.Set("User-Agent", userAgent(s.opts))
	key, err := s.keys.PrivateKey(ctx, 0)
	if err != nil {
		return nil, err
	}
	scheme := again
	if scheme == 0 {
		scheme = s.keys.knocks.scheme(req.URL.Host)
	}
	if err := httpsig.SignWith(scheme, req, nil, instanceActorURI(s.opts)+"#main-key", key, s.now()); err != nil {
		return nil, fmt.Errorf("sign fetch of %s: %w", uri, err)
	}
	resp, err := s.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrFetch, uri, err)
	}
	if !s.keys.Answered(req, resp.StatusCode, again != 0) || again != 0 {
		return resp, nil
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, maxFetch)) // for connection reuse
	resp.Body.Close()
	return s.signedGet(ctx, uri, scheme.Other())
}

// userAgent names Herd in outgoing requests.
func userAgent(o Options) string {
	return "Herd/" + o.Version + " (+" + baseURL(o) + "/)"
}

// RemoteAccount returns the account of a remote actor id, fetching the actor when it is
// unknown or stale (refresh forces a fetch, as after a failed signature check).
func (s *Resolver) RemoteAccount(ctx context.Context, uri string, refresh bool) (*account.Account, error) {
	uri = strings.TrimSuffix(uri, "#main-key")
	if i := strings.IndexByte(uri, '#'); i >= 0 {
		uri = uri[:i]
	}
	if s.isLocal(uri) {
		return nil, fmt.Errorf("%s is local: %w", uri, ErrNotFound)
	}
	known, err := s.accounts.ByURI(ctx, uri)
	if err == nil && !refresh && s.now().Sub(known.FetchedAt) < actorTTL {
		return known, nil
	}
	if err != nil && !errors.Is(err, account.ErrNotFound) {
		return nil, err
	}
	doc, ferr := s.Fetch(ctx, uri)
	if ferr != nil {
		if known != nil { // keep serving what we knew
			return known, nil
		}
		return nil, ferr
	}
	return s.recordActor(ctx, uri, doc)
}

// recordActor reads a fetched actor document (from uri) and keeps it as a remote
// account, with the custom emoji it names.
func (s *Resolver) recordActor(ctx context.Context, uri string, doc map[string]any) (*account.Account, error) {
	a, err := s.parseActor(uri, doc)
	if err != nil {
		return nil, err
	}
	rejected, err := s.mediaRejected(ctx, a.Domain)
	if err != nil {
		return nil, err
	}
	if rejected {
		a.AvatarURL, a.HeaderURL = "", ""
	}
	if err := s.recordEmoji(ctx, a.Domain, doc["tag"]); err != nil {
		return nil, err
	}
	if s.keys != nil && advertises9421(doc) {
		s.keys.knocks.advertised(hostOf(a.URI))
	}
	stored, err := s.accounts.UpsertRemote(ctx, a)
	if err == nil && s.stored != nil {
		s.stored(ctx, stored)
	}
	return stored, err
}

// mediaRejected reports whether moderators blocked the media of a domain
// (Options.RejectMedia).
func (s *Resolver) mediaRejected(ctx context.Context, domain string) (bool, error) {
	if s.opts.RejectMedia == nil || domain == "" {
		return false, nil
	}
	rejected, err := s.opts.RejectMedia(ctx, domain)
	if err != nil {
		return false, fmt.Errorf("media policy of %s: %w", domain, err)
	}
	return rejected, nil
}

// isLocal reports whether a URI belongs to this server.
func (s *Resolver) isLocal(uri string) bool {
	u, err := url.Parse(uri)
	return err == nil && strings.EqualFold(u.Host, s.opts.Domain)
}

// parseActor reads what Mastodon needs from an actor document. Every URL in it goes
// through remoteURL: the actor is refused without a usable id and inbox, and any
// other link that fails is left out.
func (s *Resolver) parseActor(uri string, doc map[string]any) (*account.Account, error) {
	id := s.remoteURL(str2(doc, "id"))
	u, err := url.Parse(id)
	if err != nil || id == "" {
		return nil, fmt.Errorf("%w: actor %s has no usable id", ErrInvalid, uri)
	}
	if src, _ := url.Parse(uri); src == nil || !strings.EqualFold(src.Host, u.Host) {
		return nil, fmt.Errorf("%w: actor id %s is not on the host of %s", ErrInvalid, id, uri)
	}
	typ, _ := doc["type"].(string)
	switch typ {
	case "Person", "Service", "Application", "Group", "Organization":
	default:
		return nil, fmt.Errorf("%w: %s is a %q, not an actor", ErrInvalid, id, typ)
	}
	username, _ := doc["preferredUsername"].(string)
	if username != "" && (len(username) > maxRemoteUsername || !validRemoteUsername(username, typ)) {
		return nil, fmt.Errorf("%w: actor %s has an invalid preferredUsername", ErrInvalid, id)
	}
	inbox := s.remoteURL(str2(doc, "inbox"))
	if username == "" || inbox == "" {
		return nil, fmt.Errorf("%w: actor %s lacks preferredUsername or inbox", ErrInvalid, id)
	}
	key, err := accountKey(id, doc)
	if err != nil {
		return nil, err
	}
	a := &account.Account{URI: id, Username: username, Domain: strings.ToLower(u.Host), InboxURL: inbox,
		DisplayName: cutBytes(str2(doc, "name"), maxRemoteDisplayName),
		Note:        text.SanitizeRemote(cutBytes(str2(doc, "summary"), maxRemoteNote)),
		Locked:      doc["manuallyApprovesFollowers"] == true, Bot: typ == "Service" || typ == "Application",
		Discoverable: doc["discoverable"] == true, Indexable: doc["indexable"] == true, Suspended: doc["suspended"] == true,
		PublicKeyPEM: key.pem, ActorType: typ, FetchedAt: s.now().UTC()}
	s.actorLinks(a, doc)
	a.PublicKeyID = s.remoteURL(key.id)
	if t, err := time.Parse(time.RFC3339, str2(doc, "published")); err == nil {
		a.CreatedAt = t.UTC()
	}
	for _, f := range asList(doc["attachment"]) {
		if m, ok := f.(map[string]any); ok && m["type"] == "PropertyValue" && len(a.Fields) < maxRemoteFields {
			a.Fields = append(a.Fields, account.Field{Name: cutBytes(str2(m, "name"), maxRemoteDisplayName),
				Value: text.SanitizeRemote(cutBytes(str2(m, "value"), maxRemoteNote))})
		}
	}
	return a, nil
}

// What Herd keeps of a remote actor: Mastodon's hard limits for federated accounts
// (Account::USERNAME_LENGTH_HARD_LIMIT and its kin), and a bound of Herd's own on
// profile fields, which Mastodon leaves to the 1 MiB document cap.
const (
	maxRemoteUsername    = 2048     // bytes; a longer one refuses the actor
	maxRemoteDisplayName = 2048     // bytes, cut on a character boundary
	maxRemoteNote        = 20 << 10 // bytes of the summary (and of a field value) before sanitising
	maxAlsoKnownAs       = 256
	maxRemoteFields      = 50
)

// remoteUsernameRE is Account::USERNAME_ONLY_RE, which Mastodon requires of remote
// usernames: no "@", "/" or spaces that would make a handle mean something else.
var remoteUsernameRE = regexp.MustCompile(`(?i)^[a-z0-9_]+([.-]+[a-z0-9_]+)*$`)

// validRemoteUsername applies remoteUsernameRE; an instance actor (an Application)
// is named after its domain, which may carry a port.
func validRemoteUsername(name, actorType string) bool {
	if actorType == "Application" {
		if host, port, ok := strings.Cut(name, ":"); ok && port != "" && strings.Trim(port, "0123456789") == "" {
			name = host
		}
	}
	return remoteUsernameRE.MatchString(name)
}

// cutBytes cuts s to at most n bytes, on a character boundary.
func cutBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// actorLinks fills the URLs of an account from its actor document, each
// through remoteURL; the profile page defaults to the actor id.
func (s *Resolver) actorLinks(a *account.Account, doc map[string]any) {
	a.URL = s.remoteURL(linkOf(doc["url"]))
	if a.URL == "" {
		a.URL = a.URI
	}
	a.AvatarURL, a.HeaderURL = s.remoteURL(linkOf(doc["icon"])), s.remoteURL(linkOf(doc["image"]))
	a.AvatarDescription = cutBytes(pictureName(doc["icon"]), account.MaxPictureDescription)
	a.HeaderDescription = cutBytes(pictureName(doc["image"]), account.MaxPictureDescription)
	a.AttributionDomains, _ = account.AttributionDomains(asStrings(doc["attributionDomains"]))
	if len(a.AttributionDomains) > account.MaxAttributionDomains {
		a.AttributionDomains = a.AttributionDomains[:account.MaxAttributionDomains]
	}
	a.OutboxURL, a.FollowersURL = s.remoteURL(str2(doc, "outbox")), s.remoteURL(str2(doc, "followers"))
	a.FollowingURL, a.FeaturedURL = s.remoteURL(str2(doc, "following")), s.remoteURL(str2(doc, "featured"))
	a.FeaturedTagsURL = s.remoteURL(str2(doc, "featuredTags"))
	a.AlsoKnownAs = s.remoteURLs(asStrings(doc["alsoKnownAs"]))
	if len(a.AlsoKnownAs) > maxAlsoKnownAs {
		a.AlsoKnownAs = a.AlsoKnownAs[:maxAlsoKnownAs]
	}
	a.MovedToURI = s.remoteURL(idAny(doc["movedTo"]))
	if eps, ok := doc["endpoints"].(map[string]any); ok {
		a.SharedInboxURL = s.remoteURL(str2(eps, "sharedInbox"))
	}
}

// pictureName is the alt text of an actor's icon or image: the name of the Image
// object (of the first, when there are several).
func pictureName(v any) string {
	if l, ok := v.([]any); ok && len(l) > 0 {
		v = l[0]
	}
	m, _ := v.(map[string]any)
	return str2(m, "name")
}

// remoteURL is a URL taken from another server's document: kept when it is an
// absolute https URL, or http where federation over http is allowed, and "" otherwise
// (text.CleanURL). Every URL Herd stores from a remote document passes here.
func (s *Resolver) remoteURL(raw string) string {
	return text.CleanURL(raw, s.opts.Client.AllowHTTP)
}

// remoteURLs keeps the URLs of a list that pass remoteURL.
func (s *Resolver) remoteURLs(raws []string) []string {
	var out []string
	for _, r := range raws {
		if u := s.remoteURL(r); u != "" {
			out = append(out, u)
		}
	}
	return out
}

// ErrInvalid is returned for documents that break the rules Mastodon enforces.
var ErrInvalid = errors.New("activitypub: invalid document")

func str2(m map[string]any, k string) string {
	v, _ := m[k].(string)
	return v
}

// linkOf reads a URL given as a string, a Link or Image object, or a list of them.
func linkOf(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case map[string]any:
		if h, ok := t["href"].(string); ok {
			return h
		}
		return linkOf(t["url"])
	case []any:
		if len(t) > 0 {
			return linkOf(t[0])
		}
	}
	return ""
}

// asList reads a value that may be one item or a list.
func asList(v any) []any {
	switch t := v.(type) {
	case nil:
		return nil
	case []any:
		return t
	}
	return []any{v}
}

// ResolveAcct finds a remote account by handle through WebFinger.
func (s *Resolver) ResolveAcct(ctx context.Context, username, domain string) (*account.Account, error) {
	if a, err := s.accounts.Lookup(ctx, username, domain); err == nil && s.now().Sub(a.FetchedAt) < actorTTL {
		return a, nil
	}
	q := "/.well-known/webfinger?" + url.Values{"resource": {"acct:" + username + "@" + domain}}.Encode()
	doc, err := s.getJSON(ctx, "https://"+domain+q)
	if err != nil && s.opts.Client.AllowHTTP && !errors.Is(err, ErrNotFound) {
		doc, err = s.getJSON(ctx, "http://"+domain+q)
	}
	if err != nil {
		return nil, err
	}
	for _, l := range asList(doc["links"]) {
		m, _ := l.(map[string]any)
		if m["rel"] == "self" && strings.Contains(str2(m, "type"), "json") && str2(m, "href") != "" {
			return s.RemoteAccount(ctx, str2(m, "href"), true)
		}
	}
	return nil, fmt.Errorf("webfinger of %s@%s has no actor link: %w", username, domain, ErrNotFound)
}

// getJSON is an unsigned GET of a JSON document (WebFinger).
func (s *Resolver) getJSON(ctx context.Context, uri string) (map[string]any, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", uri, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFetch, err)
	}
	req.Header.Set("Accept", "application/jrd+json, application/json")
	req.Header.Set("User-Agent", userAgent(s.opts))
	resp, err := s.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrFetch, uri, err)
	}
	defer resp.Body.Close()
	body, err := readBody(resp.Body, maxFetch)
	if err != nil || resp.StatusCode != 200 {
		if resp.StatusCode == 404 {
			return nil, fmt.Errorf("%s: %w", uri, ErrNotFound)
		}
		return nil, fmt.Errorf("%w: %s answered %d", ErrFetch, uri, resp.StatusCode)
	}
	doc, err := decodeDocument(body)
	if err != nil {
		return nil, fmt.Errorf("%w: %s is not JSON", ErrFetch, uri)
	}
	return doc, nil
}
