package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"
)

// ErrEmptyPK is returned by Prefixed for a row without a partition key, which a CQL
// engine refuses: the prefix must not make such a row acceptable.
var ErrEmptyPK = errors.New("store: empty partition key")

// Prefixed returns a store whose every partition key is prefix followed by the key
// the caller gives, on s. The contract has no scan across partitions, so stores with
// distinct prefixes (none a prefix of another) on one engine never see each other's
// rows: the cluster-shape tests share one migrated keyspace that way, each test under
// a prefix of its own, instead of creating and dropping a keyspace of a hundred
// tables per test. Closing it closes s.
func Prefixed(s Store, prefix []byte) Store {
	return &prefixed{s: s, prefix: bytes.Clone(prefix)}
}

type prefixed struct {
	s      Store
	prefix []byte
}

// pk is the partition key on the engine.
func (p *prefixed) pk(op, table string, pk []byte) ([]byte, error) {
	if len(pk) == 0 {
		return nil, fmt.Errorf("store: %s %s: %w", op, table, ErrEmptyPK)
	}
	out := make([]byte, 0, len(p.prefix)+len(pk))
	return append(append(out, p.prefix...), pk...), nil
}

func (p *prefixed) keys(op, table string, keys []Key) ([]Key, error) {
	out := make([]Key, len(keys))
	for i, k := range keys {
		pk, err := p.pk(op, table, k.PK)
		if err != nil {
			return nil, err
		}
		out[i] = Key{PK: pk, CK: k.CK}
	}
	return out, nil
}

func (p *prefixed) mutations(op string, muts []Mutation) ([]Mutation, error) {
	out := make([]Mutation, len(muts))
	for i, m := range muts {
		pk, err := p.pk(op, m.Table, m.PK)
		if err != nil {
			return nil, err
		}
		m.PK = pk
		out[i] = m
	}
	return out, nil
}

func (p *prefixed) Get(ctx context.Context, table string, pk, ck []byte) ([]byte, error) {
	k, err := p.pk("get", table, pk)
	if err != nil {
		return nil, err
	}
	return p.s.Get(ctx, table, k, ck)
}

func (p *prefixed) MultiGet(ctx context.Context, table string, keys []Key) ([][]byte, error) {
	ks, err := p.keys("multi-get", table, keys)
	if err != nil {
		return nil, err
	}
	return p.s.MultiGet(ctx, table, ks)
}

func (p *prefixed) Scan(ctx context.Context, table string, pk []byte, r Range) ([]Row, error) {
	k, err := p.pk("scan", table, pk)
	if err != nil {
		return nil, err
	}
	rows, err := p.s.Scan(ctx, table, k, r)
	for i := range rows {
		rows[i].PK = rows[i].PK[len(p.prefix):]
	}
	return rows, err
}

func (p *prefixed) Put(ctx context.Context, table string, pk, ck, value []byte, ttl time.Duration) error {
	k, err := p.pk("put", table, pk)
	if err != nil {
		return err
	}
	return p.s.Put(ctx, table, k, ck, value, ttl)
}

func (p *prefixed) Delete(ctx context.Context, table string, pk, ck []byte) error {
	k, err := p.pk("delete", table, pk)
	if err != nil {
		return err
	}
	return p.s.Delete(ctx, table, k, ck)
}

func (p *prefixed) Batch(ctx context.Context, muts []Mutation) error {
	ms, err := p.mutations("batch", muts)
	if err != nil {
		return err
	}
	return p.s.Batch(ctx, ms)
}

func (p *prefixed) ApplyEach(ctx context.Context, muts []Mutation) error {
	ms, err := p.mutations("apply", muts)
	if err != nil {
		return err
	}
	return p.s.ApplyEach(ctx, ms)
}

func (p *prefixed) PutIfAbsent(ctx context.Context, table string, pk, ck, value []byte, ttl time.Duration) (bool, []byte, error) {
	k, err := p.pk("put if absent", table, pk)
	if err != nil {
		return false, nil, err
	}
	return p.s.PutIfAbsent(ctx, table, k, ck, value, ttl)
}

func (p *prefixed) Add(ctx context.Context, table string, pk, ck []byte, delta int64) error {
	k, err := p.pk("add", table, pk)
	if err != nil {
		return err
	}
	return p.s.Add(ctx, table, k, ck, delta)
}

func (p *prefixed) Counters(ctx context.Context, table string, keys []Key) ([]int64, error) {
	ks, err := p.keys("counters", table, keys)
	if err != nil {
		return nil, err
	}
	return p.s.Counters(ctx, table, ks)
}

func (p *prefixed) Close() error { return p.s.Close() }
