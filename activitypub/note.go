package activitypub

import (
	"context"
	"errors"
	"fmt"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/visibility"
)

// noteContext is the @context of status objects, as Mastodon's.
var noteContext = []any{
	"https://www.w3.org/ns/activitystreams",
	map[string]any{
		"ostatus":          "http://ostatus.org#",
		"atomUri":          "ostatus:atomUri",
		"inReplyToAtomUri": "ostatus:inReplyToAtomUri",
		"conversation":     "ostatus:conversation",
		"sensitive":        "as:sensitive",
		"toot":             "http://joinmastodon.org/ns#",
		"votersCount":      "toot:votersCount",
		"Hashtag":          "as:Hashtag",
		// Attachments and custom emoji.
		"blurhash":   "toot:blurhash",
		"focalPoint": map[string]any{"@container": "@list", "@id": "toot:focalPoint"},
		"Emoji":      "toot:Emoji",
		// Quotes (FEP-044f) and who may make them, as Mastodon names them.
		"quote":              "https://w3id.org/fep/044f#quote",
		"quoteUri":           "http://fedibird.com/ns#quoteUri",
		"_misskey_quote":     "https://misskey-hub.net/ns#_misskey_quote",
		"quoteAuthorization": map[string]any{"@id": "https://w3id.org/fep/044f#quoteAuthorization", "@type": "@id"},
		"QuoteRequest":       "https://w3id.org/fep/044f#QuoteRequest",
		"QuoteAuthorization": "https://w3id.org/fep/044f#QuoteAuthorization",
		"gts":                "https://gotosocial.org/ns#",
		"interactionPolicy":  map[string]any{"@id": "gts:interactionPolicy", "@type": "@id"},
		"canQuote":           map[string]any{"@id": "gts:canQuote", "@type": "@id"},
		"automaticApproval":  map[string]any{"@id": "gts:automaticApproval", "@type": "@id"},
		"manualApproval":     map[string]any{"@id": "gts:manualApproval", "@type": "@id"},
		"interactingObject":  map[string]any{"@id": "gts:interactingObject"},
		"interactionTarget":  map[string]any{"@id": "gts:interactionTarget"},
	},
}

// Tag is a Mention or Hashtag of a status.
type Tag struct {
	Type string `json:"type"`
	Href string `json:"href"`
	Name string `json:"name"`
}

// Count is a collection reduced to its size (likes, shares, an option's votes).
type Count struct {
	ID         string `json:"id,omitempty"`
	Type       string `json:"type"`
	TotalItems int64  `json:"totalItems"`
}

// Note is a status object.
type Note struct {
	Context      any               `json:"@context,omitempty"`
	ID           string            `json:"id"`
	Type         string            `json:"type"`
	Summary      *string           `json:"summary"`
	InReplyTo    *string           `json:"inReplyTo"`
	Published    string            `json:"published"`
	Updated      string            `json:"updated,omitempty"`
	URL          string            `json:"url"`
	AttributedTo string            `json:"attributedTo"`
	To           []string          `json:"to"`
	CC           []string          `json:"cc"`
	Sensitive    bool              `json:"sensitive"`
	AtomURI      string            `json:"atomUri"`
	Conversation string            `json:"conversation,omitempty"`
	Content      string            `json:"content"`
	ContentMap   map[string]string `json:"contentMap,omitempty"`
	Attachment   []any             `json:"attachment"`
	Tag          []any             `json:"tag"` // Tag or EmojiTag
	Replies      *Collection       `json:"replies,omitempty"`
	Likes        *Count            `json:"likes"`
	Shares       *Count            `json:"shares"`
	// A Question's (a status with a poll).
	OneOf       []Option `json:"oneOf,omitempty"`
	AnyOf       []Option `json:"anyOf,omitempty"`
	EndTime     string   `json:"endTime,omitempty"`
	Closed      string   `json:"closed,omitempty"`
	VotersCount *int64   `json:"votersCount,omitempty"`
	// What it quotes (quote.go): the quoted post's URI, or a Tombstone for one gone;
	// quoteUri and _misskey_quote repeat it for older servers.
	Quote              any    `json:"quote,omitempty"`
	MisskeyQuote       string `json:"_misskey_quote,omitempty"`
	QuoteURI           string `json:"quoteUri,omitempty"`
	QuoteAuthorization string `json:"quoteAuthorization,omitempty"`
	// InteractionPolicy says who may quote it.
	InteractionPolicy *InteractionPolicy `json:"interactionPolicy,omitempty"`
}

// timeFormat is how AP documents write instants: RFC 3339 in UTC with milliseconds,
// so that peers that take ids from publication times (as Mastodon does) keep the order
// of posts made within one second.
const timeFormat = "2006-01-02T15:04:05.000Z"

// Note renders a local status for federation as anyone may see it: public and
// unlisted statuses only.
func (s *Service) Note(ctx context.Context, username string, id shard.ID) (*Note, error) {
	return s.NoteFor(ctx, 0, username, id)
}

// NoteFor renders a local status for a viewer (the account whose server signed the
// fetch; zero: anonymous), who may see it by the visibility policy: followers-only
// statuses to the author's followers and mentioned accounts, direct ones to the
// mentioned accounts. Any other status is not found, as in Mastodon.
func (s *Service) NoteFor(ctx context.Context, viewer shard.ID, username string, id shard.ID) (*Note, error) {
	a, err := s.contentAccount(ctx, username)
	if err != nil {
		return nil, err
	}
	st, err := s.statuses.Get(ctx, id)
	if errors.Is(err, status.ErrNotFound) || (err == nil && (st.AccountID != a.ID || st.ReblogOfID != 0)) {
		return nil, fmt.Errorf("status %d of %s: %w", id, username, ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	if ok, err := s.seenBy(ctx, viewer, st); err != nil {
		return nil, err
	} else if !ok {
		return nil, fmt.Errorf("status %d is %s: %w", id, st.Visibility, ErrNotFound)
	}
	n, err := s.note(ctx, a, st)
	if err != nil {
		return nil, err
	}
	n.Context = noteContext
	return n, nil
}

// note renders st, written by a, without a @context (for embedding in activities).
func (s *Service) note(ctx context.Context, a *account.Account, st *status.Status) (*Note, error) {
	actor := s.ActorURI(a.Username)
	uri := s.StatusURI(a.Username, st.ID)
	mentioned, err := s.accounts.GetMany(ctx, st.Mentions)
	if err != nil {
		return nil, err
	}
	n := &Note{ID: uri, Type: "Note", Published: st.CreatedAt.UTC().Format(timeFormat),
		URL: s.ProfileURL(a.Username) + "/" + st.ID.String(), AttributedTo: actor, Sensitive: st.Sensitive,
		AtomURI: uri, Content: st.Content, Attachment: []any{}, Tag: []any{}}
	if st.SpoilerText != "" {
		n.Summary = &st.SpoilerText
	}
	if !st.EditedAt.IsZero() {
		n.Updated = st.EditedAt.UTC().Format(timeFormat)
	}
	if st.Language != "" {
		n.ContentMap = map[string]string{st.Language: st.Content}
	}
	if st.InReplyToID != 0 {
		parent, err := s.objectURI(ctx, st.InReplyToID)
		switch {
		case err == nil:
			n.InReplyTo = &parent
		case !errors.Is(err, status.ErrNotFound) && !errors.Is(err, account.ErrNotFound):
			return nil, err
		} // a deleted parent leaves the reply standing alone, as in Mastodon
	}
	var mentionURIs []string
	for _, id := range st.Mentions {
		m := mentioned[id]
		if m == nil {
			continue
		}
		uri := s.accountURI(m)
		mentionURIs = append(mentionURIs, uri)
		n.Tag = append(n.Tag, Tag{Type: "Mention", Href: uri, Name: "@" + m.Username + "@" + s.domainOf(m)})
	}
	for _, t := range st.Tags {
		n.Tag = append(n.Tag, s.hashtag(t))
	}
	var pollTexts []string
	if st.Poll != nil {
		pollTexts = st.Poll.Options
	}
	emojis, err := s.emojiTags(ctx, append([]string{st.Content, st.SpoilerText}, pollTexts...)...)
	if err != nil {
		return nil, err
	}
	for _, e := range emojis {
		n.Tag = append(n.Tag, e)
	}
	n.To, n.CC = addressing(st.Visibility, actor+"/followers", mentionURIs)
	if n.Attachment, err = s.attachments(ctx, st); err != nil {
		return nil, err
	}
	counts, err := s.statuses.Counts(ctx, []shard.ID{st.ID})
	if err != nil {
		return nil, err
	}
	n.Replies = &Collection{ID: uri + "/replies", Type: "Collection",
		First: pageURL(uri+"/replies", Cursor{Page: true})}
	n.Likes = &Count{ID: uri + "/likes", Type: "Collection", TotalItems: counts[0].Favourites}
	n.Shares = &Count{ID: uri + "/shares", Type: "Collection", TotalItems: counts[0].Reblogs}
	if st.Poll != nil {
		if err := s.question(ctx, n, st); err != nil {
			return nil, err
		}
	}
	if err := s.quoteFields(ctx, n, a, st); err != nil {
		return nil, err
	}
	return n, nil
}

// addressing computes to and cc of a status as Mastodon does.
func addressing(vis status.Visibility, followers string, mentions []string) (to, cc []string) {
	switch vis {
	case status.Public:
		return []string{Public}, append([]string{followers}, mentions...)
	case status.Unlisted:
		return []string{followers}, append([]string{Public}, mentions...)
	case status.Private:
		return []string{followers}, append([]string{}, mentions...)
	}
	return append([]string{}, mentions...), []string{}
}

// accountURI is the actor id of an account, local or remote.
func (s *Service) accountURI(a *account.Account) string {
	if a.Local() {
		return s.ActorURI(a.Username)
	}
	return a.URI
}

func (s *Service) domainOf(a *account.Account) string {
	if a.Local() {
		return s.opts.Domain
	}
	return a.Domain
}

// objectURI is the id of a status, local or remote.
func (s *Service) objectURI(ctx context.Context, id shard.ID) (string, error) {
	st, err := s.statuses.Get(ctx, id)
	if err != nil {
		return "", err
	}
	if st.URI != "" {
		return st.URI, nil
	}
	a, err := s.accounts.Get(ctx, st.AccountID)
	if err != nil {
		return "", err
	}
	return s.StatusURI(a.Username, st.ID), nil
}

// maxListedReplies bounds a replies page.
const maxListedReplies = 40

// Replies returns the replies collection of a local status the viewer may see: the
// first page lists the ids of its public and unlisted replies, oldest first.
func (s *Service) Replies(ctx context.Context, viewer shard.ID, username string, id shard.ID, c Cursor) (*Collection, error) {
	n, err := s.NoteFor(ctx, viewer, username, id) // the parent's own visibility rules
	if err != nil {
		return nil, err
	}
	coll := &Collection{Context: collectionContext, ID: n.ID + "/replies", Type: "Collection"}
	if !c.Page {
		coll.First = pageURL(coll.ID, Cursor{Page: true})
		return coll, nil
	}
	ids, err := s.statuses.Replies(ctx, id, maxListedReplies)
	if err != nil {
		return nil, err
	}
	sts, err := s.statuses.GetMany(ctx, ids)
	if err != nil {
		return nil, err
	}
	page := &Collection{Context: collectionContext, ID: pageURL(coll.ID, c), Type: "CollectionPage", PartOf: coll.ID,
		Items: []any{}}
	for _, rid := range ids {
		st := sts[rid]
		if st == nil || !visibility.Anonymous(st) {
			continue
		}
		if uri, err := s.objectURI(ctx, st.ID); err == nil {
			page.Items = append(page.Items, uri)
		}
	}
	return page, nil
}
