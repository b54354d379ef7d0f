// Package collection owns Mastodon 4.6's collections: a named, curated set of accounts
// that an account recommends (a name, a description, a language, a tag, sensitive and
// discoverable flags), its items (one per featured account, with a state: pending,
// accepted, rejected or revoked), who may feature whom (Mastodon's feature approval
// policy, which for a local account is "anyone, when the account is discoverable"), the
// limits and validation messages, and the reverse index from a featured account to the
// collections that feature it. It does not render entities nor know HTTP, and it does
// not federate collections.
package collection

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

const (
	tCollections = "collections"            // collection id → "" → Collection
	tByOwner     = "collections_by_account" // owner → collection id (Desc) → —
	tItems       = "collection_items"       // collection id → item id → Item
	tMembers     = "collection_members"     // collection id → account id → item id (one item per account)
	tFeaturing   = "collections_featuring"  // featured account → collection id (Desc) → item id
)

// rowKey is the single clustering key of a collection record.
var rowKey = []byte{}

// present is the value of an index row (never empty, so that a multi-get tells it
// from a missing row).
var present = []byte{1}

// Limits, as Mastodon's Collection model has them, and Herd's bound on how many
// collections an account keeps (Mastodon sets one per role).
const (
	MaxItems          = 25  // Collection::MAX_ITEMS: pending and accepted items
	MaxNameLength     = 40  // name of a local collection
	MaxDescription    = 100 // description of a local collection
	MaxPerAccount     = 100 // Herd's bound
	maxLanguageLength = 16
)

// Schema lists the tables this package uses.
func Schema() store.Schema {
	return store.Schema{{Name: tCollections}, {Name: tByOwner, Order: store.Desc}, {Name: tItems},
		{Name: tMembers}, {Name: tFeaturing, Order: store.Desc}}
}

var (
	// ErrNotFound is a collection, or an item of it, that does not exist.
	ErrNotFound = errors.New("collection: not found")
	// ErrForbidden is a change by someone the rules do not allow: a collection
	// changed by another than its owner, an account that cannot be featured by the
	// collection's owner, an item revoked by another than its account.
	ErrForbidden = errors.New("collection: not permitted")
)

// FieldError is one refused attribute, as Mastodon's ValidationErrorFormatter
// details it: the attribute, a code (ERR_BLANK, ERR_TOO_LONG, ERR_INVALID) and the
// message of the attribute.
type FieldError struct {
	Field, Code, Description string
	// Full is the message with the attribute's name ("Name can't be blank").
	Full string
}

// Validation is a refused change, with Mastodon's messages.
type Validation struct {
	Errs []FieldError
	// Record tells the errors of a collection's own attributes (rendered by Mastodon
	// with their details) from a refused item.
	Record bool
}

func (v *Validation) Error() string {
	msgs := make([]string, len(v.Errs))
	for i, e := range v.Errs {
		msgs[i] = e.Full
	}
	return "Validation failed: " + strings.Join(msgs, ", ")
}

func fieldError(field, label, code, desc string) FieldError {
	return FieldError{Field: field, Code: code, Description: desc, Full: label + " " + desc}
}

// State is the state of an item.
type State string

// The states of an item, as Mastodon's CollectionItem.
const (
	Pending  State = "pending"
	Accepted State = "accepted"
	Rejected State = "rejected"
	Revoked  State = "revoked"
)

// Collection is one collection.
type Collection struct {
	ID           shard.ID  `cbor:"1,keyasint"`
	Owner        shard.ID  `cbor:"2,keyasint"`
	Name         string    `cbor:"3,keyasint"`
	Description  string    `cbor:"4,keyasint,omitempty"`
	Language     string    `cbor:"5,keyasint,omitempty"`
	Tag          string    `cbor:"6,keyasint,omitempty"` // normalised name, without #
	Sensitive    bool      `cbor:"7,keyasint,omitempty"`
	Discoverable bool      `cbor:"8,keyasint,omitempty"`
	CreatedAt    time.Time `cbor:"9,keyasint"`
	UpdatedAt    time.Time `cbor:"10,keyasint"`
}

// Item is one account featured in a collection.
type Item struct {
	ID         shard.ID  `cbor:"1,keyasint"`
	Collection shard.ID  `cbor:"2,keyasint"`
	Account    shard.ID  `cbor:"3,keyasint"`
	State      State     `cbor:"4,keyasint"`
	CreatedAt  time.Time `cbor:"5,keyasint"`
}

// Live reports whether the item counts towards MaxItems (pending or accepted).
func (i *Item) Live() bool { return i.State == Pending || i.State == Accepted }

// Accounts is the part of account.Service that the rules of featuring read.
type Accounts interface {
	Get(ctx context.Context, id shard.ID) (*account.Account, error)
	EitherBlocks(ctx context.Context, a, b shard.ID) (bool, error)
}

// Options configure the service.
type Options struct {
	// Now is the clock; time.Now by default.
	Now func() time.Time
}

func (o Options) withDefaults() Options {
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// Service keeps collections.
type Service struct {
	st   store.Store
	ids  *shard.Generator
	accs Accounts
	opts Options
}

// New returns the collection service.
func New(st store.Store, ids *shard.Generator, accs Accounts, opts Options) *Service {
	return &Service{st: st, ids: ids, accs: accs, opts: opts.withDefaults()}
}

func (s *Service) now() time.Time { return s.opts.Now().UTC().Truncate(time.Millisecond) }

// Get returns collection id, or ErrNotFound.
func (s *Service) Get(ctx context.Context, id shard.ID) (*Collection, error) {
	b, err := s.st.Get(ctx, tCollections, id.Bytes(), rowKey)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("collection %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("load collection %d: %w", id, err)
	}
	var c Collection
	if err := store.Unmarshal(b, &c); err != nil {
		return nil, err
	}
	return &c, nil
}

// many loads collections by id, in order, skipping those gone.
func (s *Service) many(ctx context.Context, ids []shard.ID) ([]*Collection, error) {
	keys := make([]store.Key, len(ids))
	for i, id := range ids {
		keys[i] = store.Key{PK: id.Bytes(), CK: rowKey}
	}
	vals, err := s.st.MultiGet(ctx, tCollections, keys)
	if err != nil {
		return nil, fmt.Errorf("load %d collections: %w", len(ids), err)
	}
	out := make([]*Collection, 0, len(vals))
	for _, v := range vals {
		if v == nil {
			continue
		}
		var c Collection
		if err := store.Unmarshal(v, &c); err != nil {
			return nil, err
		}
		out = append(out, &c)
	}
	return out, nil
}

func (s *Service) put(ctx context.Context, c *Collection) error {
	b, err := store.Marshal(c)
	if err != nil {
		return err
	}
	if err := s.st.Put(ctx, tCollections, c.ID.Bytes(), rowKey, b, 0); err != nil {
		return fmt.Errorf("save collection %d: %w", c.ID, err)
	}
	return nil
}

// Items returns every item of a collection, oldest first (Mastodon's position order),
// whatever its state.
func (s *Service) Items(ctx context.Context, id shard.ID) ([]*Item, error) {
	rows, err := s.st.Scan(ctx, tItems, id.Bytes(), store.Range{})
	if err != nil {
		return nil, fmt.Errorf("items of collection %d: %w", id, err)
	}
	out := make([]*Item, 0, len(rows))
	for _, r := range rows {
		var it Item
		if err := store.Unmarshal(r.Value, &it); err != nil {
			return nil, err
		}
		out = append(out, &it)
	}
	return out, nil
}

// Item returns the item id of collection c, or ErrNotFound.
func (s *Service) Item(ctx context.Context, c, id shard.ID) (*Item, error) {
	b, err := s.st.Get(ctx, tItems, c.Bytes(), id.Bytes())
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("item %d of collection %d: %w", id, c, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("load item %d: %w", id, err)
	}
	var it Item
	if err := store.Unmarshal(b, &it); err != nil {
		return nil, err
	}
	return &it, nil
}

// Of returns owner's collections, newest first, offset and limit applied after
// leaving out the undiscoverable ones unless all is set (the owner's own view).
func (s *Service) Of(ctx context.Context, owner shard.ID, all bool, offset, limit int) ([]*Collection, error) {
	rows, err := s.st.Scan(ctx, tByOwner, owner.Bytes(), store.Range{})
	if err != nil {
		return nil, fmt.Errorf("collections of %d: %w", owner, err)
	}
	ids := make([]shard.ID, len(rows))
	for i, r := range rows {
		ids[i] = shard.FromBytes(r.CK)
	}
	cs, err := s.many(ctx, ids)
	if err != nil {
		return nil, err
	}
	kept := cs[:0]
	for _, c := range cs {
		if all || c.Discoverable {
			kept = append(kept, c)
		}
	}
	return window(kept, offset, limit), nil
}

// Featuring returns the collections in which account is an accepted item, newest
// first, with offset and limit.
func (s *Service) Featuring(ctx context.Context, acct shard.ID, offset, limit int) ([]*Collection, error) {
	rows, err := s.st.Scan(ctx, tFeaturing, acct.Bytes(), store.Range{Limit: offset + limit})
	if err != nil {
		return nil, fmt.Errorf("collections featuring %d: %w", acct, err)
	}
	rows = window(rows, offset, limit)
	ids := make([]shard.ID, len(rows))
	for i, r := range rows {
		ids[i] = shard.FromBytes(r.CK)
	}
	return s.many(ctx, ids)
}

// window is the page of xs at offset, of at most limit items.
func window[T any](xs []T, offset, limit int) []T {
	if offset >= len(xs) {
		return nil
	}
	xs = xs[offset:]
	if len(xs) > limit {
		xs = xs[:limit]
	}
	return xs
}
