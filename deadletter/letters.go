package deadletter

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/herd-social/herd/bus"
	"github.com/herd-social/herd/store"
)

// Letter is one message set aside by one consumer group.
type Letter struct {
	Group     string
	Topic     string
	Partition int
	Offset    int64
	Key       []byte
	Value     []byte
	// Err is the text of the error that set it aside.
	Err string
	// Tries is how many tries failed, the last one included.
	Tries int
	// At is when it was set aside; Appended when the message was appended to its topic.
	At, Appended time.Time
}

// ID names the letter: "group/topic/partition/offset".
func (l Letter) ID() string {
	return fmt.Sprintf("%s/%s/%d/%d", l.Group, l.Topic, l.Partition, l.Offset)
}

// ParseID reads an id written by Letter.ID into a letter's group, topic, partition
// and offset.
func ParseID(id string) (Letter, error) {
	parts := strings.Split(id, "/")
	if len(parts) != 4 || parts[0] == "" || parts[1] == "" {
		return Letter{}, fmt.Errorf("deadletter: id %q is not group/topic/partition/offset", id)
	}
	p, err1 := strconv.Atoi(parts[2])
	o, err2 := strconv.ParseInt(parts[3], 10, 64)
	if err1 != nil || err2 != nil || p < 0 || o < 0 {
		return Letter{}, fmt.Errorf("deadletter: id %q has a bad partition or offset", id)
	}
	return Letter{Group: parts[0], Topic: parts[1], Partition: p, Offset: o}, nil
}

// ck is the clustering key of a letter in its group's partition: topic, a zero byte
// (topic names have none), partition and offset big-endian, so that letters list in
// topic, partition and offset order.
func (l Letter) ck() []byte {
	b := make([]byte, 0, len(l.Topic)+13)
	b = append(append([]byte(l.Topic), 0), binary.BigEndian.AppendUint32(nil, uint32(l.Partition))...)
	return binary.BigEndian.AppendUint64(b, uint64(l.Offset))
}

type wireLetter struct {
	Topic     string `cbor:"1,keyasint"`
	Partition int    `cbor:"2,keyasint"`
	Offset    int64  `cbor:"3,keyasint"`
	Key       []byte `cbor:"4,keyasint,omitempty"`
	Value     []byte `cbor:"5,keyasint,omitempty"`
	Err       string `cbor:"6,keyasint,omitempty"`
	Tries     int    `cbor:"7,keyasint"`
	At        int64  `cbor:"8,keyasint"` // Unix nanoseconds
	Appended  int64  `cbor:"9,keyasint,omitempty"`
}

func (w wireLetter) letter(group string) Letter {
	l := Letter{Group: group, Topic: w.Topic, Partition: w.Partition, Offset: w.Offset, Key: w.Key,
		Value: w.Value, Err: w.Err, Tries: w.Tries, At: time.Unix(0, w.At)}
	if w.Appended != 0 {
		l.Appended = time.Unix(0, w.Appended)
	}
	return l
}

// record stores l unless it is stored already, and counts it when it was not. It
// reports whether l is new.
func (k *Keeper) record(ctx context.Context, l Letter) (bool, error) {
	w := wireLetter{Topic: l.Topic, Partition: l.Partition, Offset: l.Offset, Key: l.Key, Value: l.Value,
		Err: l.Err, Tries: l.Tries, At: l.At.UnixNano()}
	if !l.Appended.IsZero() {
		w.Appended = l.Appended.UnixNano()
	}
	v, err := store.Marshal(&w)
	if err != nil {
		return false, err
	}
	if err := k.st.Put(ctx, tGroups, groupsPK, []byte(l.Group), []byte{}, 0); err != nil {
		return false, err
	}
	wrote, _, err := k.st.PutIfAbsent(ctx, tLetters, []byte(l.Group), l.ck(), v, 0)
	if err != nil || !wrote {
		return false, err
	}
	// A crash here leaves the letter uncounted: the counter may lag, never double.
	return true, k.st.Add(ctx, tCounts, []byte(l.Group), countCK, 1)
}

// Groups returns the consumer groups that ever set a message aside, by name.
func (k *Keeper) Groups(ctx context.Context) ([]string, error) {
	rows, err := k.st.Scan(ctx, tGroups, groupsPK, store.Range{})
	if err != nil {
		return nil, fmt.Errorf("deadletter: read groups: %w", err)
	}
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = string(r.CK)
	}
	return out, nil
}

// List returns up to limit (0: all) letters of group, or of every group when group
// is empty, by group, topic, partition and offset.
func (k *Keeper) List(ctx context.Context, group string, limit int) ([]Letter, error) {
	groups := []string{group}
	if group == "" {
		var err error
		if groups, err = k.Groups(ctx); err != nil {
			return nil, err
		}
	}
	var out []Letter
	for _, g := range groups {
		rows, err := k.st.Scan(ctx, tLetters, []byte(g), store.Range{Limit: max(limit-len(out), 0)})
		if err != nil {
			return nil, fmt.Errorf("deadletter: list %s: %w", g, err)
		}
		for _, r := range rows {
			var w wireLetter
			if err := store.Unmarshal(r.Value, &w); err != nil {
				return nil, fmt.Errorf("deadletter: letter of %s: %w", g, err)
			}
			out = append(out, w.letter(g))
		}
		if limit > 0 && len(out) >= limit {
			break
		}
	}
	return out, nil
}

// Get returns the letter named id, or ErrNotFound.
func (k *Keeper) Get(ctx context.Context, id string) (Letter, error) {
	l, err := ParseID(id)
	if err != nil {
		return Letter{}, err
	}
	v, err := k.st.Get(ctx, tLetters, []byte(l.Group), l.ck())
	if errors.Is(err, store.ErrNotFound) {
		return Letter{}, fmt.Errorf("dead letter %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return Letter{}, fmt.Errorf("deadletter: read %s: %w", id, err)
	}
	var w wireLetter
	if err := store.Unmarshal(v, &w); err != nil {
		return Letter{}, fmt.Errorf("deadletter: letter %s: %w", id, err)
	}
	return w.letter(l.Group), nil
}

// Publisher is the part of the bus that Replay needs.
type Publisher interface {
	Publish(ctx context.Context, msgs ...bus.Message) error
}

// Replay publishes the message of letter id again, with its key, to its topic, then
// removes the letter. Every consumer group of the topic gets it again (see the
// package doc). If the removal fails the message may be replayed twice, harmlessly.
func (k *Keeper) Replay(ctx context.Context, b Publisher, id string) error {
	l, err := k.Get(ctx, id)
	if err != nil {
		return err
	}
	if err := b.Publish(ctx, bus.Message{Topic: l.Topic, Key: l.Key, Value: l.Value}); err != nil {
		return fmt.Errorf("deadletter: replay %s: %w", id, err)
	}
	if err := k.st.Delete(ctx, tLetters, []byte(l.Group), l.ck()); err != nil {
		return fmt.Errorf("deadletter: remove replayed %s: %w", id, err)
	}
	return nil
}

// Counts returns, per group that ever set a message aside, how many it set aside.
func (k *Keeper) Counts(ctx context.Context) (map[string]int64, error) {
	groups, err := k.Groups(ctx)
	if err != nil {
		return nil, err
	}
	keys := make([]store.Key, len(groups))
	for i, g := range groups {
		keys[i] = store.Key{PK: []byte(g), CK: countCK}
	}
	counts, err := k.st.Counters(ctx, tCounts, keys)
	if err != nil {
		return nil, fmt.Errorf("deadletter: read counts: %w", err)
	}
	out := make(map[string]int64, len(groups))
	for i, g := range groups {
		out[g] = counts[i]
	}
	return out, nil
}
