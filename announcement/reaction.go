package announcement

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/forPelevin/gomoji"

	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
	"github.com/herd-social/herd/stream"
)

// MaxReactionNames is how many different reactions one announcement may have, as
// Mastodon's ReactionValidator::LIMIT.
const MaxReactionNames = 8

// maxNamesRead bounds the names read of one announcement (removed reactions leave
// their name behind with a count of zero).
const maxNamesRead = 64

// Reaction is one name's reactions to an announcement.
type Reaction struct {
	Name  string
	Count int64
	// Me is whether the viewer reacted with it.
	Me bool
}

func reactedKey(account, id shard.ID) []byte { return append(account.Bytes(), id.Bytes()...) }

// React adds account's reaction name (a unicode emoji or a local custom emoji's
// shortcode) to a listed announcement; reacting twice changes nothing.
func (s *Service) React(ctx context.Context, account, id shard.ID, name string) error {
	if _, err := s.listed(ctx, id); err != nil {
		return err
	}
	if err := s.checkName(ctx, name); err != nil {
		return err
	}
	have, err := s.counts(ctx, id)
	if err != nil {
		return err
	}
	if _, ok := have[name]; !ok && len(have) >= MaxReactionNames {
		return &Validation{"Limit of different reactions reached"}
	}
	wrote, _, err := s.st.PutIfAbsent(ctx, tReacted, reactedKey(account, id), []byte(name), []byte{}, 0)
	if err != nil || !wrote {
		return err
	}
	if err := s.st.Put(ctx, tNames, id.Bytes(), []byte(name), []byte{}, 0); err != nil {
		return fmt.Errorf("reaction to %d: %w", id, err)
	}
	if err := s.st.Add(ctx, tCounts, id.Bytes(), []byte(name), 1); err != nil {
		return fmt.Errorf("reaction to %d: %w", id, err)
	}
	s.publish(stream.Event{Kind: stream.AnnouncementReaction, ID: id, Name: name})
	return nil
}

// Unreact removes account's reaction name from a listed announcement; nothing when
// it had none.
func (s *Service) Unreact(ctx context.Context, account, id shard.ID, name string) error {
	if _, err := s.listed(ctx, id); err != nil {
		return err
	}
	_, err := s.st.Get(ctx, tReacted, reactedKey(account, id), []byte(name))
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reaction to %d: %w", id, err)
	}
	if err := s.st.Delete(ctx, tReacted, reactedKey(account, id), []byte(name)); err != nil {
		return fmt.Errorf("remove reaction to %d: %w", id, err)
	}
	if err := s.st.Add(ctx, tCounts, id.Bytes(), []byte(name), -1); err != nil {
		return fmt.Errorf("remove reaction to %d: %w", id, err)
	}
	s.publish(stream.Event{Kind: stream.AnnouncementReaction, ID: id, Name: name})
	return nil
}

// Count returns how many reacted to announcement id with name.
func (s *Service) Count(ctx context.Context, id shard.ID, name string) (int64, error) {
	n, err := s.st.Counters(ctx, tCounts, []store.Key{{PK: id.Bytes(), CK: []byte(name)}})
	if err != nil {
		return 0, fmt.Errorf("reactions to %d: %w", id, err)
	}
	return max(n[0], 0), nil
}

// counts returns the names with reactions to announcement id and their counts.
func (s *Service) counts(ctx context.Context, id shard.ID) (map[string]int64, error) {
	rows, err := s.st.Scan(ctx, tNames, id.Bytes(), store.Range{Limit: maxNamesRead})
	if err != nil {
		return nil, fmt.Errorf("reactions to %d: %w", id, err)
	}
	keys := make([]store.Key, len(rows))
	for i, r := range rows {
		keys[i] = store.Key{PK: id.Bytes(), CK: r.CK}
	}
	n, err := s.st.Counters(ctx, tCounts, keys)
	if err != nil {
		return nil, fmt.Errorf("reactions to %d: %w", id, err)
	}
	out := map[string]int64{}
	for i, r := range rows {
		if n[i] > 0 {
			out[string(r.CK)] = n[i]
		}
	}
	return out, nil
}

// Reactions returns the reactions to announcement id, in name order, with whether
// viewer reacted with each.
func (s *Service) Reactions(ctx context.Context, viewer, id shard.ID) ([]Reaction, error) {
	rows, err := s.st.Scan(ctx, tNames, id.Bytes(), store.Range{Limit: maxNamesRead})
	if err != nil {
		return nil, fmt.Errorf("reactions to %d: %w", id, err)
	}
	keys := make([]store.Key, len(rows))
	mine := make([]store.Key, len(rows))
	for i, r := range rows {
		keys[i] = store.Key{PK: id.Bytes(), CK: r.CK}
		mine[i] = store.Key{PK: reactedKey(viewer, id), CK: r.CK}
	}
	n, err := s.st.Counters(ctx, tCounts, keys)
	if err != nil {
		return nil, fmt.Errorf("reactions to %d: %w", id, err)
	}
	me, err := s.st.MultiGet(ctx, tReacted, mine)
	if err != nil {
		return nil, fmt.Errorf("reactions to %d: %w", id, err)
	}
	var out []Reaction
	for i, r := range rows {
		if n[i] > 0 {
			out = append(out, Reaction{Name: string(r.CK), Count: n[i], Me: me[i] != nil})
		}
	}
	return out, nil
}

// checkName accepts a unicode emoji or an enabled local custom emoji's shortcode.
func (s *Service) checkName(ctx context.Context, name string) error {
	if UnicodeEmoji(name) {
		return nil
	}
	if s.opts.Emoji != nil && name != "" && len(name) <= 64 {
		ok, err := s.opts.Emoji.LocalEmoji(ctx, name)
		if err != nil || ok {
			return err
		}
	}
	return &Validation{"Name is not a recognized emoji"}
}

// UnicodeEmoji reports whether name is one of the sequences Unicode's emoji test
// data lists (emoji 15.0): fully-qualified, and the minimally-qualified and
// unqualified forms of each, as Mastodon's emoji map (built from the same file)
// accepts them. The list is gomoji's copy of that file; the library adds emoji of
// its own (Japanese-named skin-tone variants, decorative symbols) that Unicode does
// not list, so only its entries named as emoji-test.txt names them ("E<version>
// <name>") count.
func UnicodeEmoji(name string) bool {
	e, err := gomoji.GetInfo(name)
	if err != nil {
		return false
	}
	v, _, ok := strings.Cut(e.UnicodeName, " ")
	return ok && len(v) > 1 && v[0] == 'E' && strings.Trim(v[1:], "0123456789.") == ""
}
