package hashtag

import (
	"context"
	"fmt"
	"strings"
)

// Disallowed returns, of names (normalised), those a moderator made unusable, in
// order.
func (s *Service) Disallowed(ctx context.Context, names []string) ([]string, error) {
	if len(names) == 0 {
		return nil, nil
	}
	ts, err := s.Tags(ctx, names)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, t := range ts {
		if t != nil && t.Unusable {
			out = append(out, t.Name)
		}
	}
	return out, nil
}

// CheckUsable refuses a local status whose text uses a tag a moderator made
// unusable, as Mastodon's DisallowedHashtagsValidator: a *Validation naming them
// (422). Remote statuses and boosts are not checked, as Mastodon's.
func (s *Service) CheckUsable(ctx context.Context, names []string) error {
	bad, err := s.Disallowed(ctx, names)
	if err != nil || len(bad) == 0 {
		return err
	}
	if len(bad) == 1 {
		return &Validation{Msg: "Text contained a disallowed hashtag: " + bad[0]}
	}
	return &Validation{Msg: fmt.Sprintf("Text contained the disallowed hashtags: %s", strings.Join(bad, ", "))}
}
