package activitypub

import (
	"context"
	"net/http"
	"time"

	"github.com/herd-social/herd/account"
)

// Resolver finds remote actors: it fetches ActivityStreams documents signed by the
// instance actor, reads actor documents into remote accounts (fetch.go), and resolves
// handles through WebFinger. It needs only the outbound HTTP client, the accounts and
// the instance actor's key, so that node builds it before the status service, whose
// text formatter resolves unknown mentioned handles through it, and long before
// Service, which embeds one.
type Resolver struct {
	http     *http.Client
	accounts Accounts
	keys     *Keys
	emojis   Emojis
	opts     Options
	now      func() time.Time
	// stored, if set, hears every remote account the resolver stores (Service sets
	// it, to keep the account's pictures).
	stored func(ctx context.Context, a *account.Account)
}

// NewResolver returns the resolver of remote actors: accounts keeps what it reads,
// emojis (if not nil) the custom emoji their documents name, keys signs its fetches,
// opts.HTTP (default http.DefaultClient) makes them.
func NewResolver(accounts Accounts, keys *Keys, emojis Emojis, opts Options) *Resolver {
	if opts.HTTP == nil {
		opts.HTTP = http.DefaultClient
	}
	return &Resolver{http: opts.HTTP, accounts: accounts, keys: keys, emojis: emojis, opts: opts, now: time.Now}
}

// instanceActorURI is the id of the server's own actor.
func instanceActorURI(o Options) string { return baseURL(o) + "/actor" }
