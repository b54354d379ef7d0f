package notification

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// ErrInvalidPolicy is returned for a policy value other than accept, filter or drop.
var ErrInvalidPolicy = errors.New("notification: invalid policy")

// Action is what a policy does with a notification, named as Mastodon's values.
type Action string

// The actions of a notification policy, mildest first.
const (
	Accept    Action = "accept"
	FilterOut Action = "filter"
	Drop      Action = "drop"
)

func (a Action) valid() bool { return a == Accept || a == FilterOut || a == Drop }

// stronger is the harsher of a and b.
func (a Action) stronger(b Action) Action {
	rank := map[Action]int{Accept: 0, FilterOut: 1, Drop: 2}
	if rank[b] > rank[a] {
		return b
	}
	return a
}

// Policy is an account's notification policy, as Mastodon's v2 NotificationPolicy.
type Policy struct {
	NotFollowing    Action `cbor:"1,keyasint"`
	NotFollowers    Action `cbor:"2,keyasint"`
	NewAccounts     Action `cbor:"3,keyasint"`
	PrivateMentions Action `cbor:"4,keyasint"`
	LimitedAccounts Action `cbor:"5,keyasint"`
}

// DefaultPolicy is the policy of an account that never set one, as Mastodon's.
var DefaultPolicy = Policy{NotFollowing: Accept, NotFollowers: Accept, NewAccounts: Accept,
	PrivateMentions: FilterOut, LimitedAccounts: FilterOut}

// Validate reports a value that is not an action.
func (p Policy) Validate() error {
	for _, a := range []Action{p.NotFollowing, p.NotFollowers, p.NewAccounts, p.PrivateMentions, p.LimitedAccounts} {
		if !a.valid() {
			return fmt.Errorf("%w: %q", ErrInvalidPolicy, a)
		}
	}
	return nil
}

// Senders is what a policy asks about a sender: node answers it from the account and
// status services.
type Senders interface {
	// Follows reports whether follower follows target.
	Follows(ctx context.Context, follower, target shard.ID) (bool, error)
	// NewAccount reports whether the account was created in the last 30 days.
	NewAccount(ctx context.Context, id shard.ID) (bool, error)
	// Limited reports whether a moderator limited the account.
	Limited(ctx context.Context, id shard.ID) (bool, error)
	// PrivateMention reports whether the status is a direct one that does not
	// answer a status of to.
	PrivateMention(ctx context.Context, statusID, to shard.ID) (bool, error)
}

// filterable lists the kinds a policy applies to, as Mastodon's filterable types.
var filterable = []Kind{Mention, Reblog, Follow, FollowRequest, Favourite}

// Policy returns account's notification policy.
func (s *Service) Policy(ctx context.Context, account shard.ID) (Policy, error) {
	b, err := s.st.Get(ctx, tPolicies, account.Bytes(), []byte{})
	if errors.Is(err, store.ErrNotFound) {
		return DefaultPolicy, nil
	}
	if err != nil {
		return Policy{}, fmt.Errorf("load the notification policy of %d: %w", account, err)
	}
	var p Policy
	if err := store.Unmarshal(b, &p); err != nil {
		return Policy{}, err
	}
	return p, nil
}

// SetPolicy replaces account's notification policy.
func (s *Service) SetPolicy(ctx context.Context, account shard.ID, p Policy) error {
	if err := p.Validate(); err != nil {
		return err
	}
	b, err := store.Marshal(&p)
	if err != nil {
		return err
	}
	if err := s.st.Put(ctx, tPolicies, account.Bytes(), []byte{}, b, 0); err != nil {
		return fmt.Errorf("save the notification policy of %d: %w", account, err)
	}
	return nil
}

// decide applies to's policy to a notification from `from`: never to kinds a policy
// does not cover, nor to senders to accepted a request of; mentions (and every other
// condition but not-followers) never filter a sender to follows.
func (s *Service) decide(ctx context.Context, to, from shard.ID, kind Kind, statusID shard.ID) (Action, error) {
	if s.senders == nil || !slices.Contains(filterable, kind) {
		return Accept, nil
	}
	if _, err := s.st.Get(ctx, tPermissions, to.Bytes(), from.Bytes()); err == nil {
		return Accept, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return "", fmt.Errorf("load a notification permission of %d: %w", to, err)
	}
	p, err := s.Policy(ctx, to)
	if err != nil {
		return "", err
	}
	following, err := s.senders.Follows(ctx, to, from)
	if err != nil {
		return "", err
	}
	act := Accept
	if p.NotFollowers != Accept {
		follower, err := s.senders.Follows(ctx, from, to)
		if err != nil {
			return "", err
		}
		if !follower && !(following && kind == Mention) {
			act = act.stronger(p.NotFollowers)
		}
	}
	if following {
		return act, nil
	}
	act = act.stronger(p.NotFollowing)
	conds := []struct {
		a    Action
		test func() (bool, error)
	}{
		{p.NewAccounts, func() (bool, error) { return s.senders.NewAccount(ctx, from) }},
		{p.LimitedAccounts, func() (bool, error) { return s.senders.Limited(ctx, from) }},
		{p.PrivateMentions, func() (bool, error) {
			if kind != Mention || statusID == 0 {
				return false, nil
			}
			return s.senders.PrivateMention(ctx, statusID, to)
		}},
	}
	for _, c := range conds {
		if act.stronger(c.a) == act { // nothing to gain from asking
			continue
		}
		hit, err := c.test()
		if err != nil {
			return "", err
		}
		if hit {
			act = act.stronger(c.a)
		}
	}
	return act, nil
}

// Summary counts what waits in account's notification requests, as Mastodon's policy
// summary: the requests (at most 100) and their notifications.
func (s *Service) Summary(ctx context.Context, account shard.ID) (requests, notifications int, err error) {
	rs, err := s.Requests(ctx, account, paging.Page{Limit: 100})
	if err != nil {
		return 0, 0, err
	}
	for _, r := range rs {
		notifications += r.Count
	}
	return len(rs), notifications, nil
}
