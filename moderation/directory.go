package moderation

import (
	"context"
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/role"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// Account states moderators filter by, as Mastodon's AccountFilter.
const (
	StatusActive     = "active"
	StatusPending    = "pending"
	StatusDisabled   = "disabled"
	StatusSilenced   = "silenced"
	StatusSuspended  = "suspended"
	StatusSensitized = "sensitized"
)

// AccountQuery selects accounts for moderators: GET /api/v1 and /api/v2/admin/accounts.
type AccountQuery struct {
	// Origin is account.OriginLocal, account.OriginRemote or empty for both.
	Origin string
	// Domain keeps the accounts of one domain (remote only).
	Domain string
	// Status is one of the Status constants; empty keeps every account.
	Status string
	// Username keeps usernames starting with it, DisplayName display names holding
	// it, Email emails starting with it; all case-insensitively.
	Username, DisplayName, Email string
	// Staff keeps local users with a moderator role.
	Staff bool
	// RoleIDs keeps local users with one of these roles.
	RoleIDs []string
	// InvitedBy keeps local users who signed up with an invite of this account.
	InvitedBy shard.ID
	// IP, when valid, keeps local users who signed up or signed in from an address
	// in this network (account.UsersByIP).
	IP netip.Prefix
	// Nothing keeps no account at all: a filter Herd knows no account can meet (an
	// ip that is not an address; an invited_by that is not an id).
	Nothing bool
	// ipUsers are the users of IP, read once per query.
	ipUsers map[shard.ID]bool
}

func (q AccountQuery) partition() []byte {
	switch {
	case q.Domain != "":
		return account.ListingDomain(q.Domain)
	case q.Origin == account.OriginLocal || q.Origin == account.OriginRemote:
		return []byte(q.Origin)
	}
	return []byte(account.OriginAll)
}

// RoleOf is the role id of a user, as the admin API's role_ids[] name it.
func RoleOf(u *account.User) string { return strconv.FormatInt(u.RoleID(), 10) }

func (q AccountQuery) matches(t *Target) bool {
	a, u := t.Account, t.User
	ci := strings.ToLower
	switch {
	case q.Origin == account.OriginLocal && !a.Local(), q.Origin == account.OriginRemote && a.Local():
		return false
	case q.Username != "" && !strings.HasPrefix(ci(a.Username), ci(q.Username)):
		return false
	case q.DisplayName != "" && !strings.Contains(ci(a.DisplayName), ci(q.DisplayName)):
		return false
	case q.Email != "" && (u == nil || !strings.HasPrefix(ci(u.Email), ci(q.Email))):
		return false
	case q.Staff && (u == nil || u.RoleID() == role.Everyone):
		return false
	case len(q.RoleIDs) > 0 && (u == nil || !slices.Contains(q.RoleIDs, RoleOf(u))):
		return false
	case q.InvitedBy != 0 && (u == nil || u.InvitedBy != q.InvitedBy):
		return false
	case q.IP.IsValid() && (u == nil || !q.ipUsers[a.ID]):
		return false
	}
	switch q.Status {
	case StatusActive:
		return !a.Suspended
	case StatusPending:
		return u != nil && u.Pending
	case StatusDisabled:
		return u != nil && u.Disabled
	case StatusSilenced:
		return a.Silenced
	case StatusSuspended:
		return a.Suspended
	case StatusSensitized:
		return a.Sensitized
	}
	return true
}

// Accounts returns one page of the accounts q selects, newest first, read from the
// account listing past those the filters leave out (paging.Page.Filter), the accounts
// of each scan read together.
func (s *Service) Accounts(ctx context.Context, q AccountQuery, p paging.Page) ([]*Target, error) {
	if p.Limit <= 0 || q.Nothing {
		return nil, nil
	}
	if q.IP.IsValid() {
		var err error
		if q.ipUsers, err = s.accounts.UsersByIP(ctx, q.IP); err != nil {
			return nil, err
		}
		if len(q.ipUsers) == 0 {
			return nil, nil
		}
	}
	accs := map[shard.ID]*account.Account{}
	scan := func(r store.Range) ([]store.Row, error) {
		rows, err := s.accounts.Listing(ctx, q.partition(), r)
		if err != nil {
			return nil, err
		}
		ids := make([]shard.ID, len(rows))
		for i, row := range rows {
			ids[i] = shard.FromBytes(row.CK)
		}
		got, err := s.accounts.GetMany(ctx, ids)
		maps.Copy(accs, got)
		return rows, err
	}
	kept := map[shard.ID]*Target{}
	keep := func(row store.Row) (bool, error) {
		id := shard.FromBytes(row.CK)
		a := accs[id]
		if a == nil {
			return false, nil
		}
		t := &Target{Account: a}
		if a.Local() {
			var err error
			if t.User, err = s.accounts.User(ctx, id); err != nil {
				return false, err
			}
		}
		kept[id] = t
		return q.matches(t), nil
	}
	rows, err := p.Filter(scan, keep)
	if err != nil {
		return nil, err
	}
	out := make([]*Target, len(rows))
	for i, row := range rows {
		out[i] = kept[shard.FromBytes(row.CK)]
	}
	return out, nil
}

// Delete removes a suspended account for good, as Mastodon's
// Admin::AccountDeletionWorker: the servers that know a local account are sent the
// Delete of its actor (Options.Federation), the account is marked deleted at once
// (its actor answers 410 Gone, its username stays taken), and the erasure of its
// data is published on EraseTopic, for a consumer to carry out off the request's
// path (node's). An account that is not suspended cannot be deleted (ErrForbidden,
// as Mastodon); deleting it again asks for the erasure again, which is harmless.
func (s *Service) Delete(ctx context.Context, moderator, id shard.ID) (*Target, error) {
	t, err := s.Target(ctx, id)
	if err != nil {
		return nil, err
	}
	if !t.Account.Suspended {
		return nil, fmt.Errorf("delete %d: not suspended: %w", id, ErrForbidden)
	}
	if t.Account.Local() && s.opts.Federation != nil && t.Account.DeletedAt.IsZero() {
		// Before its follows go: they are the servers that hear of it.
		if err := s.opts.Federation.AccountDeleted(context.WithoutCancel(ctx), t.Account); err != nil {
			s.opts.Logger.Error("moderation: federate deletion", "account", t.Account.Acct(), "err", err)
		}
	}
	if t.Account.DeletedAt.IsZero() {
		t.Account.DeletedAt = s.opts.Now().UTC()
		if err := s.accounts.Save(ctx, t.Account); err != nil {
			return nil, err
		}
	}
	if err := s.erase(ctx, id); err != nil {
		return nil, err
	}
	if err := s.audit(ctx, moderator, "destroy", "Account", t.Account.Acct(), ""); err != nil {
		return nil, err
	}
	return t, nil
}
