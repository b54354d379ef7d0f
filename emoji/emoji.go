// Package emoji owns custom emoji: the local ones an administrator adds (their
// pictures stored by the media service, which names them by key), those of other
// servers as their posts and actors name them (recorded by URL), and which of them a
// text uses (`:shortcode:`), and the moderators' changes of them (Admin: upload,
// change, remove, copy, with Mastodon's rules, audited). It stores records through
// the store contract, pictures through the media service's interface; it must not
// know files, HTTP, federation or engines.
package emoji

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/herd-social/herd/store"
)

var (
	// ErrNotFound is returned for an emoji that does not exist.
	ErrNotFound = errors.New("emoji: not found")
	// ErrInvalid is returned for a shortcode Mastodon would not take.
	ErrInvalid = errors.New("emoji: invalid")
	// ErrExists is returned by Create for a shortcode its domain has already.
	ErrExists = errors.New("emoji: shortcode taken")
)

// Emoji is one custom emoji of a domain ("" for this server's).
type Emoji struct {
	Shortcode string `cbor:"1,keyasint"`
	Domain    string `cbor:"2,keyasint,omitempty"`
	// Key names a local emoji's picture in the media store; URL is a remote one's.
	Key       string    `cbor:"3,keyasint,omitempty"`
	URL       string    `cbor:"4,keyasint,omitempty"`
	MediaType string    `cbor:"5,keyasint,omitempty"`
	Category  string    `cbor:"6,keyasint,omitempty"`
	Disabled  bool      `cbor:"7,keyasint,omitempty"`
	Hidden    bool      `cbor:"8,keyasint,omitempty"` // not in the picker
	UpdatedAt time.Time `cbor:"9,keyasint"`
	// URI is a remote emoji's id, as its server names it.
	URI string `cbor:"10,keyasint,omitempty"`
}

const tEmoji = "custom_emojis" // domain → shortcode → Emoji

// Schema lists the tables this package uses.
func Schema() store.Schema { return store.Schema{{Name: tEmoji}} }

// shortcodeRE is what Mastodon takes as a shortcode (CustomEmoji::SHORTCODE_RE_FRAGMENT).
var shortcodeRE = regexp.MustCompile(`^[a-zA-Z0-9_]{2,}$`)

// ValidShortcode reports whether s may name an emoji.
func ValidShortcode(s string) bool { return len(s) <= 64 && shortcodeRE.MatchString(s) }

// Used returns the shortcodes the texts use, once each, in order of first use: each
// :shortcode: as Mastodon's CustomEmoji::SCAN_RE finds it, not in the middle of a
// word or of another shortcode, where two shortcodes may touch (":a::b:"). It is on
// the path of every status rendered, so it scans bytes rather than run a regular
// expression (FuzzUsed holds it to one).
func Used(texts ...string) []string {
	var out []string
	for _, t := range texts {
		for i := strings.IndexByte(t, ':'); i >= 0; {
			if !opens(t, i) {
				i = nextColon(t, i+1)
				continue
			}
			j := i + 1
			for j < len(t) && shortcodeByte(t[j]) {
				j++
			}
			if j == len(t) || t[j] != ':' {
				i = nextColon(t, j)
				continue
			}
			if code := t[i+1 : j]; len(code) >= 2 {
				if !slices.Contains(out, code) {
					out = append(out, code)
				}
				i = nextColon(t, j+1)
			} else {
				i = j
			}
		}
	}
	return out
}

// opens reports whether the colon at t[i] may open a shortcode: at the start, after a
// character that is neither a letter, a digit nor a colon, or as the second colon of
// a pair ("::"), which may close one shortcode and open the next.
func opens(t string, i int) bool {
	if i == 0 {
		return true
	}
	if b := t[i-1]; b != ':' {
		return !('a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9')
	}
	run := 0 // the colons right before t[i]
	for k := i - 1; k >= 0 && t[k] == ':'; k-- {
		run++
	}
	return run%2 == 1
}

// shortcodeByte reports whether b may be in a shortcode.
func shortcodeByte(b byte) bool {
	return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || b == '_'
}

// nextColon is the index of the first ':' of t at or after from, or -1.
func nextColon(t string, from int) int {
	if from >= len(t) {
		return -1
	}
	if k := strings.IndexByte(t[from:], ':'); k >= 0 {
		return from + k
	}
	return -1
}

// Service stores emoji.
type Service struct{ st store.Store }

// New returns a service on st.
func New(st store.Store) *Service { return &Service{st: st} }

func key(domain string) []byte { return append([]byte("d:"), domain...) }

// Put records an emoji, replacing the one of its domain and shortcode.
func (s *Service) Put(ctx context.Context, e *Emoji) error {
	if !ValidShortcode(e.Shortcode) {
		return fmt.Errorf("%w: shortcode %q", ErrInvalid, e.Shortcode)
	}
	b, err := store.Marshal(e)
	if err != nil {
		return err
	}
	if err := s.st.Put(ctx, tEmoji, key(e.Domain), []byte(e.Shortcode), b, 0); err != nil {
		return fmt.Errorf("save emoji %s: %w", e.Shortcode, err)
	}
	return nil
}

// Create records a new emoji; one of its domain and shortcode already there is left
// as it is (ErrExists), whoever of two creating it at once is first.
func (s *Service) Create(ctx context.Context, e *Emoji) error {
	if !ValidShortcode(e.Shortcode) {
		return fmt.Errorf("%w: shortcode %q", ErrInvalid, e.Shortcode)
	}
	b, err := store.Marshal(e)
	if err != nil {
		return err
	}
	ok, _, err := s.st.PutIfAbsent(ctx, tEmoji, key(e.Domain), []byte(e.Shortcode), b, 0)
	if err != nil {
		return fmt.Errorf("create emoji %s: %w", e.Shortcode, err)
	}
	if !ok {
		return fmt.Errorf("emoji %s@%s: %w", e.Shortcode, e.Domain, ErrExists)
	}
	return nil
}

// Record records the emoji of another server's domain as its documents name them,
// replacing what was known of them but for what moderators set here (disabled, hidden
// from the picker, category), which stays: one multi-get and one batch.
func (s *Service) Record(ctx context.Context, domain string, es []*Emoji) error {
	if len(es) == 0 {
		return nil
	}
	keys := make([]store.Key, len(es))
	for i, e := range es {
		if !ValidShortcode(e.Shortcode) || e.Domain != domain {
			return fmt.Errorf("%w: emoji %s of %q recorded as %q's", ErrInvalid, e.Shortcode, e.Domain, domain)
		}
		keys[i] = store.Key{PK: key(domain), CK: []byte(e.Shortcode)}
	}
	known, err := s.st.MultiGet(ctx, tEmoji, keys)
	if err != nil {
		return fmt.Errorf("look up emoji of %s: %w", domain, err)
	}
	muts := make([]store.Mutation, len(es))
	for i, e := range es {
		if known[i] != nil {
			var old Emoji
			if err := store.Unmarshal(known[i], &old); err != nil {
				return err
			}
			e.Disabled, e.Hidden, e.Category = old.Disabled, old.Hidden, old.Category
		}
		b, err := store.Marshal(e)
		if err != nil {
			return err
		}
		muts[i] = store.Mutation{Kind: store.Put, Table: tEmoji, PK: keys[i].PK, CK: keys[i].CK, Value: b}
	}
	if err := s.st.Batch(ctx, muts); err != nil {
		return fmt.Errorf("record emoji of %s: %w", domain, err)
	}
	return nil
}

// Get returns one emoji.
func (s *Service) Get(ctx context.Context, domain, shortcode string) (*Emoji, error) {
	b, err := s.st.Get(ctx, tEmoji, key(domain), []byte(shortcode))
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("emoji %s@%s: %w", shortcode, domain, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("load emoji %s: %w", shortcode, err)
	}
	var e Emoji
	return &e, store.Unmarshal(b, &e)
}

// Delete removes an emoji.
func (s *Service) Delete(ctx context.Context, domain, shortcode string) error {
	return s.st.Delete(ctx, tEmoji, key(domain), []byte(shortcode))
}

// List returns every emoji of a domain ("" for the local ones), by shortcode.
func (s *Service) List(ctx context.Context, domain string) ([]*Emoji, error) {
	var out []*Emoji
	var after []byte
	for {
		rows, err := s.st.Scan(ctx, tEmoji, key(domain), store.Range{Lower: store.Excl(after), Limit: 1000})
		if err != nil {
			return nil, fmt.Errorf("list emoji: %w", err)
		}
		for _, r := range rows {
			var e Emoji
			if err := store.Unmarshal(r.Value, &e); err != nil {
				return nil, err
			}
			out = append(out, &e)
		}
		if len(rows) < 1000 {
			return out, nil
		}
		after = rows[len(rows)-1].CK
	}
}

// Lookup returns the enabled emoji of a domain among shortcodes, in their order.
func (s *Service) Lookup(ctx context.Context, domain string, shortcodes []string) ([]*Emoji, error) {
	if len(shortcodes) == 0 {
		return nil, nil
	}
	keys := make([]store.Key, len(shortcodes))
	for i, sc := range shortcodes {
		keys[i] = store.Key{PK: key(domain), CK: []byte(sc)}
	}
	vals, err := s.st.MultiGet(ctx, tEmoji, keys)
	if err != nil {
		return nil, fmt.Errorf("look up emoji: %w", err)
	}
	var out []*Emoji
	for _, v := range vals {
		if v == nil {
			continue
		}
		var e Emoji
		if err := store.Unmarshal(v, &e); err != nil {
			return nil, err
		}
		if !e.Disabled {
			out = append(out, &e)
		}
	}
	return out, nil
}
