package relay

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// Per-subscriber statistics of relay mode: how many activities the relay took from
// each subscriber and passed on, how many deliveries to it succeeded and failed, and
// when the last of each happened.
const (
	// tStats holds the counters, one partition per subscription (its id: a new
	// subscription of the same server starts from zero, as counters are never deleted).
	tStats = "relay_stats"
	// tLast holds the last delivery and the last failure of each subscription, all in
	// one partition (the admin lists them together).
	tLast = "relay_last"
)

const (
	ckReceived  = "received"
	ckForwarded = "forwarded"
	ckDelivered = "delivered"
	ckFailed    = "failed"
)

// statsFlushEvery is how long delivery outcomes gather in memory before they are
// written: one write per subscriber and second at most, whatever the fan-out.
const statsFlushEvery = time.Second

func statsSchema() store.Schema {
	return store.Schema{{Name: tStats, Kind: store.Counters}, {Name: tLast}}
}

// Stats are one subscription's figures.
type Stats struct {
	// Received counts the activities of the subscriber the relay passed on.
	Received int64
	// Forwarded counts the activities of others the relay queued for it.
	Forwarded int64
	// Delivered counts the activities the relay delivered to it (2xx answers), its
	// answers to the subscription included.
	Delivered int64
	// Failed counts the delivery attempts to it that failed (each retry counts).
	Failed int64
	// LastDelivered is the time of the last delivery; zero when none.
	LastDelivered time.Time
	// LastFailed is the time of the last failed attempt, LastFailure why; zero when none.
	LastFailed  time.Time
	LastFailure string
}

// last is a row of tLast.
type last struct {
	At    time.Time `cbor:"1,keyasint"`
	Cause string    `cbor:"2,keyasint,omitempty"`
}

// pendingStats gathers delivery outcomes by inbox until the next flush.
type pendingStats struct {
	mu       sync.Mutex
	byInbox  map[string]*inboxOutcomes
	flushed  time.Time
	flushing bool
}

type inboxOutcomes struct {
	forwarded         int64
	delivered, failed int64
	okAt, failAt      time.Time
	cause             string
}

// CountReceived counts an activity of sub that the relay passed on.
func (s *Service) CountReceived(ctx context.Context, sub *Subscriber) error {
	if err := s.st.Add(ctx, tStats, statsKey(sub.ID), []byte(ckReceived), 1); err != nil {
		return fmt.Errorf("relay stats of %s: %w", sub.Domain, err)
	}
	return nil
}

// ObserveDelivery records the outcome of one delivery attempt by the relay actor to
// inbox (cause says why a failed one failed). It gathers outcomes in memory and
// writes them at most every second, from the caller that finds them due; Stats
// writes what this node gathered before it reads.
func (s *Service) ObserveDelivery(inbox string, delivered bool, cause string) {
	s.gather([]string{inbox}, func(o *inboxOutcomes, now time.Time) {
		if delivered {
			o.delivered++
			o.okAt = now
		} else {
			o.failed++
			o.failAt, o.cause = now, cause
		}
	})
}

// ObserveForwarded records that the relay queued an activity for each inbox.
func (s *Service) ObserveForwarded(inboxes []string) {
	s.gather(inboxes, func(o *inboxOutcomes, _ time.Time) { o.forwarded++ })
}

// gather applies f to the pending outcomes of each inbox, and writes them all when
// they are due.
func (s *Service) gather(inboxes []string, f func(o *inboxOutcomes, now time.Time)) {
	p := &s.pending
	now := s.now().UTC()
	p.mu.Lock()
	if p.byInbox == nil {
		p.byInbox, p.flushed = map[string]*inboxOutcomes{}, now
	}
	for _, inbox := range inboxes {
		o := p.byInbox[inbox]
		if o == nil {
			o = &inboxOutcomes{}
			p.byInbox[inbox] = o
		}
		f(o, now)
	}
	due := !p.flushing && now.Sub(p.flushed) >= statsFlushEvery
	p.mu.Unlock()
	if due {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = s.FlushStats(ctx) // what fails to be written is lost: figures, not records
	}
}

// FlushStats writes the delivery outcomes gathered on this node, by subscriber.
// Outcomes of an inbox that is no accepted subscriber's are dropped.
func (s *Service) FlushStats(ctx context.Context) error {
	p := &s.pending
	p.mu.Lock()
	if p.flushing || len(p.byInbox) == 0 {
		p.mu.Unlock()
		return nil
	}
	batch := p.byInbox
	p.byInbox, p.flushing, p.flushed = map[string]*inboxOutcomes{}, true, s.now().UTC()
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		p.flushing = false
		p.mu.Unlock()
	}()
	f, err := s.Fanout(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, sub := range f.Accepted {
		if o := batch[sub.Inbox]; o != nil {
			errs = append(errs, s.writeOutcomes(ctx, sub.ID, o))
		}
	}
	return errors.Join(errs...)
}

func (s *Service) writeOutcomes(ctx context.Context, id shard.ID, o *inboxOutcomes) error {
	put := func(kind string, l last) error {
		b, err := store.Marshal(&l)
		if err != nil {
			return err
		}
		return s.st.Put(ctx, tLast, allKey, lastKey(id, kind), b, 0)
	}
	var errs []error
	if o.forwarded > 0 {
		errs = append(errs, s.st.Add(ctx, tStats, statsKey(id), []byte(ckForwarded), o.forwarded))
	}
	if o.delivered > 0 {
		errs = append(errs, s.st.Add(ctx, tStats, statsKey(id), []byte(ckDelivered), o.delivered),
			put(ckDelivered, last{At: o.okAt}))
	}
	if o.failed > 0 {
		errs = append(errs, s.st.Add(ctx, tStats, statsKey(id), []byte(ckFailed), o.failed),
			put(ckFailed, last{At: o.failAt, Cause: o.cause}))
	}
	return errors.Join(errs...)
}

// Stats returns the figures of each subscriber, in the order given, after writing
// what this node gathered. A cluster's other nodes write theirs within a second of
// their next delivery.
func (s *Service) Stats(ctx context.Context, subs []*Subscriber) ([]Stats, error) {
	if err := s.FlushStats(ctx); err != nil {
		return nil, err
	}
	kinds := []string{ckReceived, ckForwarded, ckDelivered, ckFailed}
	keys := make([]store.Key, 0, len(subs)*len(kinds))
	for _, sub := range subs {
		for _, k := range kinds {
			keys = append(keys, store.Key{PK: statsKey(sub.ID), CK: []byte(k)})
		}
	}
	counts, err := s.st.Counters(ctx, tStats, keys)
	if err != nil {
		return nil, fmt.Errorf("relay stats: %w", err)
	}
	rows, err := s.st.Scan(ctx, tLast, allKey, store.Range{})
	if err != nil {
		return nil, fmt.Errorf("relay stats: %w", err)
	}
	lasts := make(map[string]last, len(rows))
	for _, row := range rows {
		var l last
		if err := store.Unmarshal(row.Value, &l); err != nil {
			return nil, err
		}
		lasts[string(row.CK)] = l
	}
	out := make([]Stats, len(subs))
	for i, sub := range subs {
		c := counts[i*len(kinds) : (i+1)*len(kinds)]
		ok, failed := lasts[string(lastKey(sub.ID, ckDelivered))], lasts[string(lastKey(sub.ID, ckFailed))]
		out[i] = Stats{Received: c[0], Forwarded: c[1], Delivered: c[2], Failed: c[3], LastDelivered: ok.At,
			LastFailed: failed.At, LastFailure: failed.Cause}
	}
	return out, nil
}

func statsKey(id shard.ID) []byte { return []byte(id.String()) }

func lastKey(id shard.ID, kind string) []byte { return []byte(id.String() + "/" + kind) }
