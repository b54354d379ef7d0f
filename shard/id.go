// Package shard owns identity and placement: Mastodon-style 64-bit time-ordered ids
// rendered as strings, and the mapping of accounts to partitions. It must not know
// about storage engines or HTTP.
package shard

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync"
	"time"

	"github.com/herd-social/herd/invariants"
)

// ID is a Mastodon-style snowflake: unix milliseconds shifted left by 16, with 16 low
// bits that keep ids made in the same millisecond distinct. IDs sort by time, and as
// decimal strings they sort by (length, lexical order), as clients expect.
type ID uint64

// ErrBadID is returned when a string is not a valid id.
var ErrBadID = errors.New("shard: malformed id")

// String renders the id as Mastodon does: a decimal string.
func (id ID) String() string { return strconv.FormatUint(uint64(id), 10) }

// Time is the millisecond the id was made at.
func (id ID) Time() time.Time { return time.UnixMilli(int64(id >> 16)).UTC() }

// Bytes is the 8-byte big-endian form, whose byte order is the id order.
func (id ID) Bytes() []byte {
	var b [8]byte
	for i := 7; i >= 0; i-- {
		b[i] = byte(id)
		id >>= 8
	}
	return b[:]
}

// FromBytes reverses Bytes; it returns 0 for a slice that is not 8 bytes long.
func FromBytes(b []byte) ID {
	if len(b) != 8 {
		return 0
	}
	var id ID
	for _, c := range b {
		id = id<<8 | ID(c)
	}
	return id
}

// Parse reads a decimal id.
func Parse(s string) (ID, error) {
	if s == "" || len(s) > 20 {
		return 0, fmt.Errorf("%w: %q", ErrBadID, s)
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: %q", ErrBadID, s)
	}
	return ID(n), nil
}

// AtTime returns the smallest id of millisecond t: every id made at t or later is
// greater or equal. Used to turn a time into a pagination cursor.
func AtTime(t time.Time) ID { return ID(uint64(t.UnixMilli()) << 16) }

// Generator makes ids unique across nodes: the 16 low bits are NodeBits bits of node
// number and the rest a per-millisecond sequence. When a millisecond's sequence is used
// up the generator borrows the next millisecond, so ids stay strictly increasing.
type Generator struct {
	node     uint64
	nodeBits uint
	now      func() time.Time
	mu       struct {
		sync.Mutex
		ms   uint64
		seq  uint64
		last ID // the id returned last, for the invariants check
	}
}

// DefaultNodeBits leaves 256 ids per millisecond per node for up to 256 nodes.
const DefaultNodeBits = 8

// NewGenerator returns a generator for node number node (0 ≤ node < 2^nodeBits).
// A nil now uses time.Now.
func NewGenerator(node int, nodeBits uint, now func() time.Time) (*Generator, error) {
	if nodeBits > 12 {
		return nil, fmt.Errorf("shard: %d node bits leave too few for the sequence", nodeBits)
	}
	if node < 0 || node >= 1<<nodeBits {
		return nil, fmt.Errorf("shard: node number %d does not fit in %d bits", node, nodeBits)
	}
	if now == nil {
		now = time.Now
	}
	return &Generator{node: uint64(node), nodeBits: nodeBits, now: now}, nil
}

// Next returns a new id, greater than every id this generator returned before.
func (g *Generator) Next() ID {
	seqBits := 16 - g.nodeBits
	ms := uint64(g.now().UnixMilli())
	g.mu.Lock()
	defer g.mu.Unlock()
	switch {
	case ms > g.mu.ms:
		g.mu.ms, g.mu.seq = ms, 0
	case g.mu.seq+1 < 1<<seqBits:
		g.mu.seq++
	default:
		g.mu.ms, g.mu.seq = g.mu.ms+1, 0
	}
	id := ID(g.mu.ms<<16 | g.mu.seq<<g.nodeBits | g.node)
	invariants.Check(id > g.mu.last, "shard: ids of a generator must increase")
	g.mu.last = id
	return id
}

// At returns an id for a past moment, such as a remote status's publication time, with
// random low bits, as Mastodon's Snowflake.id_at does. It does not touch the sequence.
func At(t time.Time) ID {
	return ID(uint64(t.UnixMilli())<<16 | uint64(rand.IntN(1<<16)))
}
