package node

import (
	"context"
	"errors"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/auth"
	"github.com/herd-social/herd/push"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
)

// buildPush makes the Web Push service before the notification service, which tells
// it of every notification; the statuses and media it reads are built later, so it
// reads them through Services when it pushes.
func (n *Node) buildPush(fed fedBase, ids *shard.Generator) error {
	cfg, s := n.cfg, &n.Services
	base := cfg.Scheme + "://" + cfg.Domain
	var err error
	s.Push, err = push.New(n.store, n.bus, ids, s.Accounts, laterStatuses{s}, tokens{s.Auth}, push.Options{
		HTTP: fed.opts.HTTP, Subscriber: "https://" + cfg.Domain + "/", DeadLetters: s.DeadLetters, Logger: n.log,
		Now: cfg.Clock,
		Icon: func(a *account.Account) string {
			switch {
			case a.Suspended:
			case a.AvatarFile() != "" && s.Media != nil:
				return s.Media.FileURL(a.AvatarFile())
			case !a.Local() && a.AvatarURL != "":
				return a.AvatarURL
			}
			return base + "/avatars/original/missing.png"
		}})
	if err != nil {
		return errors.Join(errors.New("node: push"), err)
	}
	return nil
}

// laterStatuses reads the status service, built after the push service.
type laterStatuses struct{ s *Services }

func (l laterStatuses) Get(ctx context.Context, id shard.ID) (*status.Status, error) {
	return l.s.Statuses.Get(ctx, id)
}

// tokens says whether an access token is still valid (push.Tokens).
type tokens struct{ a *auth.Service }

func (t tokens) Valid(ctx context.Context, raw string) (bool, error) {
	_, err := t.a.Verify(ctx, raw)
	if errors.Is(err, auth.ErrInvalidToken) {
		return false, nil
	}
	return err == nil, err
}
