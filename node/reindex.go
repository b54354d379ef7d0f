package node

import (
	"context"
	"errors"
	"time"

	"github.com/herd-social/herd/account"
)

// backfillRetry is how often a node tries the listings' backfill again while another
// node holds it or after an error.
const backfillRetry = time.Minute

// backfillListings lists the accounts written before the directory and the
// moderators' listing existed (account.BackfillListings), once for the whole
// cluster: every worker node starts it, one steps through it at a time, and a node
// that finds it done stops after one read. Without whole-table reads (a namespaced
// store) it does nothing.
func (n *Node) backfillListings(ctx context.Context) {
	if n.dump == nil {
		n.log.Info("node: the store cannot read whole tables; accounts older than the listings stay unlisted")
		return
	}
	for {
		k, err := n.Accounts.BackfillListings(ctx, n.dump, memberName(n.cfg.NodeID))
		switch {
		case err == nil:
			if k > 0 {
				n.log.Info("node: accounts listed in the directory and the moderators' listing", "accounts", k)
			}
			return
		case ctx.Err() != nil:
			return
		case !errors.Is(err, account.ErrBackfillBusy):
			n.log.Error("node: backfill the account listings", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(backfillRetry):
		}
	}
}
