package node

import (
	"context"
	"fmt"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/auth"
	"github.com/herd-social/herd/deadletter"
)

// AdminCreateAccount registers a local account on behalf of the operator, confirmed
// (no mail asks to confirm its address, as tootctl's --confirmed).
func (n *Node) AdminCreateAccount(ctx context.Context, username, email, password string, admin bool) error {
	a, _, err := n.Accounts.Register(ctx, account.Registration{Username: username, Email: email,
		Password: password, Agreement: true, Locale: "en", Confirmed: true})
	if err != nil {
		return fmt.Errorf("create account: %w", err)
	}
	if admin {
		if err := n.Accounts.SetAdmin(ctx, a.ID, true); err != nil {
			return err
		}
	}
	n.log.Info("admin: account created", "username", a.Username, "id", a.ID, "admin", admin)
	return nil
}

// AdminMakeAdmin gives a local account the admin role.
func (n *Node) AdminMakeAdmin(ctx context.Context, username string) error {
	a, err := n.Accounts.Lookup(ctx, username, "")
	if err != nil {
		return fmt.Errorf("find %s: %w", username, err)
	}
	return n.Accounts.SetAdmin(ctx, a.ID, true)
}

// AdminToken issues an access token for a local account through an operator app.
func (n *Node) AdminToken(ctx context.Context, username, scopes string) (string, error) {
	a, err := n.Accounts.Lookup(ctx, username, "")
	if err != nil {
		return "", fmt.Errorf("find %s: %w", username, err)
	}
	sc, err := auth.ParseScopes(scopes)
	if err != nil {
		return "", err
	}
	app, err := n.Auth.CreateApp(ctx, auth.NewApp{Name: "herd admin", Scopes: scopes, RedirectURIs: []string{auth.OOB}})
	if err != nil {
		return "", err
	}
	raw, _, err := n.Auth.Issue(ctx, app, a.ID, sc)
	return raw, err
}

// AdminDeadLetters lists up to limit (0: all) messages set aside by consumer group
// `group`, or by every group when it is empty.
func (n *Node) AdminDeadLetters(ctx context.Context, group string, limit int) ([]deadletter.Letter, error) {
	return n.DeadLetters.List(ctx, group, limit)
}

// AdminDeadLetterCounts returns, per consumer group, how many messages it ever set aside.
func (n *Node) AdminDeadLetterCounts(ctx context.Context) (map[string]int64, error) {
	return n.DeadLetters.Counts(ctx)
}

// AdminReplayDeadLetter publishes the message of dead letter id again to its topic,
// with its key, and removes the letter. Every consumer group of that topic gets the
// message again; those that had processed it apply it again, harmlessly.
func (n *Node) AdminReplayDeadLetter(ctx context.Context, id string) error {
	if err := n.DeadLetters.Replay(ctx, n.bus, id); err != nil {
		return err
	}
	n.log.Info("admin: dead letter replayed", "id", id)
	return nil
}

// AdminReplayDeadLetters replays every dead letter of group, or of every group when it
// is empty, and returns how many it replayed.
func (n *Node) AdminReplayDeadLetters(ctx context.Context, group string) (int, error) {
	letters, err := n.DeadLetters.List(ctx, group, 0)
	if err != nil {
		return 0, err
	}
	for i, l := range letters {
		if err := n.AdminReplayDeadLetter(ctx, l.ID()); err != nil {
			return i, err
		}
	}
	return len(letters), nil
}
