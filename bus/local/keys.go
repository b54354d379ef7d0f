package local

import (
	"encoding/binary"
	"errors"
	"math"
	"time"

	"github.com/herd-social/herd/bus"
)

// Key layout. Every key starts with a kind byte, then length-prefixed names, so that no
// name is a prefix of another and every partition's entries form one contiguous range:
//
//	l | topic | partition | offset  →  append time | key length | key | [headers] | value   (log entry)
//	c | group | topic | partition   →  next offset to deliver                  (commit)
//	f | topic | partition           →  first offset not trimmed                (floor)
//	m | topic                       →  partition count                         (meta)
//
// Names are a uvarint length and the bytes; partitions are 4 bytes and offsets 8 bytes,
// big-endian, so that byte order is numeric order.
//
// The append time is 8 bytes of Unix nanoseconds, whose top bit (the sign, never set by
// a time after 1970) flags an entry with headers: then a uvarint count follows the key,
// and each header is a uvarint length and key, a uvarint length and value. Entries
// written before headers existed have the bit clear and decode as having none.
const (
	kindLog    = 'l'
	kindCommit = 'c'
	kindFloor  = 'f'
	kindMeta   = 'm'
)

// errCorrupt reports a stored value that cannot be decoded.
var errCorrupt = errors.New("local: corrupt entry")

func appendName(dst []byte, name string) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(name)))
	return append(dst, name...)
}

func partitionPrefix(kind byte, topic string, partition int) []byte {
	k := make([]byte, 0, 1+binary.MaxVarintLen64+len(topic)+4+8)
	k = append(k, kind)
	k = appendName(k, topic)
	return binary.BigEndian.AppendUint32(k, uint32(partition))
}

// logKey is the key of the entry at offset of a partition.
func logKey(topic string, partition int, offset int64) []byte {
	return binary.BigEndian.AppendUint64(partitionPrefix(kindLog, topic, partition), uint64(offset))
}

// logBounds returns the key range [lower, upper) of offsets [from, to) of a partition.
func logBounds(topic string, partition int, from, to int64) (lower, upper []byte) {
	return logKey(topic, partition, from), logKey(topic, partition, to)
}

// logKeyOffset returns the offset of a log key.
func logKeyOffset(k []byte) (int64, error) {
	if len(k) < 8 {
		return 0, errCorrupt
	}
	off := binary.BigEndian.Uint64(k[len(k)-8:])
	if off > math.MaxInt64 {
		return 0, errCorrupt
	}
	return int64(off), nil
}

func floorKey(topic string, partition int) []byte {
	return partitionPrefix(kindFloor, topic, partition)
}

func commitKey(group, topic string, partition int) []byte {
	k := make([]byte, 0, 1+2*binary.MaxVarintLen64+len(group)+len(topic)+4)
	k = append(k, kindCommit)
	k = appendName(k, group)
	k = appendName(k, topic)
	return binary.BigEndian.AppendUint32(k, uint32(partition))
}

func metaKey(topic string) []byte {
	return appendName([]byte{kindMeta}, topic)
}

func encodeUint64(v uint64) []byte {
	return binary.BigEndian.AppendUint64(nil, v)
}

func decodeUint64(v []byte) (uint64, error) {
	if len(v) != 8 {
		return 0, errCorrupt
	}
	return binary.BigEndian.Uint64(v), nil
}

// headersFlag marks, in the append time of a log entry, an entry with headers.
const headersFlag = uint64(1) << 63

// encodeEntry encodes the value of a log entry.
func encodeEntry(t time.Time, key, value []byte, headers []bus.Header) []byte {
	size := 8 + binary.MaxVarintLen64 + len(key) + len(value)
	at := uint64(t.UnixNano()) &^ headersFlag
	if len(headers) > 0 {
		at |= headersFlag
		size += binary.MaxVarintLen64
		for _, h := range headers {
			size += 2*binary.MaxVarintLen64 + len(h.Key) + len(h.Value)
		}
	}
	v := make([]byte, 0, size)
	v = binary.BigEndian.AppendUint64(v, at)
	v = binary.AppendUvarint(v, uint64(len(key)))
	v = append(v, key...)
	if len(headers) > 0 {
		v = binary.AppendUvarint(v, uint64(len(headers)))
		for _, h := range headers {
			v = binary.AppendUvarint(v, uint64(len(h.Key)))
			v = append(v, h.Key...)
			v = binary.AppendUvarint(v, uint64(len(h.Value)))
			v = append(v, h.Value...)
		}
	}
	return append(v, value...)
}

// entryTime decodes only the append time of a log entry.
func entryTime(v []byte) (time.Time, error) {
	if len(v) < 8 {
		return time.Time{}, errCorrupt
	}
	return time.Unix(0, int64(binary.BigEndian.Uint64(v)&^headersFlag)), nil
}

// decodeEntry decodes a log entry. Key, value and headers are copied, so v may be reused.
func decodeEntry(v []byte) (t time.Time, key, value []byte, headers []bus.Header, err error) {
	t, err = entryTime(v)
	if err != nil {
		return time.Time{}, nil, nil, nil, err
	}
	flagged := binary.BigEndian.Uint64(v)&headersFlag != 0
	buf := make([]byte, len(v)-8)
	copy(buf, v[8:])
	key, rest, err := chunk(buf)
	if err != nil {
		return time.Time{}, nil, nil, nil, err
	}
	if len(key) == 0 {
		key = nil
	}
	if flagged {
		if headers, rest, err = decodeHeaders(rest); err != nil {
			return time.Time{}, nil, nil, nil, err
		}
	}
	return t, key, rest, headers, nil
}

// decodeHeaders decodes the header count and headers at the start of b, returning
// what follows them.
func decodeHeaders(b []byte) ([]bus.Header, []byte, error) {
	n, w := binary.Uvarint(b)
	if w <= 0 || n > uint64(len(b)-w)/2 {
		return nil, nil, errCorrupt
	}
	b = b[w:]
	headers := make([]bus.Header, n)
	for i := range headers {
		k, rest, err := chunk(b)
		if err != nil {
			return nil, nil, err
		}
		val, rest, err := chunk(rest)
		if err != nil {
			return nil, nil, err
		}
		headers[i], b = bus.Header{Key: string(k), Value: val}, rest
	}
	return headers, b, nil
}

// chunk splits a uvarint length and that many bytes off the start of b.
func chunk(b []byte) (data, rest []byte, err error) {
	n, w := binary.Uvarint(b)
	if w <= 0 || n > uint64(len(b)-w) {
		return nil, nil, errCorrupt
	}
	end := w + int(n)
	return b[w:end:end], b[end:], nil
}
