package status

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/text"
)

// Lookup is the part of the account service that resolves typed mentions.
type Lookup interface {
	Lookup(ctx context.Context, username, domain string) (*account.Account, error)
}

// Resolver is the part of the federation resolver (activitypub.Resolver) that looks
// up the handles of remote accounts not known yet: WebFinger, then the actor.
type Resolver interface {
	ResolveAcct(ctx context.Context, username, domain string) (*account.Account, error)
}

// TextFormatter is the Formatter of plain-text statuses: Mastodon's rendering through
// the text package, with mentions resolved to known accounts.
type TextFormatter struct {
	accounts Lookup
	// domain is the local domain; base is the public base URL, such as
	// https://example.com.
	domain, base string
	// remote, if set, resolves handles of accounts not known yet (WebFinger).
	remote Resolver
	opts   RemoteOptions
}

// RemoteOptions bound the remote lookups of one Format call. Zero fields take the
// documented defaults.
type RemoteOptions struct {
	// Budget is the time all the remote lookups of one text share, as one request
	// makes them; a handle not resolved within it stays plain text, as Mastodon leaves
	// a mention it cannot resolve. Default 5s.
	Budget time.Duration
	// Parallel is how many remote lookups run at once; default 4.
	Parallel int
}

// DefaultResolveBudget is the default of RemoteOptions.Budget.
const DefaultResolveBudget = 5 * time.Second

func (o RemoteOptions) withDefaults() RemoteOptions {
	if o.Budget <= 0 {
		o.Budget = DefaultResolveBudget
	}
	if o.Parallel <= 0 {
		o.Parallel = 4
	}
	return o
}

// NewTextFormatter returns a formatter for the local domain that links to base. It
// looks mentioned handles up in accounts, and those of remote accounts not known yet
// through remote, bounded by o; with a nil remote they stay plain text.
func NewTextFormatter(accounts Lookup, remote Resolver, domain, base string, o RemoteOptions) *TextFormatter {
	return &TextFormatter{accounts: accounts, remote: remote, domain: domain, base: base, opts: o.withDefaults()}
}

// Format renders text into HTML and lists the accounts and hashtags it mentions. The
// mentions are looked up before rendering: known accounts one after another, unknown
// remote handles concurrently under one budget (resolveRemote).
func (f *TextFormatter) Format(ctx context.Context, src string) (Formatted, error) {
	found, err := f.lookupMentions(ctx, text.Mentions(src, f.options()))
	if err != nil {
		return Formatted{}, err
	}
	var mentions []shard.ID
	resolve := func(m text.Mention) (text.ResolvedMention, bool) {
		a := found[mentionKey(m)]
		if a == nil {
			return text.ResolvedMention{}, false
		}
		url := f.base + "/@" + a.Username
		if !a.Local() {
			url = remoteProfileURL(a)
		}
		mentions = append(mentions, a.ID)
		return text.ResolvedMention{AccountID: a.ID.String(), Acct: a.Acct(), URL: url, Username: a.Username}, true
	}
	res := text.Render(src, resolve, f.options())
	out := Formatted{HTML: res.HTML, Mentions: dedupe(mentions)}
	for _, t := range res.Tags {
		out.Tags, out.TagDisplays = append(out.Tags, t.Name), append(out.TagDisplays, t.Display)
	}
	return out, nil
}

type lookupDeadlineKey struct{}

// WithLookupDeadline makes every Format under ctx end its remote lookups by t (or
// its own budget, if sooner), so that a request rendering several texts, such as a
// profile's note and fields, spends one budget on them all.
func WithLookupDeadline(ctx context.Context, t time.Time) context.Context {
	return context.WithValue(ctx, lookupDeadlineKey{}, t)
}

func mentionKey(m text.Mention) string { return strings.ToLower(m.Username) + "@" + m.Domain }

// lookupMentions finds the accounts of mentions, keyed by mentionKey. A failed lookup
// of a local account is an error; an unknown remote handle goes to resolveRemote, and
// one that fails stays unresolved.
func (f *TextFormatter) lookupMentions(ctx context.Context, ms []text.Mention) (map[string]*account.Account, error) {
	found := make(map[string]*account.Account, len(ms))
	var unknown []text.Mention
	for _, m := range ms {
		a, err := f.accounts.Lookup(ctx, m.Username, m.Domain)
		switch {
		case err == nil:
			found[mentionKey(m)] = a
		case !isNotFoundAccount(err) && m.Domain == "":
			return nil, err
		case isNotFoundAccount(err) && m.Domain != "" && f.remote != nil:
			unknown = append(unknown, m)
		}
	}
	f.resolveRemote(ctx, unknown, found)
	return found, nil
}

// resolveRemote resolves unknown remote handles into found, opts.Parallel at a time,
// all within opts.Budget: when it is spent the lookups in flight are cancelled and the
// handles not reached are left out. It returns when every lookup has returned, so
// the resolve function must give up when its context is done (the federation
// client's requests do).
func (f *TextFormatter) resolveRemote(ctx context.Context, ms []text.Mention, found map[string]*account.Account) {
	if len(ms) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, f.opts.Budget)
	defer cancel()
	if t, ok := ctx.Value(lookupDeadlineKey{}).(time.Time); ok {
		var cancelShared context.CancelFunc
		ctx, cancelShared = context.WithDeadline(ctx, t)
		defer cancelShared()
	}
	jobs := make(chan text.Mention)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range min(f.opts.Parallel, len(ms)) {
		wg.Go(func() {
			for m := range jobs {
				if a, err := f.remote.ResolveAcct(ctx, m.Username, m.Domain); err == nil {
					mu.Lock()
					found[mentionKey(m)] = a
					mu.Unlock()
				}
			}
		})
	}
feed:
	for _, m := range ms {
		select {
		case jobs <- m:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
}

func (f *TextFormatter) options() text.Options {
	return text.Options{Domain: f.domain, TagURL: func(name string) string { return f.base + "/tags/" + text.NormalizeTag(name) }}
}

// Note renders a profile note (or field value) the same way, for the account package.
func (f *TextFormatter) Note(ctx context.Context, src string) string {
	res, err := f.Format(ctx, src)
	if err != nil {
		return text.Render(src, nil, f.options()).HTML
	}
	return res.HTML
}

// Length counts characters as Mastodon's limit does.
func (f *TextFormatter) Length(spoiler, src string) int { return text.StatusLength(spoiler, src) }

// remoteProfileURL is the href of a mention of a remote account: its profile page, or
// its actor id, whichever is an http(s) URL; "" (the mention stays text) when neither
// is, as an account stored before URLs were checked may hold.
func remoteProfileURL(a *account.Account) string {
	if u := text.CleanURL(a.URL, true); u != "" {
		return u
	}
	return text.CleanURL(a.URI, true)
}

func isNotFoundAccount(err error) bool { return errors.Is(err, account.ErrNotFound) }

func dedupe(ids []shard.ID) []shard.ID {
	seen := make(map[shard.ID]bool, len(ids))
	out := ids[:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
