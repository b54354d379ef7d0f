package node

import (
	"context"
	"fmt"
	"time"

	"github.com/herd-social/herd/account"
)

// ProfilePrune selects what AdminPruneProfiles removes.
type ProfilePrune struct {
	// Age is how long ago an account's actor must have been fetched last for its
	// pictures to be removed (tootctl's --days).
	Age time.Duration
	// HeadersOnly removes the headers and keeps the avatars (--remove-headers);
	// otherwise both go (--prune-profiles).
	HeadersOnly bool
	// IncludeFollows removes the pictures of accounts that follow or are followed by
	// a local account too (--include-follows); by default they are kept.
	IncludeFollows bool
}

// ProfilePruneResult counts what AdminPruneProfiles did.
type ProfilePruneResult struct {
	// Visited remote accounts had a cached picture to remove; Pictures were removed.
	Visited, Pictures int
}

// AdminPruneProfiles removes the copies kept here of remote accounts' avatars and
// headers, as Mastodon's `tootctl media remove --prune-profiles` (or
// --remove-headers): those of the accounts whose actor was last fetched more than
// p.Age ago and, unless p.IncludeFollows, that no local account follows and that
// follow no local account. Such an account shows its server's pictures, which are
// fetched again at the next refresh of its actor.
func (n *Node) AdminPruneProfiles(ctx context.Context, p ProfilePrune) (ProfilePruneResult, error) {
	var res ProfilePruneResult
	if p.Age < 0 {
		return res, fmt.Errorf("prune profiles: negative age %s", p.Age)
	}
	before := clock(n.cfg.Clock)().Add(-p.Age)
	peers, err := n.Accounts.Peers(ctx)
	if err != nil {
		return res, err
	}
	for _, peer := range peers {
		err := n.eachDomainAccount(ctx, peer, func(a *account.Account) error {
			if a.Local() || a.FetchedAt.After(before) || a.HeaderKey == "" && (p.HeadersOnly || a.AvatarKey == "") {
				return nil
			}
			if !p.IncludeFollows {
				if follows, err := n.hasFollows(ctx, a); err != nil || follows {
					return err
				}
			}
			k, err := n.Accounts.UncachePictures(ctx, a.ID, !p.HeadersOnly, true)
			if err != nil {
				return err
			}
			res.Visited++
			res.Pictures += k
			return nil
		})
		if err != nil {
			return res, err
		}
	}
	n.log.Info("admin: profile pictures pruned", "accounts", res.Visited, "pictures", res.Pictures)
	return res, nil
}

// hasFollows tells whether a remote account follows or is followed by anyone here.
func (n *Node) hasFollows(ctx context.Context, a *account.Account) (bool, error) {
	followers, _, err := n.Accounts.FollowerIDs(ctx, a.ID, 0, 1)
	if err != nil || len(followers) > 0 {
		return len(followers) > 0, err
	}
	following, _, err := n.Accounts.FollowingIDs(ctx, a.ID, 0, 1)
	return len(following) > 0, err
}

// pictureFiles deletes the files of pictures through the media service, which is
// built after the accounts: it reads Services.Media when called.
type pictureFiles struct{ s *Services }

func (f pictureFiles) DeletePicture(ctx context.Context, key string) error {
	if f.s.Media == nil {
		return nil
	}
	return f.s.Media.DeletePicture(ctx, key)
}
