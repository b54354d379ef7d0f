package node

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"time"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/statefile"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/store"
)

// StatusCleanup is what `herd admin statuses remove` is asked.
type StatusCleanup struct {
	// Days: statuses published more than this many days ago are candidates (90).
	Days int
	// Limit bounds the statuses removed in one run (10,000); a run stopped by it is
	// resumed by the next.
	Limit int
	// CleanFollowed takes the statuses of accounts that local accounts follow too
	// (Mastodon's --clean-followed).
	CleanFollowed bool
	// DryRun counts the statuses that would go, removes nothing and keeps no cursor.
	DryRun bool
	// Restart forgets where a bounded run stopped and starts from the newest account.
	Restart bool
}

// CleanupState is where a removal stands, kept between runs in the data directory.
type CleanupState struct {
	// After is the last remote account all of whose candidates were handled
	// (accounts go newest first); 0 before the first.
	After    shard.ID `json:"after,string"`
	Accounts int64    `json:"accounts"`
	Checked  int64    `json:"checked"`
	Removed  int64    `json:"removed"`
	// Done is set when the walk reached the oldest account.
	Done bool `json:"-"`
}

// cleanupCursor is the file that keeps where a bounded `statuses remove` stopped.
func (n *Node) cleanupCursor() statefile.File[CleanupState] {
	return statefile.File[CleanupState](filepath.Join(n.cfg.Data, "statuses-remove.json"))
}

// AdminRemoveStatuses removes remote statuses older than o.Days that nothing here
// holds, as Mastodon's `tootctl statuses remove`, walking the remote accounts newest
// first and their statuses (boosts too) older than the cutoff. A status stays when
// any status replies to it, when it boosts a local status, when a local status or a
// boost newer than the cutoff boosts it, when it is pinned, when it mentions a local
// account (which also holds the direct statuses of local conversations), when a local
// account favourited or bookmarked it, when a local status quotes it, and (unless
// o.CleanFollowed) when a local account follows its author. Each goes as a deletion
// by its author does here (its media records, timelines and boosts with it; nothing
// federated). It writes a line of progress to out per page of accounts.
func (n *Node) AdminRemoveStatuses(ctx context.Context, o StatusCleanup, out io.Writer) (CleanupState, error) {
	cur := n.cleanupCursor()
	var st CleanupState
	if !o.DryRun && !o.Restart {
		var err error
		if st, _, err = cur.Load(); err != nil {
			return st, err
		}
	}
	bookmarked, err := n.localBookmarks(ctx)
	if err != nil {
		return st, err
	}
	now := time.Now
	if n.cfg.Clock != nil {
		now = n.cfg.Clock
	}
	cutoff := shard.AtTime(now().Add(-time.Duration(o.Days) * 24 * time.Hour))
	c := &cleanup{n: n, o: o, cutoff: cutoff, bookmarked: bookmarked, st: &st}
	for !st.Done {
		r := store.Range{Limit: 100}
		if st.After != 0 {
			r.Upper = store.Excl(st.After.Bytes())
		}
		rows, err := n.Accounts.Listing(ctx, []byte(account.OriginRemote), r)
		if err != nil {
			return st, err
		}
		for _, row := range rows {
			full, err := c.account(ctx, shard.FromBytes(row.CK))
			if err != nil || !full {
				return st, c.save(cur, err)
			}
			st.After = shard.FromBytes(row.CK)
			st.Accounts++
		}
		st.Done = len(rows) < r.Limit
		fmt.Fprintf(out, "%d accounts, %d old statuses checked, %d removed\n", st.Accounts, st.Checked, st.Removed)
		if err := c.save(cur, nil); err != nil {
			return st, err
		}
	}
	return st, nil
}

// cleanup is one run of AdminRemoveStatuses.
type cleanup struct {
	n          *Node
	o          StatusCleanup
	cutoff     shard.ID
	bookmarked map[shard.ID]bool
	st         *CleanupState
	removed    int // in this run
}

// save keeps the state (or clears it once done), unless in a dry run.
func (c *cleanup) save(cur statefile.File[CleanupState], err error) error {
	switch {
	case err != nil || c.o.DryRun:
		return err
	case c.st.Done:
		return cur.Clear()
	}
	return cur.Save(*c.st)
}

// account removes the candidates of one remote account; full is false when the run's
// bound stopped it before the account's end.
func (c *cleanup) account(ctx context.Context, id shard.ID) (full bool, err error) {
	if !c.o.CleanFollowed {
		followers, _, err := c.n.Accounts.FollowerIDs(ctx, id, 0, 1)
		if err != nil || len(followers) > 0 {
			return err == nil, err
		}
	}
	before := c.cutoff
	for {
		ids, err := c.n.Statuses.AuthoredBefore(ctx, id, before, 200)
		if err != nil {
			return false, err
		}
		sts, err := c.n.Statuses.GetMany(ctx, ids)
		if err != nil {
			return false, err
		}
		for _, sid := range ids {
			if c.removed >= c.o.Limit {
				return false, nil
			}
			if s := sts[sid]; s != nil {
				if err := c.status(ctx, s); err != nil {
					return false, err
				}
			}
		}
		if len(ids) < 200 {
			return true, nil
		}
		before = ids[len(ids)-1]
	}
}

// status removes one candidate unless something holds it.
func (c *cleanup) status(ctx context.Context, s *status.Status) error {
	c.st.Checked++
	if s.Local || s.URI == "" {
		return nil
	}
	held, err := c.held(ctx, s)
	if err != nil || held {
		return err
	}
	c.st.Removed++
	c.removed++
	if c.o.DryRun {
		return nil
	}
	if _, err := c.n.Statuses.Delete(ctx, s.AccountID, s.ID); err != nil && !errors.Is(err, status.ErrNotFound) {
		return fmt.Errorf("remove status %d: %w", s.ID, err)
	}
	return nil
}

// held tells whether something here holds s (the rule of AdminRemoveStatuses).
func (c *cleanup) held(ctx context.Context, s *status.Status) (bool, error) {
	if c.bookmarked[s.ID] {
		return true, nil
	}
	t, err := c.n.Statuses.TiesOf(ctx, s, 100)
	if err != nil || t.Replied || t.Pinned {
		return true, err
	}
	statuses := slices.Concat(t.Boosts, t.Quotes)
	if s.ReblogOfID != 0 {
		statuses = append(statuses, s.ReblogOfID)
	}
	sts, err := c.n.Statuses.GetMany(ctx, statuses)
	if err != nil {
		return true, err
	}
	for _, other := range sts {
		if other.Local || (other.ReblogOfID == s.ID && other.ID >= c.cutoff) {
			return true, nil
		}
	}
	accs, err := c.n.Accounts.GetMany(ctx, slices.Concat(s.Mentions, t.Favourers))
	if err != nil {
		return true, err
	}
	for _, a := range accs {
		if a.Local() {
			return true, nil
		}
	}
	return false, nil
}

// localBookmarks returns every status a local account bookmarked.
func (n *Node) localBookmarks(ctx context.Context) (map[shard.ID]bool, error) {
	var locals []shard.ID
	r := store.Range{Limit: 500}
	for {
		rows, err := n.Accounts.Listing(ctx, []byte(account.OriginLocal), r)
		if err != nil {
			return nil, err
		}
		for _, row := range rows {
			locals = append(locals, shard.FromBytes(row.CK))
		}
		if len(rows) < r.Limit {
			return n.Statuses.BookmarkedBy(ctx, locals)
		}
		r.Upper = store.Excl(rows[len(rows)-1].CK)
	}
}
