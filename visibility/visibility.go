// Package visibility is the one policy of who may see a status. Every reader asks it:
// the client API (one status, lists, threads, search, streaming), the ActivityPub
// documents and pages (always as an anonymous viewer), and the status use cases that
// act on a status only someone who sees it may act on (reply, favourite, boost, …).
//
// The rule itself (Allows) is a pure function of a status and a few facts about the
// viewer and the author: whether the viewer follows the author and whether either
// blocks the other. A Policy loads those facts, one status at a time (CanSee) or for a
// page of statuses in one multi-get per kind of fact (Relations); a reader that has
// already loaded them passes them in instead, so that a timeline page costs no read
// per status. The package must not know HTTP, ActivityPub, rendering or engines.
package visibility

import (
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
)

// Facts are what the rule needs to know of a viewer and one status's author.
type Facts struct {
	// Viewer is who asks; zero is an anonymous reader (a logged-out client, a remote
	// server fetching a document).
	Viewer shard.ID
	// Follows is whether the viewer follows the author (an accepted follow).
	Follows bool
	// Blocked is whether the viewer blocks the author or the author blocks the viewer.
	Blocked bool
}

// Allows reports whether a viewer with these facts may see st, as Mastodon's
// StatusPolicy#show? with blocks both ways:
//   - the author always sees their own status;
//   - otherwise a block either way hides it;
//   - public and unlisted statuses are seen by everyone, anonymous readers included;
//   - private statuses by the author's followers and the accounts they mention;
//   - direct statuses by the accounts they mention only.
//
// A reply is judged by its own visibility, whether or not the viewer may see the
// status it replies to; a boost is judged with AllowsBoost.
func Allows(f Facts, st *status.Status) bool {
	if f.Viewer != 0 && f.Viewer == st.AccountID {
		return true
	}
	if f.Blocked {
		return false
	}
	switch st.Visibility {
	case status.Public, status.Unlisted:
		return true
	case status.Private:
		return f.Viewer != 0 && (f.Follows || st.Mentioned(f.Viewer))
	default:
		return f.Viewer != 0 && st.Mentioned(f.Viewer)
	}
}

// AllowsBoost reports whether the viewer may see a boost: both the boost (by its
// booster's facts) and the boosted original (by its author's facts). A boost of a
// private status is private itself (only its author may make one), so its followers
// are the original's.
func AllowsBoost(booster Facts, boost *status.Status, author Facts, original *status.Status) bool {
	return Allows(booster, boost) && Allows(author, original)
}

// Boostable reports whether a viewer who may see st may also boost it, as Mastodon's
// StatusPolicy#reblog?: never a direct status, and a private one only by its author
// (the boost stays private, so it reaches no one who could not see the original).
func Boostable(viewer shard.ID, st *status.Status) bool {
	return st.Visibility != status.Direct && (st.Visibility != status.Private || viewer == st.AccountID)
}

// Anonymous reports whether anyone at all may see st: what ActivityPub documents,
// public pages and logged-out clients show.
func Anonymous(st *status.Status) bool { return Allows(Facts{}, st) }

// Where fan-out puts a status, consistently with Allows: every reader of a home,
// list or public timeline may see what these admit.

// ToFollowers reports whether st goes to the homes of its author's followers: every
// visibility but direct (followers may see public, unlisted and private statuses).
func ToFollowers(st *status.Status) bool { return st.Visibility != status.Direct }

// ToMentioned reports whether st goes to the homes of the accounts it mentions,
// whether or not they follow the author: direct statuses, which only they may see.
func ToMentioned(st *status.Status) bool { return st.Visibility == status.Direct }

// InPublicListings reports whether st is listed where strangers browse: public and
// hashtag timelines, the public profile page. Unlisted statuses may be seen by anyone
// who is shown them but are not listed there.
func InPublicListings(st *status.Status) bool { return st.Visibility == status.Public }

// InPublicTimelines reports whether st goes to the public, local and hashtag
// timelines: listed publicly, and neither a boost nor a reply to someone else.
func InPublicTimelines(st *status.Status) bool {
	return InPublicListings(st) && st.ReblogOfID == 0 && !st.IsReply()
}

// Admitted are the facts of a status that fan-out put in the viewer's home, lists,
// notifications or stream, or that a listing chose by Listed: it was admitted under
// this policy (a follower's home gets private posts, a mentioned account's home gets
// direct ones, and an unfollow takes them out), so following is taken as given and
// no follow is read again; blocks are still checked, since they may be newer.
func Admitted(viewer shard.ID, blocked bool) Facts {
	return Facts{Viewer: viewer, Follows: true, Blocked: blocked}
}

// Listed returns the visibilities of an author's statuses that appear in the viewer's
// listing of that author's statuses (GET /api/v1/accounts/:id/statuses, the outbox,
// the profile page, a home merge): all four to the author, public, unlisted and
// private to a follower, public and unlisted to anyone else. A direct status that
// mentions the viewer is not listed there, as in Mastodon; it is seen in threads and
// notifications. Blocks hide whole listings and are the reader's to apply.
func Listed(viewer, author shard.ID, follows bool) []status.Visibility {
	switch {
	case viewer != 0 && viewer == author:
		return []status.Visibility{status.Public, status.Unlisted, status.Private, status.Direct}
	case viewer != 0 && follows:
		return []status.Visibility{status.Public, status.Unlisted, status.Private}
	}
	return []status.Visibility{status.Public, status.Unlisted}
}

// Relations are the facts about one viewer and the authors of a page of statuses.
type Relations struct {
	Viewer shard.ID
	// Blocked holds the authors blocked either way. A reader may pass a wider set it
	// hides anyway (mutes too).
	Blocked map[shard.ID]bool
	// Follows holds the authors the viewer follows, of those the rule needed.
	Follows map[shard.ID]bool
	// Admitted takes following as given for every author (see Admitted).
	Admitted bool
}

// Facts are the relations' facts for one author.
func (r Relations) Facts(author shard.ID) Facts {
	return Facts{Viewer: r.Viewer, Follows: r.Admitted || r.Follows[author], Blocked: r.Blocked[author]}
}

// Allows applies the rule to st.
func (r Relations) Allows(st *status.Status) bool { return Allows(r.Facts(st.AccountID), st) }

// AllowsBoost applies the rule to a boost and its original.
func (r Relations) AllowsBoost(boost, original *status.Status) bool {
	return AllowsBoost(r.Facts(boost.AccountID), boost, r.Facts(original.AccountID), original)
}

// Quotable reports whether a viewer who may see st may quote it with the quote
// accepted at once, as Mastodon's StatusPolicy#quote?: its author may quote anything
// but a direct status; others, by its quote policy (nobody for private and direct
// statuses), when everyone may or when they follow the author and followers may.
func Quotable(viewer shard.ID, st *status.Status, follows bool) bool {
	if viewer != 0 && viewer == st.AccountID {
		return st.Visibility != status.Direct
	}
	switch st.EffectiveQuotePolicy() {
	case status.QuotePublic:
		return viewer != 0
	case status.QuoteFollowers:
		return viewer != 0 && follows
	}
	return false
}
