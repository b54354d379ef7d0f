package api

import (
	"context"
	"slices"
	"time"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/media"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/text"
)

// plainAccounts renders accounts in the order of ids, skipping missing ones, without
// the accounts they moved to (accounts adds those).
func (s *Server) plainAccounts(ctx context.Context, ids []shard.ID) ([]*Account, error) {
	byID, err := s.d.Accounts.Cached(ctx, ids)
	if err != nil {
		return nil, err
	}
	found := make([]shard.ID, 0, len(ids))
	for _, id := range ids {
		if byID[id] != nil {
			found = append(found, id)
		}
	}
	counts, err := s.d.Accounts.Counts(ctx, found)
	if err != nil {
		return nil, err
	}
	last, err := s.d.Accounts.LastStatusAt(ctx, found)
	if err != nil {
		return nil, err
	}
	out, accts := make([]*Account, len(found)), make([]*account.Account, len(found))
	uses, codes := emojiUses{}, make([][]string, len(found))
	for i, id := range found {
		a := byID[id]
		out[i], accts[i] = s.account(a, counts[i], last[i]), a
		texts := []string{a.DisplayName, a.Note}
		for _, f := range a.Fields {
			texts = append(texts, f.Name, f.Value)
		}
		codes[i] = uses.add(a.Domain, texts...)
	}
	if err := s.roleCache().badges(ctx, out, accts); err != nil {
		return nil, err
	}
	emojis, err := s.lookupEmoji(ctx, uses)
	if err != nil {
		return nil, err
	}
	for i, id := range found {
		out[i].Emojis = emojis.of(byID[id].Domain, codes[i])
	}
	return out, nil
}

// accountMap renders accounts keyed by id. Callers pass an account per status (its
// author, its mentions), so ids repeat: each account is read and rendered once.
func (s *Server) accountMap(ctx context.Context, ids []shard.ID) (map[shard.ID]*Account, error) {
	seen := make(map[shard.ID]bool, len(ids))
	ids = slices.DeleteFunc(slices.Clone(ids), func(id shard.ID) bool {
		dup := seen[id]
		seen[id] = true
		return dup
	})
	list, err := s.accounts(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[shard.ID]*Account, len(list))
	for _, a := range list {
		id, _ := shard.Parse(a.ID)
		out[id] = a
		a.memo = &accountMemo{} // encoded once however many statuses show it (encode_account.go)
	}
	return out, nil
}

func (s *Server) oneAccount(ctx context.Context, id shard.ID) (*Account, error) {
	list, err := s.accounts(ctx, []shard.ID{id})
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, errNotFound
	}
	return list[0], nil
}

func (s *Server) account(a *account.Account, c account.Counts, last time.Time) *Account {
	out := &Account{ID: a.ID.String(), Username: a.Username, Acct: a.Acct(), DisplayName: a.DisplayName,
		Locked: a.Locked, Bot: a.Bot, Discoverable: ptr(a.Discoverable), Indexable: a.Indexable,
		CreatedAt: datetime(a.CreatedAt.Truncate(24 * time.Hour)), Note: a.Note,
		URL: a.URL, URI: a.URI, Avatar: text.CleanURL(a.AvatarURL, true), Header: text.CleanURL(a.HeaderURL, true),
		FollowersCount: c.Followers, FollowingCount: c.Following, StatusesCount: c.Statuses,
		HideCollections: ptr(a.HideCollections), Emojis: []CustomEmoji{}, Roles: []AccountRole{}, Fields: fields(a.Fields),
		AvatarDescription: a.AvatarDescription, HeaderDescription: a.HeaderDescription,
		ShowMedia: !a.HideMediaTab, ShowMediaReplies: !a.HideMediaReplies, ShowFeatured: !a.HideFeaturedTab,
		Suspended: a.Suspended, Limited: a.Silenced, movedToURI: a.MovedToURI,
		pending: a.Pending}
	if a.Local() {
		out.URL, out.URI = s.profileURL(a.Username), s.actorURL(a.Username)
	} else {
		out.URL, out.URI = remoteLinks(a.URL, a.URI, s.baseURL()+"/@"+a.Acct())
	}
	out.AvatarStatic, out.HeaderStatic = out.Avatar, out.Header
	// Uploads, or remote pictures cached here; an animated one has a still picture
	// beside it.
	if key := a.AvatarFile(); key != "" && s.d.Media != nil {
		out.Avatar, out.AvatarStatic = s.d.Media.FileURL(key), s.d.Media.FileURL(media.StaticKey(key))
	}
	if key := a.HeaderFile(); key != "" && s.d.Media != nil {
		out.Header, out.HeaderStatic = s.d.Media.FileURL(key), s.d.Media.FileURL(media.StaticKey(key))
	}
	if out.Avatar == "" {
		out.Avatar, out.AvatarStatic = s.baseURL()+missingAvatar, s.baseURL()+missingAvatar
	}
	if out.Header == "" {
		out.Header, out.HeaderStatic = s.baseURL()+missingHeader, s.baseURL()+missingHeader
	}
	if a.Suspended { // as Mastodon shows an unavailable account
		out.DisplayName, out.Note, out.Fields, out.Locked, out.Bot = "", "", []Field{}, false, false
		out.Avatar, out.Header = s.baseURL()+missingAvatar, s.baseURL()+missingHeader
		out.AvatarStatic, out.HeaderStatic = out.Avatar, out.Header
		out.AvatarDescription, out.HeaderDescription = "", ""
	}
	if !last.IsZero() {
		out.LastStatusAt = ptr(last.Format("2006-01-02"))
	}
	return out
}

// remoteLinks are the url and uri of a remote account or status as rendered: only
// http(s) URLs (text.CleanURL), whatever an old record holds. The url falls back to
// the uri, and a uri that fails, to the page of this server given (Mastodon's web
// path for remote accounts and statuses).
func remoteLinks(url, uri, page string) (string, string) {
	if uri = text.CleanURL(uri, true); uri == "" {
		uri = page
	}
	if url = text.CleanURL(url, true); url == "" {
		url = uri
	}
	return url, uri
}

func fields(fs []account.Field) []Field {
	out := make([]Field, len(fs))
	for i, f := range fs {
		out[i] = Field{Name: f.Name, Value: f.Value}
		if !f.VerifiedAt.IsZero() {
			out[i].VerifiedAt = ptr(datetime(f.VerifiedAt))
		}
	}
	return out
}

// credentialAccount renders the viewer's own account with its source and role.
func (s *Server) credentialAccount(ctx context.Context, id shard.ID) (*Account, error) {
	a, err := s.d.Accounts.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	u, err := s.d.Accounts.User(ctx, id)
	if err != nil {
		return nil, err
	}
	out, err := s.oneAccount(ctx, id)
	if err != nil {
		return nil, err
	}
	reqs, err := s.d.Accounts.FollowRequests(ctx, id, pageOf(100))
	if err != nil {
		return nil, err
	}
	out.Source = &Source{Privacy: u.Privacy(), Sensitive: u.DefaultSensitive, Language: u.DefaultLanguage,
		Note: a.NoteSource, Fields: fields(a.FieldSources), FollowRequestsCount: len(reqs),
		HideCollections: a.HideCollections, Discoverable: a.Discoverable, Indexable: a.Indexable, AttributionDomains: nonNil(a.AttributionDomains),
		ChosenLanguages: u.ChosenLanguages, QuotePolicy: u.QuotePolicy()}
	if out.Role, err = s.roleCache().userRole(ctx, u); err != nil {
		return nil, err
	}
	return out, nil
}
