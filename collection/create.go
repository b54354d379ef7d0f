package collection

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
	"github.com/herd-social/herd/text"
)

// Changes are the attributes of a create or an update; nil keeps the current value
// (or the default on create: not sensitive, discoverable, no description, language
// nor tag).
type Changes struct {
	Name, Description, Language, Tag *string
	Sensitive, Discoverable          *bool
}

// languageRE is the shape of a language code Herd takes: ISO 639-1 or 639-3, with an
// optional region or script (Mastodon checks its list of supported languages).
var languageRE = regexp.MustCompile(`^[a-z]{2,3}(-[A-Za-z]{2,4})?$`)

// apply sets the changes on c and checks the result as Mastodon's Collection model
// validates a local collection, reporting every refused attribute.
func (ch Changes) apply(c *Collection) error {
	if ch.Name != nil {
		c.Name = *ch.Name
	}
	if ch.Description != nil {
		c.Description = *ch.Description
	}
	if ch.Language != nil {
		c.Language = strings.TrimSpace(*ch.Language)
	}
	if ch.Tag != nil {
		c.Tag = text.NormalizeTag(strings.TrimPrefix(strings.TrimSpace(*ch.Tag), "#"))
	}
	if ch.Sensitive != nil {
		c.Sensitive = *ch.Sensitive
	}
	if ch.Discoverable != nil {
		c.Discoverable = *ch.Discoverable
	}
	var errs []FieldError
	switch {
	case strings.TrimSpace(c.Name) == "":
		errs = append(errs, fieldError("name", "Name", "ERR_BLANK", "can't be blank"))
	case utf8.RuneCountInString(c.Name) > MaxNameLength:
		errs = append(errs, fieldError("name", "Name", "ERR_TOO_LONG", fmt.Sprintf("is too long (maximum is %d characters)", MaxNameLength)))
	}
	if utf8.RuneCountInString(c.Description) > MaxDescription {
		errs = append(errs, fieldError("description", "Description", "ERR_TOO_LONG", fmt.Sprintf("is too long (maximum is %d characters)", MaxDescription)))
	}
	if c.Language != "" && (len(c.Language) > maxLanguageLength || !languageRE.MatchString(c.Language)) {
		errs = append(errs, fieldError("language", "Language", "ERR_INVALID", "is invalid"))
	}
	if len(errs) > 0 {
		return &Validation{Errs: errs, Record: true}
	}
	return nil
}

// Create makes a collection of owner featuring accounts (repeats count once), as
// Mastodon's CreateCollectionService: every account must exist (account.ErrNotFound)
// and be one the owner may feature (ErrForbidden); each becomes an accepted item.
func (s *Service) Create(ctx context.Context, owner shard.ID, ch Changes, accounts []shard.ID) (*Collection, []*Item, error) {
	now := s.now()
	c := &Collection{Owner: owner, Discoverable: true, CreatedAt: now, UpdatedAt: now}
	if err := ch.apply(c); err != nil {
		return nil, nil, err
	}
	var uniq []shard.ID
	for _, a := range accounts {
		if !slices.Contains(uniq, a) {
			uniq = append(uniq, a)
		}
	}
	if len(uniq) > MaxItems {
		return nil, nil, tooMany()
	}
	have, err := s.st.Scan(ctx, tByOwner, owner.Bytes(), store.Range{Limit: MaxPerAccount})
	if err != nil {
		return nil, nil, fmt.Errorf("collections of %d: %w", owner, err)
	}
	if len(have) >= MaxPerAccount {
		return nil, nil, &Validation{Errs: []FieldError{{Field: "base", Code: "ERR_TOO_MANY",
			Description: "You have reached the maximum number of collections",
			Full:        "You have reached the maximum number of collections"}}, Record: true}
	}
	for _, a := range uniq {
		if err := s.mayFeature(ctx, owner, a); err != nil {
			return nil, nil, err
		}
	}
	c.ID = s.ids.Next()
	items := make([]*Item, len(uniq))
	for i, a := range uniq {
		items[i] = &Item{ID: s.ids.Next(), Collection: c.ID, Account: a, State: Accepted, CreatedAt: now}
	}
	b, err := store.Marshal(c)
	if err != nil {
		return nil, nil, err
	}
	muts := []store.Mutation{
		{Kind: store.Put, Table: tCollections, PK: c.ID.Bytes(), CK: rowKey, Value: b},
		{Kind: store.Put, Table: tByOwner, PK: owner.Bytes(), CK: c.ID.Bytes(), Value: present},
	}
	for _, it := range items {
		m, err := itemRows(it)
		if err != nil {
			return nil, nil, err
		}
		muts = append(muts, m...)
	}
	if err := s.st.Batch(ctx, muts); err != nil {
		return nil, nil, fmt.Errorf("create collection of %d: %w", owner, err)
	}
	return c, items, nil
}

// itemRows are the rows of a new accepted item: the item, its account's membership
// and the account's reverse index.
func itemRows(it *Item) ([]store.Mutation, error) {
	b, err := store.Marshal(it)
	if err != nil {
		return nil, err
	}
	return []store.Mutation{
		{Kind: store.Put, Table: tItems, PK: it.Collection.Bytes(), CK: it.ID.Bytes(), Value: b},
		{Kind: store.Put, Table: tMembers, PK: it.Collection.Bytes(), CK: it.Account.Bytes(), Value: it.ID.Bytes()},
		{Kind: store.Put, Table: tFeaturing, PK: it.Account.Bytes(), CK: it.Collection.Bytes(), Value: it.ID.Bytes()},
	}, nil
}

func tooMany() error {
	desc := fmt.Sprintf("are too many (maximum is %d)", MaxItems)
	return &Validation{Errs: []FieldError{fieldError("collection_items", "Collection items", "ERR_TOO_MANY", desc)}}
}

// own loads collection id and checks that owner owns it (ErrForbidden otherwise).
func (s *Service) own(ctx context.Context, owner, id shard.ID) (*Collection, error) {
	c, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if c.Owner != owner {
		return nil, fmt.Errorf("collection %d of %d changed by %d: %w", id, c.Owner, owner, ErrForbidden)
	}
	return c, nil
}

// Update changes owner's collection id, as Mastodon's UpdateCollectionService.
func (s *Service) Update(ctx context.Context, owner, id shard.ID, ch Changes) (*Collection, error) {
	c, err := s.own(ctx, owner, id)
	if err != nil {
		return nil, err
	}
	if err := ch.apply(c); err != nil {
		return nil, err
	}
	c.UpdatedAt = s.now()
	return c, s.put(ctx, c)
}

// Delete removes owner's collection id with its items.
func (s *Service) Delete(ctx context.Context, owner, id shard.ID) error {
	c, err := s.own(ctx, owner, id)
	if err != nil {
		return err
	}
	items, err := s.Items(ctx, id)
	if err != nil {
		return err
	}
	muts := []store.Mutation{
		{Kind: store.Delete, Table: tCollections, PK: id.Bytes(), CK: rowKey},
		{Kind: store.Delete, Table: tByOwner, PK: c.Owner.Bytes(), CK: id.Bytes()},
		{Kind: store.DeletePartition, Table: tItems, PK: id.Bytes()},
		{Kind: store.DeletePartition, Table: tMembers, PK: id.Bytes()},
	}
	for _, it := range items {
		muts = append(muts, store.Mutation{Kind: store.Delete, Table: tFeaturing, PK: it.Account.Bytes(), CK: id.Bytes()})
	}
	if err := s.st.Batch(ctx, muts); err != nil {
		return fmt.Errorf("delete collection %d: %w", id, err)
	}
	return nil
}
