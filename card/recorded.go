package card

import (
	"context"
	"fmt"

	"github.com/herd-social/herd/store"
)

// Recorded returns the cards recorded for URLs, keyed by URL, in one read, without
// fetching anything; URLs whose page gave no card, or never fetched, are absent.
func (s *Service) Recorded(ctx context.Context, urls []string) (map[string]*Card, error) {
	if len(urls) == 0 {
		return nil, nil
	}
	keys := make([]store.Key, len(urls))
	for i, u := range urls {
		keys[i] = store.Key{PK: []byte(u), CK: empty}
	}
	vals, err := s.st.MultiGet(ctx, tByURL, keys)
	if err != nil {
		return nil, fmt.Errorf("load cards of URLs: %w", err)
	}
	out := make(map[string]*Card, len(vals))
	for i, v := range vals {
		if v == nil {
			continue
		}
		var c Card
		if err := store.Unmarshal(v, &c); err != nil {
			return nil, fmt.Errorf("card of %s: %w", urls[i], err)
		}
		if !c.None {
			out[urls[i]] = &c
		}
	}
	return out, nil
}
