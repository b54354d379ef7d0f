package api

import (
	"context"
	"errors"
	"time"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/shard"
)

// Migrator is the part of the federation service (account.Service) that keeps a
// user's aliases and moves the account to another.
type Migrator interface {
	AddAlias(ctx context.Context, id shard.ID, acct string) (*account.Account, error)
	RemoveAlias(ctx context.Context, id shard.ID, uri string) error
	Migrate(ctx context.Context, id shard.ID, acct string) error
	Redirect(ctx context.Context, id shard.ID, acct string) error
	CancelMove(ctx context.Context, id shard.ID) error
}

// Alias is one account the user moves from (a Herd extension): the actor id its
// alsoKnownAs lists, and the account when known here.
type Alias struct {
	URI     string   `json:"uri"`
	Account *Account `json:"account"`
}

// Migration is the state of the user's account move (a Herd extension): the account
// it moved or redirects to, and when it may migrate again.
type Migration struct {
	MovedTo       *Account `json:"moved_to"`
	CooldownUntil *string  `json:"cooldown_until"`
	Aliases       []Alias  `json:"aliases"`
}

// routeMigration registers the user's aliases and moves, Herd's extensions: Mastodon
// offers them in its settings pages only (Settings::AliasesController,
// MigrationsController and Migration::RedirectsController).
func (s *Server) routeMigration() {
	s.handle("GET", "/api/v1/account_migration", user("read:accounts"), s.migrationState)
	s.handle("POST", "/api/v1/account_migration/aliases", user("write:accounts"), s.addAlias)
	s.handle("DELETE", "/api/v1/account_migration/aliases", user("write:accounts"), s.removeAlias)
	s.handle("POST", "/api/v1/account_migration/move", user("write:accounts"), s.moveAccount(false))
	s.handle("POST", "/api/v1/account_migration/redirect", user("write:accounts"), s.moveAccount(true))
	s.handle("DELETE", "/api/v1/account_migration/redirect", user("write:accounts"), s.cancelMove)
}

// migrationError maps the refusals of a move or an alias to Mastodon's messages.
func migrationError(err error) error {
	for _, m := range []struct {
		err error
		msg string
	}{
		{account.ErrMoveTargetNotFound, "Acct could not be found"},
		{account.ErrMoveNotAlias, "Acct is not an alias of this account"},
		{account.ErrMoveAlreadyMoved, "Acct is the same account you have already moved to"},
		{account.ErrMoveToSelf, "Acct cannot be current account"},
		{account.ErrMoveCooldown, "You are on cooldown"},
		{account.ErrAliasTaken, "Acct has already been taken"},
	} {
		if errors.Is(err, m.err) {
			return &HTTPError{Code: 422, Msg: "Validation failed: " + m.msg, Cause: err}
		}
	}
	return err
}

func (s *Server) migrationState(r *req) error {
	if s.d.Migration == nil {
		return errNotFound
	}
	me, err := s.d.Accounts.Get(r.context(), r.viewer)
	if err != nil {
		return err
	}
	out := Migration{Aliases: []Alias{}}
	if me.MovedToURI != "" {
		out.MovedTo = s.accountOfURI(r.context(), me.MovedToURI)
	}
	if !me.MovedAt.IsZero() {
		if until := me.MovedAt.Add(account.MoveCooldown); until.After(s.d.Now()) {
			v := until.UTC().Format(time.RFC3339)
			out.CooldownUntil = &v
		}
	}
	for _, uri := range me.AlsoKnownAs {
		out.Aliases = append(out.Aliases, Alias{URI: uri, Account: s.accountOfURI(r.context(), uri)})
	}
	return r.json(out)
}

// accountOfURI renders the account of an actor id, or nil when it is not known here.
func (s *Server) accountOfURI(ctx context.Context, uri string) *Account {
	id, ok := s.accountIDOf(ctx, uri)
	if !ok {
		return nil
	}
	accs, err := s.plainAccounts(ctx, []shard.ID{id})
	if err != nil || len(accs) == 0 {
		return nil
	}
	return accs[0]
}

func (s *Server) addAlias(r *req) error {
	if s.d.Migration == nil {
		return errNotFound
	}
	if _, err := s.d.Migration.AddAlias(r.context(), r.viewer, r.p.str("acct")); err != nil {
		return migrationError(err)
	}
	return s.migrationState(r)
}

func (s *Server) removeAlias(r *req) error {
	if s.d.Migration == nil {
		return errNotFound
	}
	if err := s.d.Migration.RemoveAlias(r.context(), r.viewer, r.p.str("uri")); err != nil {
		return err
	}
	return s.migrationState(r)
}

// moveAccount migrates the user's account (followers and all) or only redirects
// it, after the user's password, as Mastodon's forms ask.
func (s *Server) moveAccount(redirect bool) func(r *req) error {
	return func(r *req) error {
		if s.d.Migration == nil {
			return errNotFound
		}
		me, err := s.d.Accounts.Get(r.context(), r.viewer)
		if err != nil {
			return err
		}
		_, _, err = s.d.Accounts.Authenticate(r.context(), me.Username, r.p.str("current_password"))
		if errors.Is(err, account.ErrBadCredentials) || errors.Is(err, account.ErrNotFound) {
			return &HTTPError{Code: 422, Msg: "Validation failed: Current password is invalid", Cause: err}
		}
		if err != nil {
			return err
		}
		move := s.d.Migration.Migrate
		if redirect {
			move = s.d.Migration.Redirect
		}
		if err := move(r.context(), r.viewer, r.p.str("acct")); err != nil {
			return migrationError(err)
		}
		return s.migrationState(r)
	}
}

func (s *Server) cancelMove(r *req) error {
	if s.d.Migration == nil {
		return errNotFound
	}
	if err := s.d.Migration.CancelMove(r.context(), r.viewer); err != nil {
		return err
	}
	return s.migrationState(r)
}
