package transfer

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"time"

	"github.com/herd-social/herd/store"
)

// Sum is what a verification compares of one table on each side.
type Sum struct {
	// Rows counts the live rows (the counters other than zero, which the contract
	// cannot tell from missing ones).
	Rows int64
	// Checksum is the sum, modulo 2^64, of a hash of each row's keys and value (or
	// counter), so that it does not depend on the order the engines read rows in.
	// TTLs are left out: they shrink while the sides are read.
	Checksum uint64
}

// TableCheck is the verification of one table.
type TableCheck struct {
	Table          string
	Source, Target Sum
}

// OK reports whether both sides agree.
func (c TableCheck) OK() bool { return c.Source == c.Target }

// Verify reads every table of schema on both sides and returns their sums, one
// TableCheck per table in schema order. Rows that expire less than opts.Margin
// after a table's check starts are left out on both sides.
func Verify(ctx context.Context, src, dst store.Dumper, schema store.Schema, opts Options) ([]TableCheck, error) {
	opts = opts.withDefaults()
	checks := make([]TableCheck, 0, len(schema))
	for _, t := range schema {
		cutoff := opts.Now().Add(opts.Margin)
		a, err := Summarize(ctx, src, t, cutoff, opts)
		if err != nil {
			return nil, fmt.Errorf("transfer: verify %s at the source: %w", t.Name, err)
		}
		b, err := Summarize(ctx, dst, t, cutoff, opts)
		if err != nil {
			return nil, fmt.Errorf("transfer: verify %s at the target: %w", t.Name, err)
		}
		checks = append(checks, TableCheck{Table: t.Name, Source: a, Target: b})
	}
	return checks, nil
}

// Summarize reads every row of table t and returns its Sum, leaving out rows that
// expire before cutoff.
func Summarize(ctx context.Context, d store.Dumper, t store.Table, cutoff time.Time, opts Options) (Sum, error) {
	opts = opts.withDefaults()
	var (
		sum    Sum
		cursor []byte
	)
	for {
		now := opts.Now()
		page, err := d.Dump(ctx, t.Name, cursor, opts.PageSize)
		if err != nil {
			return sum, err
		}
		for _, r := range page.Rows {
			if r.TTL > 0 && now.Add(r.TTL).Before(cutoff) {
				continue
			}
			if t.Kind == store.Counters && r.Counter == 0 {
				continue
			}
			sum.Rows++
			sum.Checksum += rowHash(t.Kind, r)
		}
		opts.Progress(t.Name, sum.Rows)
		if cursor = page.Next; cursor == nil {
			return sum, nil
		}
	}
}

// rowHash hashes a row's keys, each with its length, and its value or counter.
func rowHash(kind store.Kind, r store.DumpRow) uint64 {
	h := sha256.New()
	var n [binary.MaxVarintLen64]byte
	for _, part := range [][]byte{r.PK, r.CK} {
		h.Write(n[:binary.PutUvarint(n[:], uint64(len(part)))])
		h.Write(part)
	}
	if kind == store.Counters {
		h.Write(binary.BigEndian.AppendUint64(nil, uint64(r.Counter)))
	} else {
		h.Write(r.Value)
	}
	return binary.BigEndian.Uint64(h.Sum(nil))
}
