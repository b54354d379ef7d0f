// Package poll owns polls: the question a status asks (its options, whether several
// may be chosen, when it ends), the limits a new one must keep, the votes cast on it
// and their tallies. A poll belongs to one status and has its id; the status package
// keeps the question in the status and calls this package for what happens to it. It
// must not know statuses, HTTP, federation or engines.
package poll

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Validation is a user-facing validation failure (Mastodon answers 422).
type Validation struct{ Msg string }

func (v *Validation) Error() string { return "Validation failed: " + v.Msg }

func invalid(format string, args ...any) error {
	return &Validation{Msg: fmt.Sprintf(format, args...)}
}

// Poll is the question of one status.
type Poll struct {
	Options    []string `cbor:"1,keyasint"`
	Multiple   bool     `cbor:"2,keyasint,omitempty"`
	HideTotals bool     `cbor:"3,keyasint,omitempty"`
	// ExpiresAt is when voting ends; zero for a remote poll that never ends.
	ExpiresAt time.Time `cbor:"4,keyasint,omitempty"`
	// Round counts the edits that changed the options: each starts the votes afresh,
	// under keys of its own (a counter must never restart under its old key).
	Round uint32 `cbor:"5,keyasint,omitempty"`
	// Reported is the tally a remote poll's server last published (with the votes cast
	// here since); nil for a local poll, whose tally is counted here.
	Reported *Tally `cbor:"6,keyasint,omitempty"`
}

// Tally is how a poll stands.
type Tally struct {
	Votes []int64 `cbor:"1,keyasint"` // by option
	// Voters is the number of accounts that voted; -1 when a remote server does not say.
	Voters int64 `cbor:"2,keyasint"`
}

// Total is the number of votes, all options together.
func (t Tally) Total() int64 {
	var n int64
	for _, v := range t.Votes {
		n += v
	}
	return n
}

// Expired reports whether voting has ended at now.
func (p *Poll) Expired(now time.Time) bool {
	return !p.ExpiresAt.IsZero() && !now.Before(p.ExpiresAt)
}

// SameQuestion reports whether q asks what p asks: the same options, in order, and the
// same multiplicity. An edit that changes the question resets the votes.
func (p *Poll) SameQuestion(q *Poll) bool {
	return q != nil && p.Multiple == q.Multiple && slices.Equal(p.Options, q.Options)
}

// Limits bound the polls of local statuses; the zero value is Mastodon's defaults.
type Limits struct {
	MaxOptions             int           // default 4
	MaxCharactersPerOption int           // default 50
	MinExpiration          time.Duration // default 5 minutes
	MaxExpiration          time.Duration // default 1 month (2,629,746 s)
}

// WithDefaults fills in Mastodon's defaults.
func (l Limits) WithDefaults() Limits {
	if l.MaxOptions == 0 {
		l.MaxOptions = 4
	}
	if l.MaxCharactersPerOption == 0 {
		l.MaxCharactersPerOption = 50
	}
	if l.MinExpiration == 0 {
		l.MinExpiration = 5 * time.Minute
	}
	if l.MaxExpiration == 0 {
		l.MaxExpiration = 2629746 * time.Second
	}
	return l
}

// Ask is what a client gives for a new poll (poll[options][], poll[expires_in],
// poll[multiple], poll[hide_totals]).
type Ask struct {
	Options              []string
	ExpiresIn            time.Duration
	Multiple, HideTotals bool
}

// New checks a poll asked for at now against the limits, as Mastodon's PollValidator
// does, and returns it.
func (l Limits) New(a Ask, now time.Time) (*Poll, error) {
	l = l.WithDefaults()
	opts := make([]string, len(a.Options))
	for i, o := range a.Options {
		opts[i] = strings.TrimSpace(o)
	}
	switch {
	case len(opts) < 2:
		return nil, invalid("Poll options must have more than one item")
	case len(opts) > l.MaxOptions:
		return nil, invalid("Poll options can't contain more than %d items", l.MaxOptions)
	case slices.Contains(opts, ""):
		return nil, invalid("Poll options can't be blank")
	case hasDuplicates(opts):
		return nil, invalid("Poll options contain duplicate items")
	}
	for _, o := range opts {
		if utf8.RuneCountInString(o) > l.MaxCharactersPerOption {
			return nil, invalid("Poll options cannot be longer than %d characters each", l.MaxCharactersPerOption)
		}
	}
	switch {
	case a.ExpiresIn < l.MinExpiration:
		return nil, invalid("Poll expires at is too soon")
	case a.ExpiresIn > l.MaxExpiration:
		return nil, invalid("Poll expires at is too far into the future")
	}
	return &Poll{Options: opts, Multiple: a.Multiple, HideTotals: a.HideTotals,
		ExpiresAt: now.Add(a.ExpiresIn).UTC().Truncate(time.Second)}, nil
}

func hasDuplicates(opts []string) bool {
	seen := make(map[string]bool, len(opts))
	for _, o := range opts {
		if seen[o] {
			return true
		}
		seen[o] = true
	}
	return false
}

// checkVote refuses a vote Mastodon's VoteValidator refuses.
func (p *Poll) checkVote(choices []int, now time.Time) error {
	if p.Expired(now) {
		return invalid("The poll has already ended")
	}
	if len(choices) == 0 {
		return invalid("The chosen vote option does not exist")
	}
	for i, c := range choices {
		if c < 0 || c >= len(p.Options) {
			return invalid("The chosen vote option does not exist")
		}
		if slices.Contains(choices[:i], c) || (i > 0 && !p.Multiple) {
			return ErrAlreadyVoted
		}
	}
	return nil
}

// ErrAlreadyVoted is returned for a second vote of one account (or a second choice
// in a single-choice poll).
var ErrAlreadyVoted error = &Validation{Msg: "You have already voted on this poll"}
