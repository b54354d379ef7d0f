package activitypub

import (
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/herd-social/herd/activitypub/httpsig"
)

// Double-knocking. A request to another server is signed with the scheme that server is
// known to accept; for a server not known yet, with RFC 9421 first if one of its actors
// advertises it (FEP-844e), else with draft-cavage first, and on a 401 or
// 400 once more with RFC 9421, in Mastodon's order (mastodon/mastodon#39756: cavage
// first, since Misskey answers a GET whose signature it cannot verify with a stripped
// actor rather than an error, and GoToSocial, Akkoma and Misskey verify only cavage). The scheme that got a 2xx is remembered
// per host for knockTTL, so later requests knock once; a refusal of the remembered
// scheme makes the next refused request knock twice again.

// knockTTL is how long a host's accepted scheme is trusted before the first knock is
// tried again (a server that learns RFC 9421 is found within a day).
const knockTTL = 24 * time.Hour

// maxKnownHosts bounds the memory of schemes (a few dozen bytes a host).
const maxKnownHosts = 100_000

// firstKnock is the scheme tried first on a host not known.
const firstKnock = httpsig.Cavage

// knocks remembers, per host, the signature scheme to sign with.
type knocks struct {
	mu    sync.Mutex
	now   func() time.Time
	hosts map[string]knock
}

// knock is what is known of one host: the scheme to sign with, and whether the host
// accepted it (confirmed) or it is only the one to try.
type knock struct {
	scheme    httpsig.Scheme
	confirmed bool
	at        time.Time
}

func newKnocks(now func() time.Time) *knocks {
	return &knocks{now: now, hosts: map[string]knock{}}
}

// scheme returns the scheme to sign a request to host with.
func (k *knocks) scheme(host string) httpsig.Scheme {
	k.mu.Lock()
	defer k.mu.Unlock()
	e, ok := k.hosts[strings.ToLower(host)]
	if !ok || (e.confirmed && k.now().Sub(e.at) > knockTTL) {
		return firstKnock
	}
	return e.scheme
}

// answered records how host answered a request (method) signed with scheme and
// reports whether the request should be sent again with the other scheme: only a
// first knock (second false) that was refused with 401 or 400 by a host whose scheme
// was not confirmed. A 2xx confirms the scheme when it proves the host verified it: a
// POST (an inbox verifies every signature), or the second knock of a GET. A first
// GET's 2xx proves nothing: a server not in secure mode serves anyone.
func (k *knocks) answered(host, method string, scheme httpsig.Scheme, status int, second bool) (again bool) {
	if scheme == 0 {
		return false
	}
	host = strings.ToLower(host)
	k.mu.Lock()
	defer k.mu.Unlock()
	e, known := k.hosts[host]
	switch {
	case status >= 200 && status < 300:
		if method == http.MethodPost || second {
			k.put(host, knock{scheme: scheme, confirmed: true, at: k.now()})
		}
	case status != http.StatusUnauthorized && status != http.StatusBadRequest:
	case second:
		// Both refused: the scheme is not what failed (an unknown key, a blocked
		// actor). Try the usual order next time.
		delete(k.hosts, host)
	case known && e.confirmed && e.scheme == scheme:
		// The scheme the host accepted before is refused: the next refusal knocks twice.
		k.put(host, knock{scheme: scheme, at: k.now()})
	default:
		k.put(host, knock{scheme: scheme.Other(), at: k.now()})
		return true
	}
	return false
}

func (k *knocks) put(host string, e knock) {
	if _, ok := k.hosts[host]; !ok && len(k.hosts) >= maxKnownHosts {
		clear(k.hosts)
	}
	k.hosts[host] = e
}

// FEP-844e capability discovery: the implements entries saying that a server verifies
// RFC 9421 signatures (with RSA keys, and with Ed25519 ones), on the generator of its
// actors or on its Application actor itself. Herd advertises both on its actors, and
// signs with RFC 9421 first to a host not known whose actor advertises the first.
const (
	implementsRFC9421        = "https://datatracker.ietf.org/doc/html/rfc9421"
	implementsRFC9421Ed25519 = implementsRFC9421 + "#name-eddsa-using-curve-edwards25"
)

// Generator is the software that made an actor (FEP-844e), with what it implements.
type Generator struct {
	Type       string      `json:"type"`
	Name       string      `json:"name"`
	Implements []Implement `json:"implements"`
}

// Implement is a specification a server implements (FEP-844e).
type Implement struct {
	Name string `json:"name"`
	Href string `json:"href"`
}

// herdImplements is what Herd advertises.
var herdImplements = []Implement{
	{Name: "RFC-9421: HTTP Message Signatures", Href: implementsRFC9421},
	{Name: "RFC-9421 signatures using the Ed25519 algorithm", Href: implementsRFC9421Ed25519},
}

func herdGenerator() *Generator {
	return &Generator{Type: "Application", Name: "Herd", Implements: herdImplements}
}

// advertises9421 reports whether an actor document says its server verifies RFC 9421
// signatures: an implements entry (the IRI, or an object with it as href or id) of
// its generator or of itself.
func advertises9421(doc map[string]any) bool {
	lists := []any{doc["implements"]}
	if g, ok := doc["generator"].(map[string]any); ok {
		lists = append(lists, g["implements"])
	}
	for _, l := range lists {
		for _, e := range asList(l) {
			m, _ := e.(map[string]any)
			if e == implementsRFC9421 || str2(m, "href") == implementsRFC9421 || str2(m, "id") == implementsRFC9421 {
				return true
			}
		}
	}
	return false
}

// advertised records that host advertises RFC 9421: unless its scheme is known, the
// first knock on it is RFC 9421 (and draft-cavage the second, if refused).
func (k *knocks) advertised(host string) {
	host = strings.ToLower(host)
	k.mu.Lock()
	defer k.mu.Unlock()
	if e, ok := k.hosts[host]; !ok || (e.confirmed && k.now().Sub(e.at) > knockTTL) {
		k.put(host, knock{scheme: httpsig.RFC9421, at: k.now()})
	}
}
