package status

import (
	"context"
	"errors"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/text"
)

// Lookup is the part of the account service that resolves typed mentions.
type Lookup interface {
	Lookup(ctx context.Context, username, domain string) (*account.Account, error)
}

// TextFormatter is the Formatter of plain-text statuses: Mastodon's rendering through
// the text package, with mentions resolved to known accounts.
type TextFormatter struct {
	accounts Lookup
	// domain is the local domain; base is the public base URL, such as
	// https://example.com.
	domain, base string
	// remote, if set, resolves handles of accounts not known yet (WebFinger).
	remote func(ctx context.Context, username, domain string) (*account.Account, error)
}

// ResolveRemote lets the formatter look up unknown remote handles through resolve.
func (f *TextFormatter) ResolveRemote(resolve func(ctx context.Context, username, domain string) (*account.Account, error)) {
	f.remote = resolve
}

// NewTextFormatter returns a formatter for the local domain that links to base.
func NewTextFormatter(accounts Lookup, domain, base string) *TextFormatter {
	return &TextFormatter{accounts: accounts, domain: domain, base: base}
}

// Format renders text into HTML and lists the accounts and hashtags it mentions.
func (f *TextFormatter) Format(ctx context.Context, src string) (Formatted, error) {
	var mentions []shard.ID
	var lookupErr error
	resolve := func(m text.Mention) (text.ResolvedMention, bool) {
		a, err := f.accounts.Lookup(ctx, m.Username, m.Domain)
		if err != nil && m.Domain != "" && f.remote != nil && isNotFoundAccount(err) {
			a, err = f.remote(ctx, m.Username, m.Domain)
		}
		if err != nil {
			if lookupErr == nil && !isNotFoundAccount(err) && m.Domain == "" {
				lookupErr = err
			}
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
	if lookupErr != nil {
		return Formatted{}, lookupErr
	}
	out := Formatted{HTML: res.HTML, Mentions: dedupe(mentions)}
	for _, t := range res.Tags {
		out.Tags = append(out.Tags, t.Name)
	}
	return out, nil
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
