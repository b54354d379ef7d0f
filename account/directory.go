package account

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// Tables of the account directory.
const (
	tDirNew    = "directory_new"    // scope ‖ month → account id (Desc) → —
	tDirActive = "directory_active" // scope ‖ month → last status ms ‖ account id (Desc) → —
	scopeAll   = "all"              // every known account
	scopeLocal = "local"            // local accounts
	dirMonths  = 120                // how far back a directory page looks
)

func directoryTables() store.Schema {
	return store.Schema{{Name: tDirNew, Order: store.Desc}, {Name: tDirActive, Order: store.Desc}}
}

// monthOf numbers the month of t since year 0.
func monthOf(t time.Time) int { return t.UTC().Year()*12 + int(t.UTC().Month()) - 1 }

func dirKey(scope string, month int) []byte { return fmt.Appendf(nil, "%s|%d", scope, month) }

func scopesOf(a *Account) []string {
	if a.Local() {
		return []string{scopeAll, scopeLocal}
	}
	return []string{scopeAll}
}

// indexed returns the mutations that list a new account in the directory (newest
// first).
func indexed(a *Account) []store.Mutation {
	var out []store.Mutation
	for _, scope := range scopesOf(a) {
		out = append(out, store.Mutation{Kind: store.Put, Table: tDirNew, PK: dirKey(scope, monthOf(a.ID.Time())), CK: a.ID.Bytes(), Value: empty})
	}
	return out
}

// activeMutations returns the writes that move the account's row in the active
// directory to its new last status; none for an unknown account.
func (s *Service) activeMutations(ctx context.Context, id shard.ID, was, now time.Time) ([]store.Mutation, error) {
	a, err := s.Get(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var muts []store.Mutation
	for _, scope := range scopesOf(a) {
		if !was.IsZero() {
			muts = append(muts, store.Mutation{Kind: store.Delete, Table: tDirActive, PK: dirKey(scope, monthOf(was)), CK: activeKey(was, id)})
		}
		muts = append(muts, store.Mutation{Kind: store.Put, Table: tDirActive, PK: dirKey(scope, monthOf(now)), CK: activeKey(now, id), Value: empty})
	}
	return muts, nil
}

func activeKey(t time.Time, id shard.ID) []byte {
	return append(shard.ID(t.UnixMilli()).Bytes(), id.Bytes()...)
}

// Directory returns the accounts the profile directory lists (listable), skipping offset of them: by latest status (active), then those that
// never posted, newest first, as Mastodon's order puts accounts without a status
// last; or newest first (new); local ones only with local. Rows are read month by
// month, back ten years, which is longer than any account's id (made when this
// server first stored it) or last status is old.
func (s *Service) Directory(ctx context.Context, active, local bool, offset, limit int) ([]*Account, error) {
	scope, tables := scopeAll, []string{tDirNew}
	if local {
		scope = scopeLocal
	}
	if active {
		tables = []string{tDirActive, tDirNew}
	}
	return s.dirList(ctx, tables, scope, offset, limit)
}

// dirList reads a page of the directory from tables, one after the other.
func (s *Service) dirList(ctx context.Context, tables []string, scope string, offset, limit int) ([]*Account, error) {
	d := &dirPage{seen: map[shard.ID]bool{}, offset: offset, limit: limit}
	for _, table := range tables {
		if err := s.dirRead(ctx, d, table, scope); err != nil {
			return nil, err
		}
	}
	return d.out, nil
}

// dirRead adds the accounts of one directory table to the page until it is full.
func (s *Service) dirRead(ctx context.Context, d *dirPage, table, scope string) error {
	for m := monthOf(s.opts.Now()); m > monthOf(s.opts.Now())-dirMonths && len(d.out) < d.limit; m-- {
		var cursor []byte
		for len(d.out) < d.limit {
			r := store.Range{Limit: dirChunk}
			if cursor != nil {
				r.Upper = store.Excl(cursor)
			}
			rows, err := s.st.Scan(ctx, table, dirKey(scope, m), r)
			if err != nil {
				return fmt.Errorf("directory: %w", err)
			}
			if err := s.dirTake(ctx, d, rows); err != nil {
				return err
			}
			if len(rows) < dirChunk {
				break
			}
			cursor = rows[len(rows)-1].CK
		}
	}
	return nil
}

// dirChunk is how many directory rows one scan reads.
const dirChunk = 200

// dirPage is a directory page being gathered.
type dirPage struct {
	seen          map[shard.ID]bool
	offset, limit int
	skipped       int
	out           []*Account
}

// listable reports whether the directory lists a, as Mastodon's discoverable
// scope: discoverable, not suspended, silenced, moved, nor awaiting approval (nor
// unconfirmed, which the user record says: unconfirmed).
func listable(a *Account) bool {
	return a.Discoverable && !a.Suspended && !a.Silenced && a.MovedToURI == "" && !a.Pending
}

// unconfirmed returns which local accounts of ids (found in accs) have a user who
// has not confirmed its e-mail address: the directory leaves them out, as
// Mastodon's discoverable scope lists confirmed users only.
func (s *Service) unconfirmed(ctx context.Context, ids []shard.ID, accs map[shard.ID]*Account) (map[shard.ID]bool, error) {
	var local []shard.ID
	for _, id := range ids {
		if a := accs[id]; a != nil && a.Local() {
			local = append(local, id)
		}
	}
	users, err := s.usersOf(ctx, local)
	if err != nil {
		return nil, fmt.Errorf("directory: %w", err)
	}
	out := map[shard.ID]bool{}
	for id, u := range users {
		out[id] = u.Unconfirmed
	}
	return out, nil
}

// dirTake adds the listable accounts of rows to the page, after skipping the
// offset.
func (s *Service) dirTake(ctx context.Context, d *dirPage, rows []store.Row) error {
	var ids []shard.ID
	for _, r := range rows {
		id := shard.FromBytes(r.CK[len(r.CK)-8:])
		if !d.seen[id] {
			d.seen[id] = true
			ids = append(ids, id)
		}
	}
	accs, err := s.GetMany(ctx, ids)
	if err != nil {
		return err
	}
	unconfirmed, err := s.unconfirmed(ctx, ids, accs)
	if err != nil {
		return err
	}
	for _, id := range ids {
		a := accs[id]
		if a == nil || !listable(a) || unconfirmed[id] || len(d.out) >= d.limit {
			continue
		}
		if d.skipped < d.offset {
			d.skipped++
			continue
		}
		d.out = append(d.out, a)
	}
	return nil
}
