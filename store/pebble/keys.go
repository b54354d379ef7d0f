package pebble

import (
	"bytes"
	"encoding/binary"
	"errors"

	"github.com/herd-social/herd/store"
)

// Key layout. Every key starts with a 4-byte big-endian table id:
//
//	catalog:      id 0 | "catalog"
//	expiry index: id 1 | expiry (8 bytes, order-preserving) | row key
//	row:          id   | escaped pk | ck
//
// The escaped pk replaces 0x00 with 0x00 0xFF and ends with 0x00 0x01, so it keeps byte
// order and no escaped pk is a prefix of another: a partition is exactly the keys that
// start with id | escaped pk. In an Asc table the ck follows raw. In a Desc table the ck
// is escaped the same way and then complemented, so that a forward iteration yields
// clustering keys in descending order; escaping first makes the encoding prefix-free,
// which complementing alone is not ("a" < "ab" but ^"a" is a prefix of ^"ab").
const (
	catalogID  uint32 = 0
	expiryID   uint32 = 1
	firstID    uint32 = 16
	idLen             = 4
	escape            = 0x00
	escaped00         = 0xFF
	terminator        = 0x01
)

var errBadKey = errors.New("pebble: malformed key")

// appendID appends a table id.
func appendID(dst []byte, id uint32) []byte {
	return binary.BigEndian.AppendUint32(dst, id)
}

// appendEscaped appends b escaped and terminated.
func appendEscaped(dst, b []byte) []byte {
	for {
		i := bytes.IndexByte(b, escape)
		if i < 0 {
			dst = append(dst, b...)
			break
		}
		dst = append(dst, b[:i+1]...)
		dst = append(dst, escaped00)
		b = b[i+1:]
	}
	return append(dst, escape, terminator)
}

// appendComplemented appends b escaped, terminated and complemented.
func appendComplemented(dst, b []byte) []byte {
	start := len(dst)
	dst = appendEscaped(dst, b)
	for i := start; i < len(dst); i++ {
		dst[i] = ^dst[i]
	}
	return dst
}

// decodeEscaped reads one escaped value from the front of b (complemented when
// flip is 0xFF) and returns the value and the bytes after its terminator.
func decodeEscaped(b []byte, flip byte) (val, rest []byte, err error) {
	val = []byte{}
	for i := 0; i < len(b); i++ {
		c := b[i] ^ flip
		if c != escape {
			val = append(val, c)
			continue
		}
		if i+1 >= len(b) {
			return nil, nil, errBadKey
		}
		switch b[i+1] ^ flip {
		case escaped00:
			val = append(val, escape)
			i++
		case terminator:
			return val, b[i+2:], nil
		default:
			return nil, nil, errBadKey
		}
	}
	return nil, nil, errBadKey
}

// partitionPrefix appends the prefix shared by every row of partition pk.
func (t *table) partitionPrefix(dst, pk []byte) []byte {
	return appendEscaped(appendID(dst, t.id), pk)
}

// appendCK appends a clustering key in the table's encoding.
func (t *table) appendCK(dst, ck []byte) []byte {
	if t.Order == store.Desc {
		return appendComplemented(dst, ck)
	}
	return append(dst, ck...)
}

// rowKey returns the key of one row.
func (t *table) rowKey(pk, ck []byte) []byte {
	dst := make([]byte, 0, idLen+len(pk)+len(ck)+8)
	return t.appendCK(t.partitionPrefix(dst, pk), ck)
}

// rowKeys returns the keys of rows, in order, in one allocation where rowKey would
// make one a key (a page's multi-gets ask for a few dozen each). Each key is capped,
// so that appending to one never writes over the next; a key longer than guessed
// moves the rest to a new buffer, and the keys already made stay valid.
func (t *table) rowKeys(keys []store.Key) [][]byte {
	size := 0
	for _, k := range keys {
		size += idLen + len(k.PK) + len(k.CK) + 8
	}
	buf := make([]byte, 0, size)
	out := make([][]byte, len(keys))
	for i, k := range keys {
		start := len(buf)
		buf = t.appendCK(t.partitionPrefix(buf, k.PK), k.CK)
		out[i] = buf[start:len(buf):len(buf)]
	}
	return out
}

// decodeCK returns the clustering key held in the tail of a row key; in an Asc table it
// aliases tail.
func (t *table) decodeCK(tail []byte) ([]byte, error) {
	if t.Order == store.Asc {
		return tail, nil
	}
	ck, rest, err := decodeEscaped(tail, 0xFF)
	if err != nil {
		return nil, err
	}
	if len(rest) != 0 {
		return nil, errBadKey
	}
	return ck, nil
}

// decodeRowKey splits a row key of table t into its partition and clustering keys.
func (t *table) decodeRowKey(k []byte) (pk, ck []byte, err error) {
	if len(k) < idLen || binary.BigEndian.Uint32(k) != t.id {
		return nil, nil, errBadKey
	}
	pk, rest, err := decodeEscaped(k[idLen:], 0)
	if err != nil {
		return nil, nil, err
	}
	ck, err = t.decodeCK(rest)
	return pk, ck, err
}

// prefixEnd returns the smallest key above every key starting with an escaped value's
// prefix (which always ends with escape, terminator).
func prefixEnd(prefix []byte) []byte {
	end := bytes.Clone(prefix)
	end[len(end)-1]++
	return end
}

// scanBounds returns the iterator bounds [lo, hi) that select the rows of partition pk
// inside r, and false when the range is empty.
func (t *table) scanBounds(pk []byte, r store.Range) (lo, hi []byte, ok bool) {
	prefix := t.partitionPrefix(nil, pk)
	lo, hi = prefix, prefixEnd(prefix)
	// In a Desc table the larger clustering key comes first, so the upper bound of the
	// range gives the lower bound of the iterator.
	first, last := r.Lower, r.Upper
	if t.Order == store.Desc {
		first, last = r.Upper, r.Lower
	}
	if first.Key != nil {
		lo = t.appendCK(bytes.Clone(prefix), first.Key)
		if !first.Inclusive {
			lo = append(lo, 0) // the next key after lo: Desc keys are prefix-free
		}
	}
	if last.Key != nil {
		hi = t.appendCK(bytes.Clone(prefix), last.Key)
		if last.Inclusive {
			hi = append(hi, 0)
		}
	}
	return lo, hi, bytes.Compare(lo, hi) < 0
}

// expiryKey returns the expiry index entry of a row key.
func expiryKey(expiry int64, rowKey []byte) []byte {
	dst := make([]byte, 0, idLen+8+len(rowKey))
	dst = appendID(dst, expiryID)
	dst = binary.BigEndian.AppendUint64(dst, orderedInt(expiry))
	return append(dst, rowKey...)
}

// expiryBound returns the first expiry index key after every entry that expires at or
// before now.
func expiryBound(now int64) []byte {
	dst := appendID(make([]byte, 0, idLen+8), expiryID)
	return binary.BigEndian.AppendUint64(dst, orderedInt(now)+1)
}

// orderedInt maps an int64 to a uint64 of the same order.
func orderedInt(v int64) uint64 { return uint64(v) ^ 1<<63 }
