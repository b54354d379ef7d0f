package poll

import (
	"context"
	"encoding/binary"
	"fmt"
	"time"

	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

const (
	tVotes   = "poll_votes"   // poll id → voter id + round → Vote
	tChoices = "poll_choices" // poll id → voter id + round + option (multiple-choice polls)
	tCounts  = "poll_counts"  // poll id → round + option (or voters) → count
)

var empty = []byte{}

// Schema lists the tables this package uses.
func Schema() store.Schema {
	return append(store.Schema{{Name: tVotes}, {Name: tChoices}, {Name: tCounts, Kind: store.Counters}}, ends.Schema()...)
}

// Forget is the mutations that remove the votes of a deleted status's poll; they go
// in the batch that deletes it. Its counters stay, unread: a counter must never be
// deleted and added to again, and nothing counts on a deleted status.
func Forget(id shard.ID) []store.Mutation {
	return []store.Mutation{{Kind: store.DeletePartition, Table: tVotes, PK: id.Bytes()},
		{Kind: store.DeletePartition, Table: tChoices, PK: id.Bytes()}}
}

// Vote is one account's vote on a poll.
type Vote struct {
	Choices []int     `cbor:"1,keyasint"`
	Round   uint32    `cbor:"2,keyasint,omitempty"`
	At      time.Time `cbor:"3,keyasint"`
	Local   bool      `cbor:"4,keyasint,omitempty"` // cast by a local account
}

// Service stores votes and counts them.
type Service struct{ st store.Store }

// New returns a service on st.
func New(st store.Store) *Service { return &Service{st: st} }

// voteKey is a vote's row key within its poll; the round keeps the votes of an
// earlier question from counting as votes on the edited one.
func voteKey(voter shard.ID, round uint32) []byte {
	return binary.BigEndian.AppendUint32(voter.Bytes(), round)
}

func choiceKey(voter shard.ID, round uint32, option int) []byte {
	return append(voteKey(voter, round), byte(option))
}

// countKey is the counter of one option of a round; option -1 counts the voters.
func countKey(round uint32, option int) []byte {
	return binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(nil, round), uint32(int32(option)))
}

// Cast records voter's vote of choices (option indexes) on the poll of status id at
// now, and counts it, as Mastodon's VoteService: in a single-choice poll an account
// votes once; in a multiple-choice poll it may add choices later (a peer sends one
// vote per choice) but never one twice, and counts once among the voters. It returns
// ErrAlreadyVoted for a vote that would count twice, and a Validation for a vote the
// poll refuses.
func (s *Service) Cast(ctx context.Context, id shard.ID, p *Poll, voter shard.ID, choices []int, local bool, now time.Time) error {
	if err := p.checkVote(choices, now); err != nil {
		return err
	}
	if p.Multiple {
		if err := s.claimChoices(ctx, id, p.Round, voter, choices); err != nil {
			return err
		}
	}
	first, err := s.record(ctx, id, p, voter, Vote{Choices: choices, Round: p.Round, At: now.UTC(), Local: local})
	if err != nil {
		return err
	}
	var muts []store.Mutation
	if first {
		muts = append(muts, store.Mutation{Kind: store.Add, Table: tCounts, PK: id.Bytes(), CK: countKey(p.Round, -1), Delta: 1})
	}
	for _, c := range choices {
		muts = append(muts, store.Mutation{Kind: store.Add, Table: tCounts, PK: id.Bytes(), CK: countKey(p.Round, c), Delta: 1})
	}
	if err := s.st.Batch(ctx, muts); err != nil {
		return fmt.Errorf("count vote on poll %d: %w", id, err)
	}
	return nil
}

// claimChoices reserves voter's choices in a multiple-choice poll, refusing the vote
// when one was chosen before.
func (s *Service) claimChoices(ctx context.Context, id shard.ID, round uint32, voter shard.ID, choices []int) error {
	keys := make([]store.Key, len(choices))
	for i, c := range choices {
		keys[i] = store.Key{PK: id.Bytes(), CK: choiceKey(voter, round, c)}
	}
	had, err := s.st.MultiGet(ctx, tChoices, keys)
	if err != nil {
		return fmt.Errorf("check votes on poll %d: %w", id, err)
	}
	for _, v := range had {
		if v != nil {
			return ErrAlreadyVoted
		}
	}
	for _, k := range keys {
		ok, _, err := s.st.PutIfAbsent(ctx, tChoices, k.PK, k.CK, empty, 0)
		if err != nil {
			return fmt.Errorf("record vote on poll %d: %w", id, err)
		}
		if !ok { // a concurrent vote of the same account claimed it first
			return ErrAlreadyVoted
		}
	}
	return nil
}

// record writes voter's vote row, adding to the choices of an earlier vote in a
// multiple-choice poll; it reports whether this is the account's first vote.
func (s *Service) record(ctx context.Context, id shard.ID, p *Poll, voter shard.ID, v Vote) (bool, error) {
	b, err := store.Marshal(&v)
	if err != nil {
		return false, err
	}
	key := voteKey(voter, p.Round)
	ok, prev, err := s.st.PutIfAbsent(ctx, tVotes, id.Bytes(), key, b, 0)
	if err != nil {
		return false, fmt.Errorf("record vote on poll %d: %w", id, err)
	}
	if ok {
		return true, nil
	}
	if !p.Multiple {
		return false, ErrAlreadyVoted
	}
	var had Vote
	if err := store.Unmarshal(prev, &had); err != nil {
		return false, err
	}
	v.Choices = append(had.Choices, v.Choices...)
	if b, err = store.Marshal(&v); err != nil {
		return false, err
	}
	if err := s.st.Put(ctx, tVotes, id.Bytes(), key, b, 0); err != nil {
		return false, fmt.Errorf("record vote on poll %d: %w", id, err)
	}
	return false, nil
}

// Tallies returns how the polls stand, keyed by status id: the counts kept here for
// local polls, the reported ones for remote polls.
func (s *Service) Tallies(ctx context.Context, polls map[shard.ID]*Poll) (map[shard.ID]Tally, error) {
	out := make(map[shard.ID]Tally, len(polls))
	var keys []store.Key
	var local []shard.ID
	for id, p := range polls {
		if p.Reported != nil {
			out[id] = *p.Reported
			continue
		}
		local = append(local, id)
		keys = append(keys, store.Key{PK: id.Bytes(), CK: countKey(p.Round, -1)})
		for i := range p.Options {
			keys = append(keys, store.Key{PK: id.Bytes(), CK: countKey(p.Round, i)})
		}
	}
	if len(keys) == 0 {
		return out, nil
	}
	counts, err := s.st.Counters(ctx, tCounts, keys)
	if err != nil {
		return nil, fmt.Errorf("count poll votes: %w", err)
	}
	for _, id := range local {
		n := len(polls[id].Options)
		out[id] = Tally{Voters: counts[0], Votes: counts[1 : 1+n : 1+n]}
		counts = counts[1+n:]
	}
	return out, nil
}

// Choices returns voter's choices on the polls it voted on, keyed by status id.
func (s *Service) Choices(ctx context.Context, voter shard.ID, polls map[shard.ID]*Poll) (map[shard.ID][]int, error) {
	ids := make([]shard.ID, 0, len(polls))
	keys := make([]store.Key, 0, len(polls))
	for id, p := range polls {
		ids = append(ids, id)
		keys = append(keys, store.Key{PK: id.Bytes(), CK: voteKey(voter, p.Round)})
	}
	vals, err := s.st.MultiGet(ctx, tVotes, keys)
	if err != nil {
		return nil, fmt.Errorf("load votes of %d: %w", voter, err)
	}
	out := map[shard.ID][]int{}
	for i, v := range vals {
		if v == nil {
			continue
		}
		var vote Vote
		if err := store.Unmarshal(v, &vote); err != nil {
			return nil, err
		}
		out[ids[i]] = vote.Choices
	}
	return out, nil
}

// Voters returns the accounts that voted in the poll's current round, the local ones
// only when localOnly.
func (s *Service) Voters(ctx context.Context, id shard.ID, p *Poll, localOnly bool) ([]shard.ID, error) {
	var out []shard.ID
	var after []byte
	for {
		rows, err := s.st.Scan(ctx, tVotes, id.Bytes(), store.Range{Lower: store.Excl(after), Limit: 1000})
		if err != nil {
			return nil, fmt.Errorf("list voters of poll %d: %w", id, err)
		}
		for _, r := range rows {
			var v Vote
			if err := store.Unmarshal(r.Value, &v); err != nil {
				return nil, err
			}
			if v.Round == p.Round && (v.Local || !localOnly) {
				out = append(out, shard.FromBytes(r.CK[:8]))
			}
		}
		if len(rows) < 1000 {
			return out, nil
		}
		after = rows[len(rows)-1].CK
	}
}
