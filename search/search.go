// Package search is the full-text search contract: documents of three kinds
// (statuses, accounts, hashtags) are indexed, replaced and deleted by id, and found by
// queries that carry the privacy rule of Mastodon 4.2's search, so that an engine never
// returns a status the searcher may not find. Engines (search/bleve, search/elastic for
// Elasticsearch and OpenSearch) keep to what every engine of the kind shares: keyword
// and boolean fields, numeric ranges, per-field analyzers, prefix queries, sorting by
// score then a field, offset and limit. search/searchtest is the conformance suite.
// A status indexed without a language gets the one AnalysisLanguage detects (lingua),
// so that its language's analyzer applies in every engine.
//
// It imports nothing of the module: ids are plain unsigned integers.
package search

import (
	"context"
	"errors"
	"time"
	"unicode/utf8"
)

// ErrClosed is returned by an engine used after Close.
var ErrClosed = errors.New("search: closed")

// MaxLimit bounds one page of results, as Mastodon's /api/v2/search (40).
const MaxLimit = 40

// Status is what is indexed of a status. Boosts are not indexed: their original is.
type Status struct {
	ID        uint64
	AccountID uint64
	// Text is the searchable plain text: content warning, content (tags and entities
	// stripped), poll options, media descriptions.
	Text string
	// Language is the ISO 639-1 code the author set; "" when unknown, and then the
	// engine detects it from Text (AnalysisLanguage). It picks the analyzer and is what
	// language: filters on; every status also has a language-independent field.
	Language  string
	CreatedAt time.Time
	// Public is true when anyone may find the status: a public status of an account
	// that opted into search (indexable).
	Public bool
	// Readers are the accounts that may find it besides: its author, the accounts it
	// mentions, those who boosted it.
	Readers []uint64
	// Reply, Media, Poll and Sensitive serve the operators is:reply, has:media,
	// has:poll and is:sensitive; Link (a link worth a preview card) has:link, and Embed
	// (a video preview card) has:embed.
	Reply, Media, Poll, Sensitive, Link, Embed bool
}

// Account is what is indexed of an account.
type Account struct {
	ID          uint64
	Username    string
	Domain      string // "" for a local account
	DisplayName string
	// Discoverable accounts rank before the others; only they are similar profiles.
	Discoverable bool
	// Note is the bio in plain text, indexed only for a discoverable account (as
	// Mastodon's searchable text): what SimilarAccounts compares.
	Note string
	// Bot accounts are never similar profiles; Verified ones (a profile field's link
	// verified) rank above the others found as similar.
	Bot, Verified bool
}

// Tag is what is indexed of a hashtag: its normalised name (its id) and its uses,
// which rank prefix matches.
type Tag struct {
	Name string
	Uses int64
}

// StatusQuery asks for statuses. Viewer, Also and the status's Public and Readers
// decide what may be found: a status is found when it is Public, when Viewer is among
// its Readers, or when its id is in Also.
type StatusQuery struct {
	// Text is matched with the analyzer of every language and the language-independent
	// one; every word must match. Empty Text with a filter lists by filter alone.
	Text string
	// Phrases must each be found, their words in order, in the language-independent
	// field (a quoted phrase).
	Phrases []string
	// Exclude drops the statuses that any of these words (matched as Text's) or
	// phrases (when of more than one word, matched as Phrases') finds: -word, -"a phrase".
	Exclude []string
	// ExcludeAccounts drops statuses by these authors (-from:).
	ExcludeAccounts []uint64
	// ExcludeLanguages drops statuses of these languages (-language:).
	ExcludeLanguages []string
	// ExcludeDays drops statuses created on these days: each a day's first instant,
	// the day running 24 hours from it (-during:).
	ExcludeDays []time.Time
	// Viewer is the searching account, 0 for none.
	Viewer uint64
	// Also are statuses the viewer may find beyond the index's rule (the ones they
	// favourited or bookmarked).
	Also []uint64
	// PublicOnly restricts to Public statuses (in:public).
	PublicOnly bool
	// LibraryOnly restricts to the viewer's Readers and Also (in:library).
	LibraryOnly bool
	// Accounts restrict to statuses by these authors (from:, account_id, following).
	Accounts []uint64
	// Language restricts to one language code.
	Language string
	// After and Before restrict CreatedAt (exclusive); zero is no bound.
	After, Before time.Time
	// MinID and MaxID restrict the status ids (exclusive); zero is no bound
	// (min_id and max_id of /api/v2/search, as Mastodon's).
	MinID, MaxID uint64
	// Reply, Media, Poll, Sensitive, Link and Embed, when not nil, require the flag's
	// value.
	Reply, Media, Poll, Sensitive, Link, Embed *bool
	// Offset and Limit page the results, best first (score, then newest).
	Offset, Limit int
}

// Fuzziness is how many edits a word of an account query may be from a username or
// display-name word it finds, as Elasticsearch's "AUTO": none for a word of one or two
// characters, one for three to five, two for longer ones.
func Fuzziness(word string) int {
	switch n := utf8.RuneCountInString(word); {
	case n <= 2:
		return 0
	case n <= 5:
		return 1
	}
	return 2
}

// AccountQuery asks for accounts by prefix of username, display name words or domain,
// or by those words within Fuzziness edits.
type AccountQuery struct {
	Text string
	// Followed are accounts the viewer follows (at most MaxFollowed of them), ranked
	// above the others found, below an exact username.
	Followed      []uint64
	Offset, Limit int
}

// MaxFollowed bounds AccountQuery.Followed and SimilarQuery.Exclude.
const MaxFollowed = 1000

// SimilarQuery asks for profiles like those of the accounts Like, as Mastodon's
// similar_to_recently_followed suggestions ask Elasticsearch's more_like_this query
// with its defaults: the words of Like's bios, analyzed as the bios are, count when
// they occur at least SimilarMinTermFreq times in them together and are in the bios of
// at least SimilarMinDocFreq indexed accounts; the SimilarMaxTerms that weigh most
// (occurrences times inverse document frequency) are kept, and an account is found
// when its bio has at least 30% of them (rounded down, at least one), best first.
// Found are discoverable accounts that are not bots, nor in Like or Exclude.
type SimilarQuery struct {
	Like []uint64
	// Exclude are never found (the viewer, the accounts it follows), at most
	// MaxFollowed of them.
	Exclude []uint64
	Limit   int
}

// The parameters of SimilarQuery: more_like_this's defaults.
const (
	SimilarMinTermFreq = 2
	SimilarMinDocFreq  = 5
	SimilarMaxTerms    = 25
	// SimilarShouldMatch is the percentage of the kept words a bio must have.
	SimilarShouldMatch = 30
)

// SimilarShould is how many of n kept words a bio must have.
func SimilarShould(n int) int { return max(1, n*SimilarShouldMatch/100) }

// Engine is a search engine. Indexing a document again replaces it; deleting a
// missing one is no error. A change is visible to queries when the call returns.
type Engine interface {
	IndexStatuses(ctx context.Context, docs ...Status) error
	IndexAccounts(ctx context.Context, docs ...Account) error
	IndexTags(ctx context.Context, docs ...Tag) error
	DeleteStatuses(ctx context.Context, ids ...uint64) error
	DeleteAccounts(ctx context.Context, ids ...uint64) error
	// Statuses returns the ids of the statuses the query finds.
	Statuses(ctx context.Context, q StatusQuery) ([]uint64, error)
	// Accounts returns the ids of matching accounts, best first.
	Accounts(ctx context.Context, q AccountQuery) ([]uint64, error)
	// SimilarAccounts returns the ids of the accounts whose profiles are like those
	// of q.Like, best first.
	SimilarAccounts(ctx context.Context, q SimilarQuery) ([]uint64, error)
	// Tags returns the names of hashtags starting with prefix (normalised): the one
	// named prefix first, then the others most used first.
	Tags(ctx context.Context, prefix string, offset, limit int) ([]string, error)
	Close() error
}

// Rebuilder is an engine that rebuilds into fresh indexes while queries answer from
// its current ones (search/elastic); an engine without it is rebuilt in place.
type Rebuilder interface {
	// Rebuild returns an engine that reads and writes the fresh indexes of build, made
	// when build is "" and named by the build it returns, kept when they exist (a
	// rebuild resumed).
	Rebuild(ctx context.Context, build string) (Engine, string, error)
	// Swap makes build's indexes the ones queries answer from, in one step for each
	// kind, and drops those they replace.
	Swap(ctx context.Context, build string) error
}

// Clamp bounds a page's limit (default 20, at most MaxLimit) and offset.
func Clamp(offset, limit int) (int, int) {
	if limit <= 0 {
		limit = 20
	}
	if limit > MaxLimit {
		limit = MaxLimit
	}
	if offset < 0 {
		offset = 0
	}
	return offset, limit
}
