package trends

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/bus"
	"github.com/herd-social/herd/card"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/store"
)

// Run consumes the statuses topic in the trends group until ctx is done: every node
// is a member, and each event is counted once in the cluster.
func (s *Service) Run(ctx context.Context) error {
	return s.bus.Consume(ctx, Group, status.Topic, bus.ConsumeOptions{}, s.opts.DeadLetters.Handler(Group, s.handle))
}

func (s *Service) handle(ctx context.Context, m bus.Message) error {
	e, err := status.DecodeEvent(m)
	if err != nil {
		return fmt.Errorf("trends: event: %w", err)
	}
	if e.Kind != status.Created { // edits and deletes change no count
		return nil
	}
	st, author, ok, err := s.read(ctx, e.StatusID)
	if !ok || err != nil {
		return err
	}
	if err := s.countDaily(ctx, st, author); err != nil {
		return fmt.Errorf("trends: dashboard counts for %s %d: %w", e.Kind, e.StatusID, err)
	}
	if err := s.Apply(ctx, st, author); err != nil {
		return fmt.Errorf("trends for %s %d: %w", e.Kind, e.StatusID, err)
	}
	return nil
}

// Apply counts a created status st of author: its tags and its link for its author,
// or, for a boost, its original status and the original's link for the booster (a
// favourite counts through ApplyFavourite); nothing for a limited author. Applying it
// again counts nothing twice. A deleted status is left out when ranked statuses are
// loaded.
func (s *Service) Apply(ctx context.Context, st *status.Status, author *account.Account) error {
	if limited, err := s.opts.Limited(ctx, author); err != nil || limited {
		return err
	}
	if st.Visibility != status.Public {
		return nil
	}
	if st.ReblogOfID == 0 {
		if !author.Discoverable {
			return nil
		}
		unusable, err := s.tags.Disallowed(ctx, st.Tags)
		if err != nil {
			return err
		}
		for _, name := range st.Tags {
			if slices.Contains(unusable, name) {
				continue
			}
			if err := s.count(ctx, Tag, name, author.ID, st.ID, 0); err != nil {
				return err
			}
		}
		if link := s.link(st); link != "" {
			if err := s.st.Put(ctx, tLinkPosts, []byte(link), st.ID.Bytes(), author.ID.Bytes(), markerTTL); err != nil {
				return fmt.Errorf("index status of link: %w", err)
			}
			return s.count(ctx, Link, link, author.ID, st.ID, 0)
		}
		return nil
	}
	orig, oauthor, ok, err := s.load(ctx, st.ReblogOfID)
	if !ok || err != nil || orig.Visibility != status.Public || !oauthor.Discoverable {
		return err
	}
	if statusMayTrend(orig) {
		if err := s.count(ctx, Status, string(orig.ID.Bytes()), author.ID, st.ID, orig.AccountID); err != nil {
			return err
		}
	}
	if link := s.link(orig); link != "" {
		return s.count(ctx, Link, link, author.ID, st.ID, 0)
	}
	return nil
}

// load returns a status and its author if both exist and the author is not limited.
func (s *Service) load(ctx context.Context, id shard.ID) (*status.Status, *account.Account, bool, error) {
	st, a, ok, err := s.read(ctx, id)
	if !ok || err != nil {
		return nil, nil, false, err
	}
	limited, err := s.opts.Limited(ctx, a)
	return st, a, err == nil && !limited, err
}

// read returns a status and its author if both exist.
func (s *Service) read(ctx context.Context, id shard.ID) (*status.Status, *account.Account, bool, error) {
	st, err := s.statuses.Get(ctx, id)
	if errors.Is(err, status.ErrNotFound) {
		return nil, nil, false, nil
	}
	if err != nil {
		return nil, nil, false, err
	}
	a, err := s.accounts.Get(ctx, st.AccountID)
	if errors.Is(err, account.ErrNotFound) {
		return nil, nil, false, nil
	}
	if err != nil {
		return nil, nil, false, err
	}
	return st, a, true, nil
}

// link is the link of a status that may trend: its card's link (card.FirstLink),
// if it is neither sensitive nor behind a content warning.
func (s *Service) link(st *status.Status) string {
	if st.Sensitive || st.SpoilerText != "" {
		return ""
	}
	return card.FirstLink(st.Content, s.opts.Domain)
}

// count records one use of an item, by a status of an account on the status's
// day, each counted once; an item with Candidate accounts that day becomes one of
// the day's candidates (a trending status with its author).
func (s *Service) count(ctx context.Context, k Kind, key string, acct, statusID, author shard.ID) error {
	d := dayOf(statusID.Time())
	pk := dayPK(k, key, d)
	for _, c := range []struct {
		table string
		ck    []byte
		what  byte
	}{{tUses, statusID.Bytes(), countUses}, {tAccounts, acct.Bytes(), countAccts}} {
		wrote, _, err := s.st.PutIfAbsent(ctx, c.table, pk, c.ck, []byte{1}, markerTTL)
		if err != nil {
			return fmt.Errorf("count trend use: %w", err)
		}
		if wrote {
			if err := s.st.Add(ctx, tCounts, itemKey(k, key), countKey(d, c.what), 1); err != nil {
				return fmt.Errorf("count trend use: %w", err)
			}
		}
	}
	n, err := s.st.Counters(ctx, tCounts, []store.Key{{PK: itemKey(k, key), CK: countKey(d, countAccts)}})
	if err != nil {
		return fmt.Errorf("read trend use: %w", err)
	}
	if n[0] < s.opts.Candidate {
		return nil
	}
	var id shard.ID
	switch k {
	case Tag:
		t, err := s.tags.Ensure(ctx, key)
		if err != nil {
			return err
		}
		id = t.ID
	case Status:
		id = shard.FromBytes([]byte(key))
	case Link:
		if u, err := url.Parse(key); err == nil && u.Hostname() != "" {
			if _, err := s.ensureItem(ctx, Publisher, strings.ToLower(u.Hostname()), 0, 0); err != nil {
				return err
			}
		}
	}
	if _, err := s.ensureItem(ctx, k, key, id, author); err != nil {
		return err
	}
	if err := s.st.Put(ctx, tCandidates, append([]byte{byte(k)}, be32(d)...), []byte(key), []byte{1}, dayTTL); err != nil {
		return fmt.Errorf("list trend candidate: %w", err)
	}
	return nil
}
