package status

import (
	"context"
	"fmt"

	"github.com/herd-social/herd/bus"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// FavouriteTopic is the bus topic of favourites recorded, local or remote, keyed by
// status; only trends reads it. It is apart from Topic so that the consumers of
// status events never see a favourite.
const FavouriteTopic = "favourites"

// Favourited is the event of a favourite recorded: the status (an original), the
// account that gave it, and the favourite's own id, whose time is when it was given.
// A favourite given again publishes the same event again.
type Favourited struct {
	StatusID shard.ID `cbor:"1,keyasint"`
	Account  shard.ID `cbor:"2,keyasint"`
	ID       shard.ID `cbor:"3,keyasint"`
}

// DecodeFavourited reads a favourite's event from a bus message.
func DecodeFavourited(m bus.Message) (Favourited, error) {
	var e Favourited
	err := store.Unmarshal(m.Value, &e)
	return e, err
}

func (s *Service) publishFavourite(ctx context.Context, e Favourited) error {
	b, err := store.Marshal(&e)
	if err != nil {
		return err
	}
	if err := s.bus.Publish(ctx, bus.Message{Topic: FavouriteTopic, Key: e.StatusID.Bytes(), Value: b}); err != nil {
		return fmt.Errorf("publish favourite of %d by %d: %w", e.StatusID, e.Account, err)
	}
	return nil
}
