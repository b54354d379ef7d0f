// Package action owns the use cases that change relationships between accounts, and
// between accounts and statuses: one function per verb (follow, unfollow, block,
// unblock, mute, unmute, remove from followers, authorize and reject a follow request,
// a peer's answer to a follow; favourite, unfavourite, pin, unpin; featuring a tag
// and no longer; report; a vote in a poll; adding accounts to a list, removing them,
// deleting a list; blocking a domain; posting and editing a status, and a peer's post,
// under the content rules) that writes its facts through the domain services and runs
// every consequence that belongs to it — the follower's home (fan-out's merge on
// follow, and its reverse), the notifications the account service raises, and the
// activity a remote server must hear of. Both doors call it: the client API for a
// local user, the inbox for a peer's activity, so that one action has the same
// effects from either door.
//
// An action of a local account tells the remote party (Follow, Block, Like and their
// Undo; Add and Remove of a pin or a featured tag to its remote followers; Flag, for
// a report about a remote account that asked to be forwarded); an action of a peer is
// not sent back, except the answer to its Follow (Accept, or Reject when either blocks
// the other).
// Homes are local accounts' only.
//
// It must not import the doors (api, activitypub), node or engines, and knows neither
// HTTP nor ActivityPub documents: federation is the small Federation interface below.
// Domain packages must not import it.
package action

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/moderation"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
)

// Accounts is the part of account.Service that relationship actions write through.
type Accounts interface {
	FollowOf(ctx context.Context, follower, target shard.ID) (*account.Follow, error)
	Follow(ctx context.Context, follower shard.ID, target *account.Account, opts account.FollowOptions, n account.Notifier) error
	Unfollow(ctx context.Context, follower, target shard.ID) error
	Accepted(ctx context.Context, follower, target shard.ID) error
	Authorize(ctx context.Context, target, requester shard.ID, n account.Notifier) error
	Reject(ctx context.Context, target, requester shard.ID) error
	RemoveFromFollowers(ctx context.Context, target, follower shard.ID) error
	Block(ctx context.Context, blocker, target shard.ID) error
	Unblock(ctx context.Context, blocker, target shard.ID) error
	Mute(ctx context.Context, muter, target shard.ID, notifications bool, d time.Duration) error
	Unmute(ctx context.Context, muter, target shard.ID) error
	UpdateProfile(ctx context.Context, id shard.ID, p account.ProfileUpdate, render account.RenderFunc) (*account.Account, *account.User, error)
	BlockDomain(ctx context.Context, owner shard.ID, domain string) (string, error)
	UnblockDomain(ctx context.Context, owner shard.ID, domain string) error
	BlocksDomain(ctx context.Context, owner shard.ID, domain string) (bool, error)
	DomainRelations(ctx context.Context, owner shard.ID, domain string) (followers, following, requested []shard.ID, err error)
	GetMany(ctx context.Context, ids []shard.ID) (map[shard.ID]*account.Account, error)
	BlockersOf(ctx context.Context, target shard.ID) ([]shard.ID, error)
	MutersOf(ctx context.Context, target shard.ID) (map[shard.ID]bool, error)
	Note(ctx context.Context, owner, target shard.ID) (string, error)
	SetNote(ctx context.Context, owner, target shard.ID, comment string) error
}

// Statuses is the part of status.Service that interaction actions write through.
type Statuses interface {
	Get(ctx context.Context, id shard.ID) (*status.Status, error)
	Favourite(ctx context.Context, account, id shard.ID, local bool) (*status.Status, error)
	Unfavourite(ctx context.Context, account, id shard.ID) (*status.Status, error)
	Pin(ctx context.Context, account, id shard.ID) (*status.Status, error)
	PinRemote(ctx context.Context, account, id shard.ID) error
	Unpin(ctx context.Context, account, id shard.ID) (*status.Status, error)
	Pinned(ctx context.Context, account shard.ID) ([]status.Listed, error)
	Marked(ctx context.Context, viewer shard.ID, ids []shard.ID) ([4][]bool, error)
	Vote(ctx context.Context, voter, id shard.ID, choices []int, local bool) (*status.Status, error)
}

// Homes is the part of fanout.Service that keeps homes in step with follows.
type Homes interface {
	// Followed merges an author's recent posts into a new follower's home.
	Followed(ctx context.Context, follower, author shard.ID) error
	// Unfollowed takes them out again.
	Unfollowed(ctx context.Context, follower, author shard.ID) error
}

// Reports is the part of moderation.Service that reports are filed with.
type Reports interface {
	Create(ctx context.Context, n moderation.NewReport) (*moderation.Report, error)
}

// Federation is the part of activitypub.Sender that tells remote servers of local
// relationship changes, pins, votes, profile changes and forwarded reports.
type Federation interface {
	// Relate sends kind (Follow, Block, Like) from local to remote, or its Undo;
	// nothing when remote is a local account.
	Relate(ctx context.Context, kind string, local, remote shard.ID, object string, undo bool) error
	// Respond answers a remote follower's Follow with Accept or Reject; nothing when
	// the follower is local.
	Respond(ctx context.Context, local, follower shard.ID, accepted bool) error
	// SendFeatured tells the remote followers of a local account that it pinned or
	// unpinned one of its statuses.
	SendFeatured(ctx context.Context, account, statusID shard.ID, pinned bool) error
	// SendFeaturedTag tells the remote followers of a local account that it featured
	// the tag name, or stopped featuring it.
	SendFeaturedTag(ctx context.Context, account shard.ID, name string, added bool) error
	// SendFlag forwards a report about a remote account to that account's server.
	SendFlag(ctx context.Context, r *moderation.Report) error
	// SendVote sends a local account's vote on a remote poll to the poll's author.
	SendVote(ctx context.Context, voter shard.ID, st *status.Status, choices []int) error
	// SendProfile sends a local account's actor document to its remote followers
	// as an Update.
	SendProfile(ctx context.Context, a *account.Account) error
}

// Deps are what the actions write through; every one but Logger is required.
type Deps struct {
	Accounts Accounts
	Statuses Statuses
	// Notifier hears the follows and follow requests of local accounts.
	Notifier account.Notifier
	Homes    Homes
	// Lists and ListFeeds keep lists, their members and their timelines.
	Lists     Lists
	ListFeeds ListFeeds
	Reports   Reports
	// Tags keeps the tags accounts feature.
	Tags       Tags
	Federation Federation
	// Content is what posting and editing need (content.go).
	Content Content
	// Logger hears what an action does not return (a report that could not be
	// forwarded); default slog.Default().
	Logger *slog.Logger
}

// Service runs the actions.
type Service struct {
	accounts   Accounts
	statuses   Statuses
	notifier   account.Notifier
	homes      Homes
	lists      Lists
	feeds      ListFeeds
	reports    Reports
	tags       Tags
	federation Federation
	content    Content
	log        *slog.Logger
}

// New returns the actions, or an error naming a missing dependency.
func New(d Deps) (*Service, error) {
	var missing []error
	for _, dep := range []struct {
		name string
		ok   bool
	}{{"Accounts", d.Accounts != nil}, {"Statuses", d.Statuses != nil}, {"Notifier", d.Notifier != nil},
		{"Homes", d.Homes != nil}, {"Lists", d.Lists != nil}, {"ListFeeds", d.ListFeeds != nil}, {"Reports", d.Reports != nil},
		{"Tags", d.Tags != nil}, {"Federation", d.Federation != nil}} {
		if !dep.ok {
			missing = append(missing, errors.New("action: Deps."+dep.name+" is required"))
		}
	}
	if err := errors.Join(missing...); err != nil {
		return nil, err
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	return &Service{accounts: d.Accounts, statuses: d.Statuses, notifier: d.Notifier, homes: d.Homes, lists: d.Lists, feeds: d.ListFeeds, reports: d.Reports,
		tags: d.Tags, federation: d.Federation, content: d.Content, log: d.Logger}, nil
}
