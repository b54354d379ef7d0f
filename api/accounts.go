package api

import (
	"context"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/media"
	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/text"
)

func pageOf(limit int) paging.Page { return paging.Page{Limit: limit} }

// register is POST /api/v1/accounts: the registration's rules are signUp's; the
// answer is a token of the app for the new user.
func (s *Server) register(r *req) error {
	app, err := s.auth.App(r.context(), r.token.ClientID)
	if err != nil {
		return errInvalidToken
	}
	f := signUpFormOf(r.p)
	f.AppID = app.ID
	acc, _, err := s.signUp(r, f)
	if err != nil {
		return err
	}
	raw, t, err := s.auth.Issue(r.context(), app, acc.ID, r.token.Scopes)
	if err != nil {
		return err
	}
	return r.json(&Token{AccessToken: raw, TokenType: "Bearer", Scope: strings.Join(t.Scopes, " "), CreatedAt: t.CreatedAt.Unix()})
}

func (s *Server) verifyCredentials(r *req) error {
	a, err := s.credentialAccount(r.context(), r.viewer)
	if err != nil {
		return err
	}
	return r.json(a)
}

func (s *Server) updateCredentials(r *req) error {
	u := profileParams(r.p)
	u.Privacy, u.Language, u.Sensitive = r.p.opt("source[privacy]"), r.p.opt("source[language]"), r.p.optBool("source[sensitive]")
	u.QuotePolicy = r.p.opt("source[quote_policy]")
	// Herd's own: Mastodon sets chosen languages in its web settings only.
	const chosen = "source[chosen_languages]"
	if r.p.has(chosen+"[]") || r.p.has(chosen) || r.p.has(chosen+"[0]") {
		langs := r.p.list(chosen)
		u.ChosenLanguages = &langs
	}
	if err := s.applyProfile(r, u); err != nil {
		return err
	}
	return s.verifyCredentials(r)
}

// profileParams reads what update_credentials and PATCH /api/v1/profile both take.
func profileParams(p params) account.ProfileUpdate {
	u := account.ProfileUpdate{DisplayName: p.opt("display_name"), Note: p.opt("note"),
		Locked: p.optBool("locked"), Bot: p.optBool("bot"), Discoverable: p.optBool("discoverable"),
		Indexable: p.optBool("indexable"), HideCollections: p.optBool("hide_collections")}
	if fs, ok := profileFields(p); ok {
		u.Fields = &fs
	}
	if p.has("attribution_domains[]") || p.has("attribution_domains") || p.has("attribution_domains[0]") {
		domains := p.list("attribution_domains") // attribution_domains[]= (blank only) clears them
		u.AttributionDomains = &domains
	}
	return u
}

// applyProfile stores the pictures a profile update uploads and applies it; the
// pictures it replaces leave the media store.
func (s *Server) applyProfile(r *req, u account.ProfileUpdate) error {
	before, err := s.d.Accounts.Get(r.context(), r.viewer)
	if err != nil {
		return err
	}
	if u.AvatarKey, err = s.picture(r, "avatar", media.Avatar); err != nil {
		return err
	}
	if u.HeaderKey, err = s.picture(r, "header", media.Header); err != nil {
		return err
	}
	// The note and the fields share one budget for looking up the handles they name.
	ctx := status.WithLookupDeadline(r.context(), time.Now().Add(s.d.ResolveBudget))
	if _, err := s.d.Actions.UpdateProfile(ctx, r.viewer, u, s.d.Render); err != nil {
		return err
	}
	for _, replaced := range []struct {
		old string
		now *string
	}{{before.AvatarKey, u.AvatarKey}, {before.HeaderKey, u.HeaderKey}} {
		if replaced.now != nil && replaced.old != "" {
			if err := s.d.Media.DeletePicture(r.context(), replaced.old); err != nil {
				s.log.Warn("api: replaced picture left in the media store", "key", replaced.old, "err", err)
			}
		}
	}
	return nil
}

// picture stores the avatar or header a profile update uploads in field, if any.
func (s *Server) picture(r *req, field string, kind media.Picture) (*string, error) {
	data, err := s.uploadedFile(r, field)
	if err != nil || data == nil {
		return nil, err
	}
	key, err := s.d.Media.StorePicture(r.context(), r.viewer, kind, data)
	if err != nil {
		return nil, err
	}
	return &key, nil
}

// profileFields reads fields_attributes[i][name|value] (or fields_attributes[][...]).
func profileFields(p params) ([]account.Field, bool) {
	var out []account.Field
	found := false
	for i := 0; i < account.MaxFields+4; i++ {
		n, v := "fields_attributes["+strconv.Itoa(i)+"][name]", "fields_attributes["+strconv.Itoa(i)+"][value]"
		if p.has(n) || p.has(v) {
			found = true
			out = append(out, account.Field{Name: p.str(n), Value: p.str(v)})
		}
	}
	names, values := p["fields_attributes[][name]"], p["fields_attributes[][value]"]
	for i := range names {
		found = true
		f := account.Field{Name: names[i]}
		if i < len(values) {
			f.Value = values[i]
		}
		out = append(out, f)
	}
	return out, found
}

func (s *Server) getAccount(r *req) error {
	id, err := r.pathID("id")
	if err != nil {
		return err
	}
	a, err := s.oneAccount(r.context(), id)
	if err != nil {
		return err
	}
	if a.pending {
		return errNotFound
	}
	return r.json(a)
}

// identityProofs answers Mastodon's identity proofs of an account, deprecated since
// 3.5 (Keybase proofs are gone): an empty array for an account that exists, whatever
// its state, as Account.find; 404 for one that does not.
func (s *Server) identityProofs(r *req) error {
	if r.viewer == 0 {
		return errNeedUser
	}
	if err := r.functional(false); err != nil {
		return err
	}
	id, err := r.pathID("id")
	if err != nil {
		return err
	}
	if _, err := s.d.Accounts.Get(r.context(), id); err != nil {
		return err
	}
	return r.json([]struct{}{})
}

func (s *Server) getAccounts(r *req) error {
	var ids []shard.ID
	for _, v := range r.p.list("id") {
		if id, err := shard.Parse(v); err == nil && len(ids) < 40 {
			ids = append(ids, id)
		}
	}
	accs, err := s.accounts(r.context(), ids)
	if err != nil {
		return err
	}
	return r.json(approved(accs))
}

func (s *Server) lookup(r *req) error {
	acct := r.p.str("acct")
	if acct == "" {
		return httpErr(400, "Missing parameter: acct")
	}
	a, err := s.d.Accounts.LookupAcct(r.context(), acct)
	if err != nil {
		return err
	}
	if a.Pending {
		return errNotFound
	}
	out, err := s.oneAccount(r.context(), a.ID)
	if err != nil {
		return err
	}
	return r.json(out)
}

func (s *Server) relationships(r *req) error {
	var ids []shard.ID
	for _, v := range r.p.list("id") {
		if id, err := shard.Parse(v); err == nil && len(ids) < 80 {
			ids = append(ids, id)
		}
	}
	rels, err := s.d.Accounts.Relationships(r.context(), r.viewer, ids)
	if err != nil {
		return err
	}
	out := make([]*Relationship, len(rels))
	for i := range rels {
		out[i] = relationship(&rels[i])
	}
	return r.json(out)
}

func relationship(rel *account.Relationship) *Relationship {
	out := &Relationship{ID: rel.ID.String(), Following: rel.Following, ShowingReblogs: rel.ShowingReblogs,
		Notifying: rel.Notifying, Languages: rel.Languages, FollowedBy: rel.FollowedBy, Blocking: rel.Blocking,
		BlockedBy: rel.BlockedBy, Muting: rel.Muting, MutingNotifications: rel.MutingNotifications,
		Requested: rel.Requested, RequestedBy: rel.RequestedBy, DomainBlocking: rel.DomainBlocking,
		Endorsed: rel.Endorsed, Note: rel.Note}
	if !rel.MutingExpiresAt.IsZero() {
		out.MutingExpiresAt = ptr(datetime(rel.MutingExpiresAt))
	}
	return out
}

// relationshipWith answers a relationship action with the new relationship.
func (s *Server) relationshipWith(r *req, id shard.ID) error {
	rels, err := s.d.Accounts.Relationships(r.context(), r.viewer, []shard.ID{id})
	if err != nil {
		return err
	}
	return r.json(relationship(&rels[0]))
}

// target loads the account of the route's :id.
func (s *Server) target(r *req) (*account.Account, error) {
	id, err := r.pathID("id")
	if err != nil {
		return nil, err
	}
	return s.shown(r.context(), id)
}

// me loads the account of the request's user, for actions that depend on who acts.
func (s *Server) me(r *req) (*account.Account, error) {
	return s.d.Accounts.Get(r.context(), r.viewer)
}

func (s *Server) follow(r *req) error {
	t, err := s.target(r)
	if err != nil {
		return err
	}
	opts := account.FollowOptions{Reblogs: r.p.optBool("reblogs"), Notify: r.p.optBool("notify")}
	if r.p.has("languages[]") || r.p.has("languages") || r.p.has("languages[0]") {
		langs := r.p.list("languages") // languages[]= (blank only) clears them
		opts.Languages = &langs
	}
	me, err := s.me(r)
	if err != nil {
		return err
	}
	if err := s.d.Actions.Follow(r.context(), me, t, opts); err != nil {
		return err
	}
	return s.relationshipWith(r, t.ID)
}

// relate runs a relationship action of the request's user on the route's account and
// answers with the relationship.
func (s *Server) relate(do func(r *req, target *account.Account) error) handlerFunc {
	return func(r *req) error {
		t, err := s.target(r)
		if err != nil {
			return err
		}
		if err := do(r, t); err != nil {
			return err
		}
		return s.relationshipWith(r, t.ID)
	}
}

// between runs an action that takes the accounts of the request's user and of the
// route.
func (s *Server) between(do func(ctx context.Context, me, target *account.Account) error) handlerFunc {
	return s.relate(func(r *req, t *account.Account) error {
		me, err := s.me(r)
		if err != nil {
			return err
		}
		return do(r.context(), me, t)
	})
}

// owned runs an action of the request's user on the route's account by id.
func (s *Server) owned(do func(ctx context.Context, owner, other shard.ID) error) handlerFunc {
	return s.relate(func(r *req, t *account.Account) error { return do(r.context(), r.viewer, t.ID) })
}

func (s *Server) routeAccountActions() {
	a := s.d.Actions
	s.handle("POST", "/api/v1/accounts/{id}/block", user("write:blocks"), s.between(a.Block))
	s.handle("POST", "/api/v1/accounts/{id}/unblock", user("write:blocks"), s.between(a.Unblock))
	s.handle("POST", "/api/v1/accounts/{id}/mute", user("write:mutes"), s.relate(func(r *req, t *account.Account) error {
		notifications := true
		if r.p.has("notifications") {
			notifications = r.p.boolean("notifications")
		}
		d, err := muteDuration(r.p)
		if err != nil {
			return err
		}
		return a.Mute(r.context(), r.viewer, t.ID, notifications, d)
	}))
	s.handle("POST", "/api/v1/accounts/{id}/unmute", user("write:mutes"), s.owned(a.Unmute))
	s.handle("POST", "/api/v1/accounts/{id}/remove_from_followers", user("write:follows"), s.owned(a.RemoveFromFollowers))
	s.handle("POST", "/api/v1/follow_requests/{id}/authorize", user("write:follows"), s.owned(a.Authorize))
	s.handle("POST", "/api/v1/follow_requests/{id}/reject", user("write:follows"), s.owned(a.Reject))
}

// maxMuteSeconds bounds a mute's duration (about 100 years), so that it fits a
// time.Duration.
const maxMuteSeconds = 100 * 365 * 24 * 3600

// muteDuration reads a mute's duration in seconds: absent, empty, zero or negative is
// until unmuted; a fraction is cut to whole seconds; anything but a number is refused.
func muteDuration(p params) (time.Duration, error) {
	v := strings.TrimSpace(p.str("duration"))
	if v == "" {
		return 0, nil
	}
	secs, err := strconv.Atoi(v)
	if err != nil { // a JSON number such as 3600.0 is read as its whole seconds
		f, ferr := strconv.ParseFloat(v, 64)
		if ferr != nil || math.IsNaN(f) || math.Abs(f) > maxMuteSeconds {
			return 0, httpErr(422, "Validation failed: Duration is not a number")
		}
		secs = int(f)
	}
	return time.Duration(min(max(secs, 0), maxMuteSeconds)) * time.Second, nil
}

// accountList answers a relationship listing paged by its internal row ids.
func (s *Server) accountList(list func(r *req, owner shard.ID, p paging.Page) ([]account.Entry, error), def, maxLimit int, self bool) handlerFunc {
	return s.accountListThen(list, def, maxLimit, self, nil)
}

// accountListThen is accountList with then applied to the page's rendered accounts,
// whose ids it is given, before they are written.
func (s *Server) accountListThen(list func(r *req, owner shard.ID, p paging.Page) ([]account.Entry, error), def, maxLimit int, self bool,
	then func(r *req, ids []shard.ID, accs []*Account) error) handlerFunc {
	return func(r *req) error {
		owner := r.viewer
		if !self {
			id, err := r.pathID("id")
			if err != nil {
				return err
			}
			if _, err := s.d.Accounts.Get(r.context(), id); err != nil {
				return err
			}
			owner = id
		}
		p, err := r.page(def, maxLimit)
		if err != nil {
			return err
		}
		entries, err := list(r, owner, p)
		if err != nil {
			return err
		}
		ids := make([]shard.ID, len(entries))
		cursors := make([]shard.ID, len(entries))
		for i, e := range entries {
			ids[i], cursors[i] = e.Account, e.Cursor
		}
		accs, err := s.accounts(r.context(), ids)
		if err != nil {
			return err
		}
		if then != nil {
			if err := then(r, ids, accs); err != nil {
				return err
			}
		}
		r.link(paging.IDs(cursors))
		return r.json(accs)
	}
}

func (s *Server) accountStatuses(r *req) error {
	t, err := s.target(r)
	if err != nil {
		return err
	}
	p, err := r.page(20, 40)
	if err != nil {
		return err
	}
	// tagged names a hashtag, normalised as Mastodon finds it; a name no hashtag can
	// have matches nothing, a blank one filters nothing.
	tagged := ""
	if raw := r.p.str("tagged"); raw != "" {
		if tagged = text.NormalizeTag(strings.TrimPrefix(raw, "#")); tagged == "" {
			return r.json([]*Status{})
		}
	}
	var ids []shard.ID
	if r.p.boolean("pinned") {
		pins, err := s.d.Statuses.Pinned(r.context(), t.ID)
		if err != nil {
			return err
		}
		for _, l := range pins {
			ids = append(ids, l.ID)
		}
	} else {
		ids, err = s.d.Statuses.ByAccount(r.context(), r.viewer, t.ID, p, status.AccountFilter{
			ExcludeReplies: r.p.boolean("exclude_replies"), ExcludeReblogs: r.p.boolean("exclude_reblogs"),
			OnlyMedia: r.p.boolean("only_media"), Tagged: tagged})
		if err != nil {
			return err
		}
	}
	// Pins are not a listing chosen by visibility.Listed (another server's account
	// may pin a private status): the policy judges each.
	out, err := s.statusesByID(r.context(), r.viewer, ids, r.p.boolean("pinned"))
	if err != nil {
		return err
	}
	if !r.p.boolean("pinned") {
		r.link(paging.IDs(ids))
	} else if tagged != "" {
		out = slices.DeleteFunc(out, func(st *Status) bool { return !carriesTags(st, []string{tagged}, true) })
	}
	return r.json(out)
}

// muteEnds sets the end of each timed mute on a page of the viewer's mutes.
func (s *Server) muteEnds(r *req, ids []shard.ID, accs []*Account) error {
	ends, err := s.d.Accounts.MuteEnds(r.context(), r.viewer, ids)
	if err != nil || len(ends) == 0 {
		return err
	}
	for _, a := range accs {
		if id, err := shard.Parse(a.ID); err == nil && !ends[id].IsZero() {
			end := datetime(ends[id])
			a.MuteExpiresAt = &end
		}
	}
	return nil
}
