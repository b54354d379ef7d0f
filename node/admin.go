package node

import (
	"context"
	"fmt"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/auth"
)

// AdminCreateAccount registers a local account on behalf of the operator.
func (n *Node) AdminCreateAccount(ctx context.Context, username, email, password string, admin bool) error {
	a, _, err := n.Accounts.Register(ctx, account.Registration{Username: username, Email: email,
		Password: password, Agreement: true, Locale: "en"})
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
