package account

import (
	"context"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// MaxNoteLength is the longest private note on an account, in characters, as
// Mastodon's AccountNote.
const MaxNoteLength = 2000

// SetNote keeps owner's private note on target (POST /api/v1/accounts/:id/note); an
// empty comment removes it.
func (s *Service) SetNote(ctx context.Context, owner, target shard.ID, comment string) error {
	if utf8.RuneCountInString(comment) > MaxNoteLength {
		return invalid("Comment is too long (maximum is %d characters)", MaxNoteLength)
	}
	var err error
	if comment == "" {
		err = s.st.Delete(ctx, tNotes, owner.Bytes(), target.Bytes())
	} else {
		err = s.st.Put(ctx, tNotes, owner.Bytes(), target.Bytes(), []byte(comment), 0)
	}
	if err != nil {
		return fmt.Errorf("note of %d on %d: %w", owner, target, err)
	}
	return nil
}

// Note is owner's private note on target, or "" for none.
func (s *Service) Note(ctx context.Context, owner, target shard.ID) (string, error) {
	b, err := s.st.Get(ctx, tNotes, owner.Bytes(), target.Bytes())
	if errors.Is(err, store.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("note of %d on %d: %w", owner, target, err)
	}
	return string(b), nil
}
