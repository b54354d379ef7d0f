package account

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"
	"time"
	"unicode/utf8"

	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// Invites, as Mastodon's: a user makes a link (/invite/:code) that lets people sign
// up, even while registrations are closed, and skips the approval of registrations
// by approval. An invite may be limited in uses and in time, and may make the new
// user follow its maker (autofollow).
//
// Uses of a limited invite are claimed one slot at a time with PutIfAbsent (a
// lightweight transaction in CQL): slot n of an invite is taken by one registration
// only, so two sign-ups cannot exceed max_uses, on one node or in a cluster. A failed
// registration gives its slot back. The uses shown are a counter added to in the
// registration's batch.

// Tables of invites.
const (
	tInvites       = "invites"         // invite id → Invite
	tInviteCodes   = "invite_codes"    // code → invite id (unique)
	tInvitesByUser = "invites_by_user" // maker's account id | invite id (desc)
	tInvitesAll    = "invites_all"     // "all" | invite id (desc): the admins' list
	tInviteSlots   = "invite_slots"    // invite id | slot (4 bytes) → account id
	tInviteUses    = "invite_uses"     // counter: invite id → uses
)

var allInvites = []byte("all")

func inviteTables() store.Schema {
	return store.Schema{{Name: tInvites}, {Name: tInviteCodes}, {Name: tInvitesByUser, Order: store.Desc},
		{Name: tInvitesAll, Order: store.Desc}, {Name: tInviteSlots}, {Name: tInviteUses, Kind: store.Counters}}
}

var (
	// ErrInviteInvalid is returned for an invite code that names no invite, or an
	// invite that expired or whose uses are used up.
	ErrInviteInvalid = errors.New("account: invite not valid")
)

// Invite is an invitation to sign up.
type Invite struct {
	ID shard.ID `cbor:"1,keyasint"`
	// UserID is the account of the local user who made it.
	UserID shard.ID `cbor:"2,keyasint"`
	Code   string   `cbor:"3,keyasint"`
	// MaxUses caps the registrations; zero is no limit.
	MaxUses int `cbor:"4,keyasint,omitempty"`
	// ExpiresAt ends it; zero is never.
	ExpiresAt  time.Time `cbor:"5,keyasint,omitempty"`
	Autofollow bool      `cbor:"6,keyasint,omitempty"`
	Comment    string    `cbor:"7,keyasint,omitempty"`
	CreatedAt  time.Time `cbor:"8,keyasint"`
	// Uses is read from its counter, never stored.
	Uses int64 `cbor:"-"`
}

// Expired reports whether the invite's time is over at now.
func (i *Invite) Expired(now time.Time) bool {
	return !i.ExpiresAt.IsZero() && !now.Before(i.ExpiresAt)
}

// Usable reports whether the invite lets one more user sign up at now (Mastodon's
// valid_for_use?, but for its maker's login, which the caller checks).
func (i *Invite) Usable(now time.Time) bool {
	return (i.MaxUses == 0 || i.Uses < int64(i.MaxUses)) && !i.Expired(now)
}

// InviteExpiries are the lifetimes an invite may be given, as Mastodon's form offers
// them (30 minutes, 1, 6 and 12 hours, a day, a week); zero is never.
var InviteExpiries = []time.Duration{30 * time.Minute, time.Hour, 6 * time.Hour, 12 * time.Hour, 24 * time.Hour,
	7 * 24 * time.Hour}

// MaxInviteComment is the longest comment of an invite, as Mastodon's validation.
const MaxInviteComment = 420

// NewInvite is what a user gives to make an invite.
type NewInvite struct {
	MaxUses    int
	ExpiresIn  time.Duration
	Autofollow bool
	Comment    string
}

func (n NewInvite) validate() error {
	if n.MaxUses < 0 {
		return invalid("Max uses must be greater than 0")
	}
	if n.ExpiresIn != 0 && !containsDuration(InviteExpiries, n.ExpiresIn) {
		return invalid("Expires in is not included in the list")
	}
	if utf8.RuneCountInString(n.Comment) > MaxInviteComment {
		return invalid("Comment is too long (maximum is %d characters)", MaxInviteComment)
	}
	return nil
}

func containsDuration(ds []time.Duration, d time.Duration) bool {
	for _, x := range ds {
		if x == d {
			return true
		}
	}
	return false
}

// codeAlphabet is Mastodon's: letters and digits but those easily mistaken (0 1 I l O).
const codeAlphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

func newCode() (string, error) {
	b := make([]byte, 8)
	for i := range b {
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(codeAlphabet))))
		if err != nil {
			return "", err
		}
		b[i] = codeAlphabet[n.Int64()]
	}
	return string(b), nil
}

// CreateInvite makes an invite of the local user maker, with a new unique code.
// Whether the maker may invite is the caller's to check.
func (s *Service) CreateInvite(ctx context.Context, maker shard.ID, n NewInvite) (*Invite, error) {
	if err := n.validate(); err != nil {
		return nil, err
	}
	now := s.opts.Now().UTC()
	inv := &Invite{ID: s.ids.Next(), UserID: maker, MaxUses: n.MaxUses, Autofollow: n.Autofollow, Comment: n.Comment,
		CreatedAt: now}
	if n.ExpiresIn != 0 {
		inv.ExpiresAt = now.Add(n.ExpiresIn)
	}
	for tries := 0; inv.Code == ""; tries++ {
		code, err := newCode()
		if err != nil {
			return nil, err
		}
		ok, _, err := s.st.PutIfAbsent(ctx, tInviteCodes, []byte(code), empty, inv.ID.Bytes(), 0)
		if err != nil {
			return nil, fmt.Errorf("reserve invite code: %w", err)
		}
		if ok {
			inv.Code = code
		} else if tries > 10 {
			return nil, fmt.Errorf("reserve invite code: no free code after %d tries", tries)
		}
	}
	b, err := store.Marshal(inv)
	if err != nil {
		return nil, err
	}
	err = s.st.Batch(ctx, []store.Mutation{
		{Kind: store.Put, Table: tInvites, PK: inv.ID.Bytes(), CK: empty, Value: b},
		{Kind: store.Put, Table: tInvitesByUser, PK: maker.Bytes(), CK: inv.ID.Bytes(), Value: empty},
		{Kind: store.Put, Table: tInvitesAll, PK: allInvites, CK: inv.ID.Bytes(), Value: empty},
	})
	if err != nil {
		return nil, fmt.Errorf("save invite: %w", err)
	}
	return inv, nil
}

// Invite returns the invite id with its uses.
func (s *Service) Invite(ctx context.Context, id shard.ID) (*Invite, error) {
	got, err := s.invites(ctx, []shard.ID{id})
	if err != nil {
		return nil, err
	}
	if len(got) == 0 {
		return nil, fmt.Errorf("invite %d: %w", id, ErrNotFound)
	}
	return got[0], nil
}

// InviteByCode returns the invite of a code, or ErrInviteInvalid.
func (s *Service) InviteByCode(ctx context.Context, code string) (*Invite, error) {
	if code == "" || len(code) > 64 {
		return nil, ErrInviteInvalid
	}
	b, err := s.st.Get(ctx, tInviteCodes, []byte(code), empty)
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrInviteInvalid
	}
	if err != nil {
		return nil, fmt.Errorf("look up invite code: %w", err)
	}
	inv, err := s.Invite(ctx, shard.FromBytes(b))
	if errors.Is(err, ErrNotFound) {
		return nil, ErrInviteInvalid
	}
	return inv, err
}

// Invites lists the invites of the local user maker (zero: every user's), newest
// first.
func (s *Service) Invites(ctx context.Context, maker shard.ID, p paging.Page) ([]*Invite, error) {
	table, pk := tInvitesByUser, maker.Bytes()
	if maker == 0 {
		table, pk = tInvitesAll, allInvites
	}
	rows, err := s.st.Scan(ctx, table, pk, p.Range())
	if err != nil {
		return nil, fmt.Errorf("list invites: %w", err)
	}
	rows = p.Newest(rows)
	ids := make([]shard.ID, len(rows))
	for i, r := range rows {
		ids[i] = shard.FromBytes(r.CK)
	}
	return s.invites(ctx, ids)
}

// invites loads invites and their uses, leaving out those missing.
func (s *Service) invites(ctx context.Context, ids []shard.ID) ([]*Invite, error) {
	keys := make([]store.Key, len(ids))
	for i, id := range ids {
		keys[i] = store.Key{PK: id.Bytes(), CK: empty}
	}
	vals, err := s.st.MultiGet(ctx, tInvites, keys)
	if err != nil {
		return nil, fmt.Errorf("load invites: %w", err)
	}
	uses, err := s.st.Counters(ctx, tInviteUses, keys)
	if err != nil {
		return nil, fmt.Errorf("load invite uses: %w", err)
	}
	out := make([]*Invite, 0, len(ids))
	for i, v := range vals {
		if v == nil {
			continue
		}
		var inv Invite
		if err := store.Unmarshal(v, &inv); err != nil {
			return nil, err
		}
		inv.Uses = max(uses[i], 0)
		out = append(out, &inv)
	}
	return out, nil
}

// ExpireInvite ends an invite now, as Mastodon's destroy does (expire!): it stays
// listed, expired. An invite already expired keeps its time.
func (s *Service) ExpireInvite(ctx context.Context, id shard.ID) (*Invite, error) {
	inv, err := s.Invite(ctx, id)
	if err != nil {
		return nil, err
	}
	now := s.opts.Now().UTC()
	if inv.Expired(now) {
		return inv, nil
	}
	inv.ExpiresAt = now
	b, err := store.Marshal(inv)
	if err != nil {
		return nil, err
	}
	if err := s.st.Put(ctx, tInvites, inv.ID.Bytes(), empty, b, 0); err != nil {
		return nil, fmt.Errorf("expire invite %d: %w", id, err)
	}
	return inv, nil
}

// claimInvite takes a use of inv for the new account id: a slot of a limited invite
// (ErrInviteInvalid when none is free). release gives it back.
func (s *Service) claimInvite(ctx context.Context, inv *Invite, id shard.ID) (release func(), err error) {
	if inv.Expired(s.opts.Now()) {
		return nil, ErrInviteInvalid
	}
	if inv.MaxUses == 0 {
		return func() {}, nil
	}
	rows, err := s.st.Scan(ctx, tInviteSlots, inv.ID.Bytes(), store.Range{Limit: inv.MaxUses})
	if err != nil {
		return nil, fmt.Errorf("read invite slots: %w", err)
	}
	taken := map[uint32]bool{}
	for _, r := range rows {
		if len(r.CK) == 4 {
			taken[binary.BigEndian.Uint32(r.CK)] = true
		}
	}
	for n := uint32(1); n <= uint32(inv.MaxUses); n++ {
		if taken[n] {
			continue
		}
		ck := binary.BigEndian.AppendUint32(nil, n)
		ok, _, err := s.st.PutIfAbsent(ctx, tInviteSlots, inv.ID.Bytes(), ck, id.Bytes(), 0)
		if err != nil {
			return nil, fmt.Errorf("claim invite slot: %w", err)
		}
		if ok {
			return func() { _ = s.st.Delete(context.WithoutCancel(ctx), tInviteSlots, inv.ID.Bytes(), ck) }, nil
		}
	}
	return nil, ErrInviteInvalid
}

func inviteUseMutation(inv *Invite) store.Mutation {
	return store.Mutation{Kind: store.Add, Table: tInviteUses, PK: inv.ID.Bytes(), CK: empty, Delta: 1}
}
