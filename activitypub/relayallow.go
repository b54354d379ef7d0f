package activitypub

import (
	"context"
	"errors"
	"fmt"

	"github.com/herd-social/herd/relay"
)

// The relay's allow list (relay mode with AllowList): only its domains may subscribe,
// pass activities on through the relay and receive them.

// relayAllows reports whether a server may subscribe to the relay: any server
// without the allow list, else one whose domain is on it.
func (s *Service) relayAllows(ctx context.Context, domain string) (bool, error) {
	if !s.opts.Relay.AllowList {
		return true, nil
	}
	f, err := s.subscribers.Fanout(ctx)
	if err != nil {
		return false, err
	}
	return f.Allowed[domain], nil
}

// RelayAllowedDomains lists the relay's allow list.
func (s *Service) RelayAllowedDomains(ctx context.Context) ([]*relay.AllowedDomain, error) {
	if !s.RelayEnabled() {
		return nil, errRelayOff
	}
	return s.subscribers.AllowedDomains(ctx)
}

// RelayAllowDomain puts a domain on the relay's allow list.
func (s *Service) RelayAllowDomain(ctx context.Context, domain string) (*relay.AllowedDomain, error) {
	if !s.RelayEnabled() {
		return nil, errRelayOff
	}
	return s.subscribers.AllowDomain(ctx, domain)
}

// RelayDisallowDomain takes a domain off the relay's allow list; under the allow list
// its subscription, if any, ends as RemoveSubscriber ends one (Reject sent, record
// forgotten).
func (s *Service) RelayDisallowDomain(ctx context.Context, domain string) error {
	if !s.RelayEnabled() {
		return errRelayOff
	}
	d, err := relay.NormalizeDomain(domain)
	if err != nil {
		return err
	}
	if err := s.subscribers.DisallowDomain(ctx, d); err != nil {
		if errors.Is(err, relay.ErrNotFound) {
			return fmt.Errorf("%w: %w", ErrNotFound, err)
		}
		return err
	}
	if !s.opts.Relay.AllowList {
		return nil
	}
	sub, err := s.subscribers.Subscriber(ctx, d)
	switch {
	case errors.Is(err, relay.ErrNotFound):
		return nil
	case err != nil:
		return err
	}
	return s.RemoveSubscriber(ctx, sub.ID)
}
