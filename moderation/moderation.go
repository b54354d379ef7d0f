// Package moderation owns reports: who reported which account and statuses, why, and
// what moderators did about it (assignment, resolution); moderators' actions on
// accounts (silence, suspend, disable, sensitive) and the approval of registrations;
// instance domain blocks and allows; IP blocks (kept in memory per node, IPRules) and
// email domain and canonical email blocks, and what they make of a sign-up;
// the warnings (strikes) those actions leave, their appeals and the warning presets;
// and the audit log of every moderator action. Reports come from local users and from other servers (ActivityPub
// Flag). It stores them through the store contract, and tells of every report written
// on ReportTopic (for webhooks); it must not know HTTP, JSON
// entities, ActivityPub or engines.
package moderation

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"time"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/notification"
	"github.com/herd-social/herd/role"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/store"
)

var (
	// ErrNotFound is returned for a report or domain block that does not exist.
	ErrNotFound = errors.New("moderation: not found")
	// ErrForbidden is returned for an action moderators may not take (on staff, or
	// deleting an account that is not suspended), Mastodon's 403.
	ErrForbidden = errors.New("moderation: not allowed")
)

// Validation is a user-facing validation failure (Mastodon answers 422); Field, if
// set, details it by input field.
type Validation struct {
	Msg   string
	Field *FieldError
}

func (v *Validation) Error() string { return "Validation failed: " + v.Msg }

func invalid(format string, args ...any) error {
	return &Validation{Msg: fmt.Sprintf(format, args...)}
}

// Report categories, as Mastodon's.
const (
	CategorySpam      = "spam"
	CategoryLegal     = "legal"
	CategoryViolation = "violation"
	CategoryOther     = "other"
)

// Categories lists the valid report categories.
var Categories = []string{CategorySpam, CategoryLegal, CategoryViolation, CategoryOther}

// MaxComment is the longest comment a local user may give, as Mastodon's default.
const MaxComment = 1000

// Report is one report of an account, and optionally some of its statuses.
type Report struct {
	ID shard.ID `cbor:"1,keyasint"`
	// AccountID is the reporter: a local user, or the remote actor that sent a Flag.
	AccountID       shard.ID   `cbor:"2,keyasint"`
	TargetAccountID shard.ID   `cbor:"3,keyasint"`
	StatusIDs       []shard.ID `cbor:"4,keyasint,omitempty"`
	Comment         string     `cbor:"5,keyasint,omitempty"`
	Category        string     `cbor:"6,keyasint"`
	RuleIDs         []string   `cbor:"7,keyasint,omitempty"`
	// Forwarded is set when a copy went to the target's server.
	Forwarded bool      `cbor:"8,keyasint,omitempty"`
	CreatedAt time.Time `cbor:"9,keyasint"`
	UpdatedAt time.Time `cbor:"10,keyasint"`
	// ActionTakenAt is when a moderator resolved the report; zero while open.
	ActionTakenAt          time.Time `cbor:"11,keyasint,omitempty"`
	ActionTakenByAccountID shard.ID  `cbor:"12,keyasint,omitempty"`
	AssignedAccountID      shard.ID  `cbor:"13,keyasint,omitempty"`
	// URI is the id of the Flag activity of a report that came from another server.
	URI string `cbor:"14,keyasint,omitempty"`
}

// Resolved reports whether a moderator acted on the report.
func (r *Report) Resolved() bool { return !r.ActionTakenAt.IsZero() }

const (
	tReports = "reports"
	// tIndex lists report ids newest first, partitioned by state and, optionally,
	// reporter or target (indexKeys), so every admin listing is one partition scan.
	tIndex = "report_index"
)

// Schema lists the tables this package uses.
func Schema() store.Schema {
	return store.Schema{{Name: tReports}, {Name: tIndex, Order: store.Desc}, {Name: tAudit, Order: store.Desc},
		{Name: tDomainBlocks}, {Name: tDomainAllows}, {Name: tDomainPolicy}, {Name: tIPBlocks}, {Name: tEmailDomainBlocks},
		{Name: tCanonicalEmailBlocks}, {Name: tEmailBlockHistory, Kind: store.Counters},
		{Name: tEmailBlockIPs, TTL: 8 * 24 * time.Hour}, {Name: tWarnings}, {Name: tWarningsOf, Order: store.Desc},
		{Name: tAppeals, Order: store.Desc}, {Name: tPresets}}
}

// Accounts is the part of the account service that reports read.
type Accounts interface {
	Get(ctx context.Context, id shard.ID) (*account.Account, error)
	GetMany(ctx context.Context, ids []shard.ID) (map[shard.ID]*account.Account, error)
	FollowOf(ctx context.Context, follower, target shard.ID) (*account.Follow, error)
	User(ctx context.Context, id shard.ID) (*account.User, error)
	SaveUser(ctx context.Context, u *account.User) error
	ApprovePending(ctx context.Context, a *account.Account, u *account.User) error
	DeletePending(ctx context.Context, a *account.Account, u *account.User) error
	Save(ctx context.Context, a *account.Account) error
	SaveBoth(ctx context.Context, a *account.Account, u *account.User) error
	Listing(ctx context.Context, partition []byte, r store.Range) ([]store.Row, error)
	DeleteRemote(ctx context.Context, a *account.Account) error
	UncachePictures(ctx context.Context, id shard.ID, avatar, header bool) (int, error)
	Peers(ctx context.Context) ([]string, error)
	FollowerIDs(ctx context.Context, target, cursor shard.ID, limit int) ([]shard.ID, shard.ID, error)
	FollowingIDs(ctx context.Context, follower, cursor shard.ID, limit int) ([]shard.ID, shard.ID, error)
	Staff(ctx context.Context) ([]shard.ID, error)
	UsersByIP(ctx context.Context, p netip.Prefix) (map[shard.ID]bool, error)
}

// Statuses is the part of the status service that reports read.
type Statuses interface {
	GetMany(ctx context.Context, ids []shard.ID) (map[shard.ID]*status.Status, error)
}

// Options configure the service.
type Options struct {
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Rules says whether server rule ids exist; default: none does, so reports
	// citing rules are refused as Mastodon refuses unknown rules.
	Rules RuleChecker
	// IPRefresh is how often a node reloads the IP blocks from the store (its own
	// changes apply at once); default 5s.
	IPRefresh time.Duration
	// Events, if set, is told of every report written (ReportTopic).
	Events Publisher
	// Federation, if set, tells other servers of suspensions and their lifting.
	Federation Federation
	// MX, if set, resolves a sign-up's e-mail domain for the email domain blocks
	// (its MX hosts and their addresses); nil: the domain alone is matched.
	MX MXLookup
	// Severed, if set, tells local users of the follows a domain suspension ended.
	Severed SeveredNotifier
	// Logger; default slog.Default().
	Logger *slog.Logger
	// Roles says what a moderator's role is, so that a moderator acts only on users
	// whose role is below theirs; default none: no user holding a role is acted on.
	Roles RoleReader
	// Notices, if set (with Roles), tells the staff who may manage reports of each new
	// report whose target has no other open report (admin.report), as Mastodon's
	// ReportService.
	Notices ReportNotifier
	// Warnings, if set, tells local users of their warnings (moderation_warning).
	Warnings WarningNotifier
	// Mail, if set, mails local users their warnings.
	Mail *WarningMail
}

// ReportNotifier is the part of the notification service that tells moderators of
// reports.
type ReportNotifier interface {
	NotifyReport(ctx context.Context, to, from, reportID shard.ID) error
}

// RoleReader is the part of the role service that account actions ask.
type RoleReader interface {
	Of(ctx context.Context, id int64) (*role.Actor, error)
}

// SeveredNotifier is the part of the notification service that tells local users of
// severed follows.
type SeveredNotifier interface {
	NotifySevered(ctx context.Context, to shard.ID, ev notification.Severance) error
}

// MXLookup resolves an e-mail domain's MX hosts and the addresses of the domain
// and of those hosts (MXResolver).
type MXLookup interface {
	Lookup(ctx context.Context, domain string) (hosts, ips []string, err error)
}

// Federation is the part of federation that account suspensions go through.
type Federation interface {
	AccountSuspended(ctx context.Context, a *account.Account) error
	AccountUnsuspended(ctx context.Context, a *account.Account) error
	AccountDeleted(ctx context.Context, a *account.Account) error
}

// RuleChecker is the part of the rules service that reports ask.
type RuleChecker interface {
	ValidRules(ctx context.Context, ids []string) (bool, error)
}

type noRules struct{}

func (noRules) ValidRules(_ context.Context, ids []string) (bool, error) { return len(ids) == 0, nil }

func (o Options) withDefaults() Options {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Rules == nil {
		o.Rules = noRules{}
	}
	o.Logger = defaultLogger(o.Logger)
	return o
}

// Service is the report repository and its use cases.
type Service struct {
	st       store.Store
	ids      *shard.Generator
	accounts Accounts
	statuses Statuses
	opts     Options
	ips      *IPRules
}

// New returns a service on st.
func New(st store.Store, ids *shard.Generator, accounts Accounts, statuses Statuses, opts Options) *Service {
	opts = opts.withDefaults()
	return &Service{st: st, ids: ids, accounts: accounts, statuses: statuses, opts: opts,
		ips: NewIPRules(st, opts.Now, opts.IPRefresh)}
}

var empty = []byte{}

// Get returns one report.
func (s *Service) Get(ctx context.Context, id shard.ID) (*Report, error) {
	b, err := s.st.Get(ctx, tReports, id.Bytes(), empty)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("report %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("load report %d: %w", id, err)
	}
	var r Report
	if err := store.Unmarshal(b, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// getMany returns the reports of ids that exist, in order.
func (s *Service) getMany(ctx context.Context, ids []shard.ID) ([]*Report, error) {
	keys := make([]store.Key, len(ids))
	for i, id := range ids {
		keys[i] = store.Key{PK: id.Bytes(), CK: empty}
	}
	vals, err := s.st.MultiGet(ctx, tReports, keys)
	if err != nil {
		return nil, fmt.Errorf("load reports: %w", err)
	}
	out := make([]*Report, 0, len(vals))
	for _, v := range vals {
		if v == nil {
			continue
		}
		var r Report
		if err := store.Unmarshal(v, &r); err != nil {
			return nil, err
		}
		out = append(out, &r)
	}
	return out, nil
}

// indexKeys are the partitions of report_index that list r in its current state:
// every report of that state, those of its reporter, those against its target.
func indexKeys(r *Report) [][]byte {
	state := stateOf(r.Resolved())
	return [][]byte{
		indexKey(state, "", 0),
		indexKey(state, "account", r.AccountID),
		indexKey(state, "target", r.TargetAccountID),
	}
}

func stateOf(resolved bool) string {
	if resolved {
		return "resolved"
	}
	return "open"
}

func indexKey(state, by string, id shard.ID) []byte {
	if by == "" {
		return []byte(state)
	}
	return []byte(state + "/" + by + "/" + id.String())
}

// save writes r, moving its index rows from the partitions of before (nil for a new
// report) to its current ones.
func (s *Service) save(ctx context.Context, r *Report, before *Report) error {
	b, err := store.Marshal(r)
	if err != nil {
		return err
	}
	muts := []store.Mutation{{Kind: store.Put, Table: tReports, PK: r.ID.Bytes(), CK: empty, Value: b}}
	if before != nil {
		for _, k := range indexKeys(before) {
			muts = append(muts, store.Mutation{Kind: store.Delete, Table: tIndex, PK: k, CK: r.ID.Bytes()})
		}
	}
	for _, k := range indexKeys(r) {
		muts = append(muts, store.Mutation{Kind: store.Put, Table: tIndex, PK: k, CK: r.ID.Bytes(), Value: empty})
	}
	if err := s.st.Batch(ctx, muts); err != nil {
		return fmt.Errorf("save report %d: %w", r.ID, err)
	}
	s.published(ctx, r, before == nil)
	return nil
}
