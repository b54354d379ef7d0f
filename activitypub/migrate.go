package activitypub

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/shard"
)

// ResolveHandle finds the account of a handle (user, @user, user@domain or
// @user@domain): a local one, or a remote one through WebFinger; fresh fetches the
// remote actor again, so that its aliases are current.
func (s *Service) ResolveHandle(ctx context.Context, acct string, fresh bool) (*account.Account, error) {
	user, domain, _ := strings.Cut(strings.TrimPrefix(strings.TrimSpace(acct), "@"), "@")
	if user == "" {
		return nil, account.ErrMoveTargetNotFound
	}
	var a *account.Account
	var err error
	if domain == "" || strings.EqualFold(domain, s.opts.Domain) {
		a, err = s.accounts.Lookup(ctx, user, "")
	} else {
		a, err = s.ResolveAcct(ctx, user, strings.ToLower(domain))
		if err == nil && fresh {
			a, err = s.RemoteAccount(ctx, a.URI, true)
		}
	}
	if err != nil || a == nil || a.Suspended {
		return nil, fmt.Errorf("%w: %s: %v", account.ErrMoveTargetNotFound, acct, err)
	}
	return a, nil
}

// AddAlias lists the account of acct among the accounts id moves from (its
// alsoKnownAs) and tells its followers of its new actor, as Mastodon's AccountAlias.
func (s *Service) AddAlias(ctx context.Context, id shard.ID, acct string) (*account.Account, error) {
	me, err := s.accounts.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	from, err := s.ResolveHandle(ctx, acct, false)
	if err != nil {
		return nil, err
	}
	uri := s.accountURI(from)
	switch {
	case from.ID == me.ID:
		return nil, account.ErrMoveToSelf
	case slices.Contains(me.AlsoKnownAs, uri):
		return nil, account.ErrAliasTaken
	}
	me.AlsoKnownAs = append(me.AlsoKnownAs, uri)
	if err := s.accounts.Save(ctx, me); err != nil {
		return nil, err
	}
	return from, s.SendProfile(ctx, me)
}

// RemoveAlias takes the actor uri off the aliases of id; removing one it does not
// list changes nothing.
func (s *Service) RemoveAlias(ctx context.Context, id shard.ID, uri string) error {
	me, err := s.accounts.Get(ctx, id)
	if err != nil {
		return err
	}
	i := slices.Index(me.AlsoKnownAs, uri)
	if i < 0 {
		return nil
	}
	me.AlsoKnownAs = slices.Delete(me.AlsoKnownAs, i, i+1)
	if err := s.accounts.Save(ctx, me); err != nil {
		return err
	}
	return s.SendProfile(ctx, me)
}

// moveTarget checks a move of me to acct as Mastodon's AccountMigration and
// Form::Redirect: the target is found (fetched afresh), is not me nor the account
// already moved to, and, for a migration, lists me in its alsoKnownAs.
func (s *Service) moveTarget(ctx context.Context, me *account.Account, acct string, alias bool) (*account.Account, error) {
	target, err := s.ResolveHandle(ctx, acct, true)
	if err != nil {
		return nil, err
	}
	uri := s.accountURI(target)
	switch {
	case target.ID == me.ID:
		return nil, account.ErrMoveToSelf
	case me.MovedToURI != "" && me.MovedToURI == uri:
		return nil, account.ErrMoveAlreadyMoved
	case alias && !slices.Contains(target.AlsoKnownAs, s.ActorURI(me.Username)):
		return nil, account.ErrMoveNotAlias
	}
	return target, nil
}

// Migrate moves the local account id to acct with its followers (SendMove), once
// per account.MoveCooldown, and sends its actor, now naming movedTo, to its followers.
func (s *Service) Migrate(ctx context.Context, id shard.ID, acct string) error {
	me, err := s.accounts.Get(ctx, id)
	if err != nil {
		return err
	}
	if !me.MovedAt.IsZero() && s.now().Sub(me.MovedAt) < account.MoveCooldown {
		return account.ErrMoveCooldown
	}
	target, err := s.moveTarget(ctx, me, acct, true)
	if err != nil {
		return err
	}
	if err := s.SendMove(ctx, me.ID, target.ID); err != nil {
		return err
	}
	if me, err = s.accounts.Get(ctx, id); err != nil {
		return err
	}
	me.MovedAt = s.now()
	if err := s.accounts.Save(ctx, me); err != nil {
		return err
	}
	return s.SendProfile(ctx, me)
}

// Redirect shows the local account id as moved to acct without moving its
// followers, as Mastodon's redirect: its actor names movedTo.
func (s *Service) Redirect(ctx context.Context, id shard.ID, acct string) error {
	me, err := s.accounts.Get(ctx, id)
	if err != nil {
		return err
	}
	target, err := s.moveTarget(ctx, me, acct, false)
	if err != nil {
		return err
	}
	me.MovedToURI = s.accountURI(target)
	if err := s.accounts.Save(ctx, me); err != nil {
		return err
	}
	return s.SendProfile(ctx, me)
}

// CancelMove clears the movedTo of the local account id (a redirect, or the mark of
// a migration: its followers stay where they moved), as Mastodon's cancel; the
// cooldown of a migration stays.
func (s *Service) CancelMove(ctx context.Context, id shard.ID) error {
	me, err := s.accounts.Get(ctx, id)
	if err != nil {
		return err
	}
	if me.MovedToURI == "" {
		return nil
	}
	me.MovedToURI = ""
	if err := s.accounts.Save(ctx, me); err != nil {
		return err
	}
	return s.SendProfile(ctx, me)
}
