// Package hashtag owns hashtags as records of their own: the tag (its id and
// normalised name, made on first use or follow), the accounts that follow it
// (Mastodon's TagFollow, with the reverse index fan-out reads once per tag of a
// public post), and its daily history (uses and distinct accounts per day, counted
// once per status and per account as fan-out reports uses), the tags an account
// features on its profile (Mastodon's FeaturedTag) with the account's own use of
// them, and the tags it uses most (suggestions). It does not own hashtag
// timelines (package timeline) nor decide which posts enter a follower's home
// (fanout); it must not know HTTP or engines. Names must be normalised
// (text.NormalizeTag) by the caller.
package hashtag

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
	"github.com/herd-social/herd/text"
)

const (
	tTags         = "hashtags"             // name → — → Tag
	tFollows      = "hashtag_follows"      // account → follow id (Desc) → name
	tFollowed     = "hashtag_followed"     // account → name → follow id
	tFollowers    = "hashtag_followers"    // name → account id → —
	tDayStatuses  = "hashtag_day_statuses" // name ‖ day → status id → — (a use counted)
	tDayAccounts  = "hashtag_day_accounts" // name ‖ day → account id → — (an account counted)
	tHistory      = "hashtag_history"      // name → day ‖ kind → counter
	historyMarker = 9 * 24 * time.Hour     // how long the rows that make counting idempotent live
	kindUses      = byte(0)                // history counter of uses
	kindAccounts  = byte(1)                // history counter of distinct accounts
	rowKey        = ""                     // the single clustering key of a tag record
	historyDays   = 7                      // days of history shown, today included
	secondsPerDay = int64(24 * time.Hour / time.Second)
)

// Schema lists the tables this package uses.
func Schema() store.Schema {
	return append(store.Schema{{Name: tTags}, {Name: tFollows, Order: store.Desc}, {Name: tFollowed}, {Name: tFollowers},
		{Name: tDayStatuses, TTL: historyMarker}, {Name: tDayAccounts, TTL: historyMarker},
		{Name: tHistory, Kind: store.Counters}, {Name: tByID}, {Name: tListing, Order: store.Desc}}, featuredTables()...)
}

// ErrNotFound is a tag name that is not a valid hashtag.
var ErrNotFound = errors.New("hashtag: not found")

// Tag is a hashtag's record.
type Tag struct {
	ID   shard.ID `cbor:"1,keyasint"`
	Name string   `cbor:"2,keyasint"`
	// Display is the tag as first spelt (a status, a follow, a featuring), its case
	// kept, as Mastodon's Tag#display_name, or as a moderator re-cased it; empty when
	// made without a spelling.
	Display string `cbor:"3,keyasint,omitempty"`
	// Unusable and Unlisted are a moderator's bans of the tag from new local posts
	// (CheckUsable) and from hashtag search.
	Unusable bool `cbor:"4,keyasint,omitempty"`
	Unlisted bool `cbor:"5,keyasint,omitempty"`
	// Listed is set on a tag made with its row in the listing of all tags (a tag made
	// before the listing existed is listed at its next use).
	Listed bool `cbor:"6,keyasint,omitempty"`
}

// DisplayName is the tag's name as shown: its first spelling (or a moderator's), or
// its normalised name.
func (t *Tag) DisplayName() string {
	if t.Display != "" {
		return t.Display
	}
	return t.Name
}

// Day is one day of a tag's history.
type Day struct {
	// Day is the day's midnight, UTC.
	Day      time.Time
	Uses     int64
	Accounts int64
}

// Followed is a tag an account follows, with the id of the follow (the cursor of
// the followed tags' pages).
type Followed struct {
	FollowID shard.ID
	Tag      string
}

// Service keeps hashtags.
type Service struct {
	st  store.Store
	ids *shard.Generator
}

// New returns the hashtag service.
func New(st store.Store, ids *shard.Generator) *Service { return &Service{st: st, ids: ids} }

// Ensure returns the tag named name, making it if it is new; an empty name is not
// found.
func (s *Service) Ensure(ctx context.Context, name string) (*Tag, error) {
	return s.EnsureAs(ctx, name, "")
}

// EnsureAs is Ensure with the tag as spelt where it is used: a tag made without a
// display name takes display as its own, when display is a spelling of name.
func (s *Service) EnsureAs(ctx context.Context, name, display string) (*Tag, error) {
	if name == "" {
		return nil, ErrNotFound
	}
	if text.NormalizeTag(display) != name {
		display = ""
	}
	t := &Tag{ID: s.ids.Next(), Name: name, Display: display, Listed: true}
	b, err := store.Marshal(t)
	if err != nil {
		return nil, err
	}
	wrote, had, err := s.st.PutIfAbsent(ctx, tTags, []byte(name), []byte(rowKey), b, 0)
	if err != nil {
		return nil, fmt.Errorf("save tag %q: %w", name, err)
	}
	if wrote {
		return t, s.index(ctx, t, true)
	}
	var old Tag
	if err := store.Unmarshal(had, &old); err != nil {
		return nil, err
	}
	if old.Display != "" || display == "" {
		return &old, nil
	}
	old.Display = display
	if b, err = store.Marshal(&old); err != nil {
		return nil, err
	}
	if err := s.st.Put(ctx, tTags, []byte(name), []byte(rowKey), b, 0); err != nil {
		return nil, fmt.Errorf("save tag %q: %w", name, err)
	}
	return &old, nil
}

// Spelt makes the tags of names that are new, each with its display (names'
// order; displays may be shorter), as a status that counts no use spells them.
func (s *Service) Spelt(ctx context.Context, names, displays []string) error {
	for i, name := range names {
		if _, err := s.EnsureAs(ctx, name, at(displays, i)); err != nil {
			return err
		}
	}
	return nil
}

// at is l[i], or "" past l's end.
func at(l []string, i int) string {
	if i < len(l) {
		return l[i]
	}
	return ""
}

func dayOf(t time.Time) int64 { return t.Unix() / secondsPerDay }

func dayKey(name string, d int64) []byte {
	return binary.BigEndian.AppendUint32(append([]byte(name), 0), uint32(d))
}

func historyKey(d int64, kind byte) []byte {
	return append(binary.BigEndian.AppendUint32(nil, uint32(d)), kind)
}

// Used counts a use of the tags by statusID of author on the day of the status, as
// Mastodon's tag history: once per status, and author once per day; and the
// author's own use of each tag (featured tags' counts, suggestions). displays, when
// given, are the tags as the status spells them (names' order), for a new tag's
// display name.
func (s *Service) Used(ctx context.Context, names, displays []string, statusID, author shard.ID) error {
	d := dayOf(statusID.Time())
	for i, name := range names {
		t, err := s.EnsureAs(ctx, name, at(displays, i))
		if err != nil {
			return err
		}
		if err := s.index(ctx, t, false); err != nil {
			return err
		}
		for _, c := range []struct {
			table string
			ck    []byte
			kind  byte
		}{{tDayStatuses, statusID.Bytes(), kindUses}, {tDayAccounts, author.Bytes(), kindAccounts}} {
			wrote, _, err := s.st.PutIfAbsent(ctx, c.table, dayKey(name, d), c.ck, []byte{1}, 0)
			if err != nil {
				return fmt.Errorf("count use of %q: %w", name, err)
			}
			if wrote {
				if err := s.st.Add(ctx, tHistory, []byte(name), historyKey(d, c.kind), 1); err != nil {
					return fmt.Errorf("count use of %q: %w", name, err)
				}
			}
		}
	}
	return s.usedBy(ctx, names, statusID, author)
}

// History returns the uses of name over the last seven days up to now, today
// first.
func (s *Service) History(ctx context.Context, name string, now time.Time) ([]Day, error) {
	today := dayOf(now)
	keys := make([]store.Key, 0, 2*historyDays)
	for i := int64(0); i < historyDays; i++ {
		keys = append(keys, store.Key{PK: []byte(name), CK: historyKey(today-i, kindUses)},
			store.Key{PK: []byte(name), CK: historyKey(today-i, kindAccounts)})
	}
	cs, err := s.st.Counters(ctx, tHistory, keys)
	if err != nil {
		return nil, fmt.Errorf("history of %q: %w", name, err)
	}
	out := make([]Day, historyDays)
	for i := range out {
		out[i] = Day{Day: time.Unix((today-int64(i))*secondsPerDay, 0).UTC(), Uses: cs[2*i], Accounts: cs[2*i+1]}
	}
	return out, nil
}

// Follow makes account follow the tag name (made if new); following it again
// changes nothing.
func (s *Service) Follow(ctx context.Context, account shard.ID, name string) (*Tag, error) {
	t, err := s.Ensure(ctx, name)
	if err != nil {
		return nil, err
	}
	on, err := s.Following(ctx, account, []string{name})
	if err != nil || on[0] {
		return t, err
	}
	fid := s.ids.Next()
	muts := []store.Mutation{
		{Kind: store.Put, Table: tFollows, PK: account.Bytes(), CK: fid.Bytes(), Value: []byte(name)},
		{Kind: store.Put, Table: tFollowed, PK: account.Bytes(), CK: []byte(name), Value: fid.Bytes()},
		{Kind: store.Put, Table: tFollowers, PK: []byte(name), CK: account.Bytes(), Value: []byte{1}},
	}
	if err := s.st.ApplyEach(ctx, muts); err != nil {
		return nil, fmt.Errorf("follow tag %q: %w", name, err)
	}
	return t, nil
}

// Unfollow ends account's follow of the tag name, if any, and returns the tag.
func (s *Service) Unfollow(ctx context.Context, account shard.ID, name string) (*Tag, error) {
	t, err := s.Ensure(ctx, name)
	if err != nil {
		return nil, err
	}
	b, err := s.st.Get(ctx, tFollowed, account.Bytes(), []byte(name))
	if errors.Is(err, store.ErrNotFound) {
		return t, nil
	}
	if err != nil {
		return nil, fmt.Errorf("unfollow tag %q: %w", name, err)
	}
	muts := []store.Mutation{
		{Kind: store.Delete, Table: tFollows, PK: account.Bytes(), CK: b},
		{Kind: store.Delete, Table: tFollowed, PK: account.Bytes(), CK: []byte(name)},
		{Kind: store.Delete, Table: tFollowers, PK: []byte(name), CK: account.Bytes()},
	}
	if err := s.st.ApplyEach(ctx, muts); err != nil {
		return nil, fmt.Errorf("unfollow tag %q: %w", name, err)
	}
	return t, nil
}

// Following reports, for each name, whether account follows it.
func (s *Service) Following(ctx context.Context, account shard.ID, names []string) ([]bool, error) {
	keys := make([]store.Key, len(names))
	for i, n := range names {
		keys[i] = store.Key{PK: account.Bytes(), CK: []byte(n)}
	}
	vals, err := s.st.MultiGet(ctx, tFollowed, keys)
	if err != nil {
		return nil, fmt.Errorf("tags followed by %d: %w", account, err)
	}
	out := make([]bool, len(vals))
	for i, v := range vals {
		out[i] = v != nil
	}
	return out, nil
}

// Followed returns a page of the tags account follows, newest follow first.
func (s *Service) Followed(ctx context.Context, account shard.ID, p paging.Page) ([]Followed, error) {
	rows, err := s.st.Scan(ctx, tFollows, account.Bytes(), p.Range())
	if err != nil {
		return nil, fmt.Errorf("tags followed by %d: %w", account, err)
	}
	rows = p.Newest(rows)
	out := make([]Followed, len(rows))
	for i, r := range rows {
		out[i] = Followed{FollowID: shard.FromBytes(r.CK), Tag: string(r.Value)}
	}
	return out, nil
}

// Followers returns the accounts that follow the tag name.
func (s *Service) Followers(ctx context.Context, name string) ([]shard.ID, error) {
	rows, err := s.st.Scan(ctx, tFollowers, []byte(name), store.Range{})
	if err != nil {
		return nil, fmt.Errorf("followers of tag %q: %w", name, err)
	}
	out := make([]shard.ID, len(rows))
	for i, r := range rows {
		out[i] = shard.FromBytes(r.CK)
	}
	return out, nil
}

// Tags returns the records of names, in order; a name never used nor followed is
// nil.
func (s *Service) Tags(ctx context.Context, names []string) ([]*Tag, error) {
	keys := make([]store.Key, len(names))
	for i, n := range names {
		keys[i] = store.Key{PK: []byte(n), CK: []byte(rowKey)}
	}
	vals, err := s.st.MultiGet(ctx, tTags, keys)
	if err != nil {
		return nil, fmt.Errorf("load %d tags: %w", len(names), err)
	}
	out := make([]*Tag, len(vals))
	for i, v := range vals {
		if v == nil {
			continue
		}
		var t Tag
		if err := store.Unmarshal(v, &t); err != nil {
			return nil, err
		}
		out[i] = &t
	}
	return out, nil
}
