package account

import (
	"context"
	"fmt"
	"unicode/utf8"

	"github.com/herd-social/herd/shard"
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
