package activitypub

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/herd-social/herd/account"
)

// Public is the special collection that addresses everyone.
const Public = "https://www.w3.org/ns/activitystreams#Public"

// actorContext is the @context of actor documents, as Mastodon's ActorSerializer emits it.
var actorContext = []any{
	"https://www.w3.org/ns/activitystreams",
	"https://w3id.org/security/v1",
	map[string]any{
		"manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
		"toot":                      "http://joinmastodon.org/ns#",
		"featured":                  map[string]string{"@id": "toot:featured", "@type": "@id"},
		"featuredTags":              map[string]string{"@id": "toot:featuredTags", "@type": "@id"},
		"alsoKnownAs":               map[string]string{"@id": "as:alsoKnownAs", "@type": "@id"},
		"movedTo":                   map[string]string{"@id": "as:movedTo", "@type": "@id"},
		"schema":                    "http://schema.org#",
		"PropertyValue":             "schema:PropertyValue",
		"value":                     "schema:value",
		"discoverable":              "toot:discoverable",
		"indexable":                 "toot:indexable",
		"memorial":                  "toot:memorial",
		"suspended":                 "toot:suspended",
		"Hashtag":                   "as:Hashtag",
		"Emoji":                     "toot:Emoji",
		"attributionDomains":        map[string]string{"@id": "toot:attributionDomains", "@type": "@id"},
	},
}

// PublicKey is an actor's publicKey.
type PublicKey struct {
	ID           string `json:"id"`
	Owner        string `json:"owner"`
	PublicKeyPem string `json:"publicKeyPem"`
}

// PropertyValue is a profile field.
type PropertyValue struct {
	Type  string `json:"type"`
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Image is an icon or header.
type Image struct {
	Type      string `json:"type"`
	MediaType string `json:"mediaType,omitempty"`
	URL       string `json:"url"`
	Name      string `json:"name,omitempty"` // the picture's alt text
}

// Actor is a Person (or Service, or Application) document.
type Actor struct {
	Context                   any             `json:"@context"`
	ID                        string          `json:"id"`
	Type                      string          `json:"type"`
	Following                 string          `json:"following,omitempty"`
	Followers                 string          `json:"followers,omitempty"`
	Inbox                     string          `json:"inbox"`
	Outbox                    string          `json:"outbox"`
	Featured                  string          `json:"featured,omitempty"`
	FeaturedTags              string          `json:"featuredTags,omitempty"`
	PreferredUsername         string          `json:"preferredUsername"`
	Name                      string          `json:"name"`
	Summary                   string          `json:"summary"`
	URL                       string          `json:"url"`
	ManuallyApprovesFollowers bool            `json:"manuallyApprovesFollowers"`
	Discoverable              bool            `json:"discoverable"`
	Indexable                 bool            `json:"indexable"`
	Published                 string          `json:"published"`
	Memorial                  bool            `json:"memorial"`
	PublicKey                 PublicKey       `json:"publicKey"`
	Tag                       []any           `json:"tag"`
	Attachment                []PropertyValue `json:"attachment"`
	Endpoints                 map[string]any  `json:"endpoints"`
	Icon                      *Image          `json:"icon,omitempty"`
	Image                     *Image          `json:"image,omitempty"`
	// AlsoKnownAs and MovedTo are set when the account has aliases or moved.
	AlsoKnownAs []string `json:"alsoKnownAs,omitempty"`
	MovedTo     string   `json:"movedTo,omitempty"`
	// AttributionDomains are the sites that may credit the account (fediverse:creator).
	AttributionDomains []string `json:"attributionDomains,omitempty"`
	// Generator and Implements advertise what Herd implements (FEP-844e): on the
	// generator of an account's actor, on the instance actor itself.
	Generator  *Generator  `json:"generator,omitempty"`
	Implements []Implement `json:"implements,omitempty"`
	// Suspended is set, and the profile left out, while moderators suspend the
	// account, as Mastodon's actor of a suspended account.
	Suspended bool `json:"suspended,omitempty"`
}

// Actor returns the document of a local account, by username.
func (s *Sender) Actor(ctx context.Context, username string) (*Actor, error) {
	a, err := s.accounts.Lookup(ctx, username, "")
	if errors.Is(err, account.ErrNotFound) || (err == nil && a.Pending) {
		return nil, fmt.Errorf("actor %s: %w", username, ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	if !a.DeletedAt.IsZero() {
		return nil, fmt.Errorf("actor %s: deleted: %w", username, ErrGone)
	}
	return s.actorOf(ctx, a)
}

// actorOf is the document of a local account.
func (s *Sender) actorOf(ctx context.Context, a *account.Account) (*Actor, error) {
	pem, err := s.keys.PublicKeyPEM(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	id := s.ActorURI(a.Username)
	doc := &Actor{Context: actorContext, ID: id, Type: "Person", Following: id + "/following",
		Followers: id + "/followers", Inbox: id + "/inbox", Outbox: id + "/outbox",
		Featured: id + "/collections/featured", FeaturedTags: id + "/collections/tags",
		PreferredUsername: a.Username, Name: a.DisplayName, Summary: a.Note, URL: s.ProfileURL(a.Username),
		ManuallyApprovesFollowers: a.Locked, Discoverable: a.Discoverable, Indexable: a.Indexable,
		Published: midnight(a.CreatedAt), PublicKey: PublicKey{ID: id + "#main-key", Owner: id, PublicKeyPem: pem},
		Tag: []any{}, Attachment: []PropertyValue{}, Endpoints: map[string]any{"sharedInbox": s.Base() + "/inbox"},
		AlsoKnownAs: a.AlsoKnownAs, MovedTo: a.MovedToURI, Generator: herdGenerator()}
	if a.Bot {
		doc.Type = "Service"
	}
	if a.Suspended {
		doc.Name, doc.Summary, doc.Discoverable, doc.Indexable, doc.Suspended = "", "", false, false, true
		doc.AlsoKnownAs, doc.MovedTo = nil, ""
		return doc, nil
	}
	texts := []string{a.DisplayName, a.Note}
	for _, f := range a.Fields {
		doc.Attachment = append(doc.Attachment, PropertyValue{Type: "PropertyValue", Name: f.Name, Value: f.Value})
		texts = append(texts, f.Name, f.Value)
	}
	emojis, err := s.emojiTags(ctx, texts...)
	if err != nil {
		return nil, err
	}
	for _, e := range emojis {
		doc.Tag = append(doc.Tag, e)
	}
	doc.Icon, doc.Image = s.picture(a.AvatarKey, a.AvatarURL, a.AvatarDescription), s.picture(a.HeaderKey, a.HeaderURL, a.HeaderDescription)
	doc.AttributionDomains = a.AttributionDomains
	return doc, nil
}

// SendProfile sends the actor document of a local account to its remote followers
// (each server's shared inbox once) as an Update, signed by the account, as Mastodon
// sends one after every profile change.
func (s *Sender) SendProfile(ctx context.Context, a *account.Account) error {
	if !a.Local() {
		return nil
	}
	inboxes, err := s.followerInboxes(ctx, a.ID)
	if err != nil {
		return err
	}
	return s.sendActor(ctx, a, inboxes)
}

// sendActor sends the actor document of a local account to inboxes as an Update.
func (s *Sender) sendActor(ctx context.Context, a *account.Account, inboxes []string) error {
	if len(inboxes) == 0 {
		return nil
	}
	doc, err := s.actorOf(ctx, a)
	if err != nil {
		return err
	}
	return s.send(ctx, a.ID, map[string]any{"id": doc.ID + "#updates/" + strconv.FormatInt(time.Now().UnixMilli(), 10) + "-" + nonce(),
		"type": "Update", "actor": doc.ID, "to": []string{Public}, "object": doc}, inboxes)
}

// InstanceActor returns the server's own Application actor (/actor), which signs
// fetches and instance-level activities.
func (s *Sender) InstanceActor(ctx context.Context) (*Actor, error) {
	pem, err := s.keys.PublicKeyPEM(ctx, 0)
	if err != nil {
		return nil, err
	}
	id := instanceActorURI(s.opts)
	return &Actor{Context: actorContext, ID: id, Type: "Application", Inbox: id + "/inbox", Outbox: id + "/outbox",
		PreferredUsername: s.opts.Domain, Name: s.opts.Domain, URL: s.Base() + "/about/more?instance_actor=true",
		ManuallyApprovesFollowers: true, Published: midnight(time.Unix(0, 0)),
		PublicKey: PublicKey{ID: id + "#main-key", Owner: id, PublicKeyPem: pem},
		Tag:       []any{}, Attachment: []PropertyValue{}, Endpoints: map[string]any{"sharedInbox": s.Base() + "/inbox"},
		Generator: herdGenerator(), Implements: herdImplements}, nil
}

// InstanceOutbox is the outbox the instance actor advertises: an empty collection,
// as the instance actor posts nothing.
func (s *Service) InstanceOutbox() map[string]any {
	return map[string]any{"@context": collectionContext, "id": s.InstanceActorURI() + "/outbox",
		"type": "OrderedCollection", "totalItems": 0, "orderedItems": []any{}}
}

// midnight renders the day of t as Mastodon publishes actor creation: midnight UTC.
func midnight(t time.Time) string {
	return t.UTC().Truncate(24 * time.Hour).Format("2006-01-02T15:04:05Z")
}

// localAccount finds a local account by username or reports ErrNotFound.
func (s *Service) localAccount(ctx context.Context, username string) (*account.Account, error) {
	a, err := s.accounts.Lookup(ctx, username, "")
	if errors.Is(err, account.ErrNotFound) {
		return nil, fmt.Errorf("actor %s: %w", username, ErrNotFound)
	}
	return a, err
}

// contentAccount is publicAccount for what an account published (its collections,
// notes and pages): those of a suspended account answer ErrSuspended.
func (s *Service) contentAccount(ctx context.Context, username string) (*account.Account, error) {
	a, err := s.publicAccount(ctx, username)
	if err == nil && a.Suspended {
		return nil, fmt.Errorf("actor %s: %w", username, ErrSuspended)
	}
	return a, err
}

// publicAccount is localAccount for what the public reads of an account (its
// WebFinger answer, pages, collections, notes): a pending registration is not
// found, as Mastodon hides an unapproved account, and a deleted one is gone.
func (s *Service) publicAccount(ctx context.Context, username string) (*account.Account, error) {
	a, err := s.localAccount(ctx, username)
	if err == nil && a.Pending {
		return nil, fmt.Errorf("actor %s: pending approval: %w", username, ErrNotFound)
	}
	if err == nil && !a.DeletedAt.IsZero() {
		return nil, fmt.Errorf("actor %s: deleted: %w", username, ErrGone)
	}
	return a, err
}

// picture is an actor's icon or image: the local picture stored under key, else url.
func (s *Sender) picture(key, url, description string) *Image {
	if key != "" && s.media != nil {
		url = s.media.FileURL(key)
	}
	if url == "" {
		return nil
	}
	return &Image{Type: "Image", URL: url, MediaType: mediaTypeOf(url), Name: description}
}

// mediaTypeOf is the type of a picture by the extension it was stored with.
func mediaTypeOf(url string) string {
	switch {
	case strings.HasSuffix(url, ".jpeg"), strings.HasSuffix(url, ".jpg"):
		return "image/jpeg"
	case strings.HasSuffix(url, ".png"):
		return "image/png"
	case strings.HasSuffix(url, ".gif"):
		return "image/gif"
	}
	return ""
}
