package account

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/herd-social/herd/role"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// tBackfill keeps the progress of the listings' backfill: partition backfillPK,
// rows "state" (a backfillState) and "lease" (the holder, with a TTL).
const tBackfill = "account_backfill"

var (
	backfillPK = []byte("listings/1")
	ckState    = []byte("state")
	ckLease    = []byte("lease")
)

// backfillPage is how many accounts one step of the backfill reads; backfillLease is
// how long a holder keeps the backfill to itself after its last step.
const (
	backfillPage  = 500
	backfillLease = 2 * time.Minute
)

// backfillState is where the backfill stands: the Dump cursor of the accounts table
// it goes on from, or Done.
type backfillState struct {
	Done     bool   `cbor:"1,keyasint"`
	Cursor   []byte `cbor:"2,keyasint,omitempty"`
	Accounts int    `cbor:"3,keyasint"`
}

// ErrBackfillBusy is returned by BackfillListings while another holder runs it.
var ErrBackfillBusy = errors.New("account: the listings' backfill is held by another node")

// BackfillListings lists every account of the store in the directory (new, and
// active from its last status), in the moderators' listing and, for users holding
// a role, in the staff listing, as creating it (or giving the role) would have: accounts written before those indexes existed appear in them. It
// reads the accounts table through d, page by page, recording its cursor after
// each page, so that it goes on where it stopped; once done it only reads that
// it is (one row). holder names the caller: while one holder steps through it,
// others get ErrBackfillBusy until its lease lapses. The writes are the same
// rows whoever makes them, so two holders at once cost only double work. It
// returns how many accounts it listed in this call.
func (s *Service) BackfillListings(ctx context.Context, d store.Dumper, holder string) (int, error) {
	st, err := s.backfillState(ctx)
	if err != nil || st.Done {
		return 0, err
	}
	ok, cur, err := s.st.PutIfAbsent(ctx, tBackfill, backfillPK, ckLease, []byte(holder), backfillLease)
	if err != nil {
		return 0, fmt.Errorf("take the listings' backfill: %w", err)
	}
	if !ok && string(cur) != holder {
		return 0, ErrBackfillBusy
	}
	n := 0
	for !st.Done {
		page, err := d.Dump(ctx, tAccounts, st.Cursor, backfillPage)
		if err != nil {
			return n, fmt.Errorf("backfill listings: read accounts: %w", err)
		}
		k, err := s.backfillRows(ctx, page.Rows)
		if err != nil {
			return n, err
		}
		n += k
		st = backfillState{Done: page.Next == nil, Cursor: page.Next, Accounts: st.Accounts + k}
		if err := s.saveBackfill(ctx, st, holder); err != nil {
			return n, err
		}
	}
	return n, nil
}

func (s *Service) backfillState(ctx context.Context) (backfillState, error) {
	var st backfillState
	b, err := s.st.Get(ctx, tBackfill, backfillPK, ckState)
	if errors.Is(err, store.ErrNotFound) {
		return st, nil
	}
	if err != nil {
		return st, fmt.Errorf("read the listings' backfill: %w", err)
	}
	return st, store.Unmarshal(b, &st)
}

// saveBackfill records st and renews the holder's lease (dropped once done).
func (s *Service) saveBackfill(ctx context.Context, st backfillState, holder string) error {
	b, err := store.Marshal(st)
	if err != nil {
		return err
	}
	lease := store.Mutation{Kind: store.Put, Table: tBackfill, PK: backfillPK, CK: ckLease, Value: []byte(holder), TTL: backfillLease}
	if st.Done {
		lease = store.Mutation{Kind: store.Delete, Table: tBackfill, PK: backfillPK, CK: ckLease}
	}
	err = s.st.Batch(ctx, []store.Mutation{{Kind: store.Put, Table: tBackfill, PK: backfillPK, CK: ckState, Value: b}, lease})
	if err != nil {
		return fmt.Errorf("record the listings' backfill: %w", err)
	}
	return nil
}

// backfillRows writes the listing rows of the accounts of rows (rows of tAccounts).
func (s *Service) backfillRows(ctx context.Context, rows []store.DumpRow) (int, error) {
	accs := make([]*Account, 0, len(rows))
	ids := make([]shard.ID, 0, len(rows))
	for _, r := range rows {
		var a Account
		if err := store.Unmarshal(r.Value, &a); err != nil {
			return 0, fmt.Errorf("backfill listings: account %x: %w", r.PK, err)
		}
		accs = append(accs, &a)
		ids = append(ids, a.ID)
	}
	last, err := s.LastStatusAt(ctx, ids)
	if err != nil {
		return 0, err
	}
	staff, err := s.staffOf(ctx, accs)
	if err != nil {
		return 0, err
	}
	for i, a := range accs {
		muts := append(indexed(a), listingMutations(a)...)
		if staff[a.ID] {
			muts = append(muts, staffMutation(a.ID, true))
		}
		if !last[i].IsZero() {
			for _, scope := range scopesOf(a) {
				muts = append(muts, store.Mutation{Kind: store.Put, Table: tDirActive, PK: dirKey(scope, monthOf(last[i])),
					CK: activeKey(last[i], a.ID), Value: empty})
			}
		}
		if err := s.st.Batch(ctx, muts); err != nil {
			return i, fmt.Errorf("backfill listings: account %d: %w", a.ID, err)
		}
	}
	return len(accs), nil
}

// staffOf tells which local accounts of accs hold a role (Owner for an admin whose
// flag predates roles), for the staff listing whose endorsements are suggested.
func (s *Service) staffOf(ctx context.Context, accs []*Account) (map[shard.ID]bool, error) {
	var local []shard.ID
	for _, a := range accs {
		if a.Local() {
			local = append(local, a.ID)
		}
	}
	users, err := s.usersOf(ctx, local)
	if err != nil {
		return nil, fmt.Errorf("backfill listings: %w", err)
	}
	out := map[shard.ID]bool{}
	for id, u := range users {
		if u.RoleID() != role.Everyone {
			out[id] = true
		}
	}
	return out, nil
}
