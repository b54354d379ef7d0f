package local

import (
	"encoding/binary"
	"errors"
	"math"
	"time"
)

// Key layout. Every key starts with a kind byte, then length-prefixed names, so that no
// name is a prefix of another and every partition's entries form one contiguous range:
//
//	l | topic | partition | offset  →  append time | key length | key | value   (log entry)
//	c | group | topic | partition   →  next offset to deliver                  (commit)
//	f | topic | partition           →  first offset not trimmed                (floor)
//	m | topic                       →  partition count                         (meta)
//
// Names are a uvarint length and the bytes; partitions are 4 bytes and offsets 8 bytes,
// big-endian, so that byte order is numeric order.
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

// encodeEntry encodes the value of a log entry.
func encodeEntry(t time.Time, key, value []byte) []byte {
	v := make([]byte, 0, 8+binary.MaxVarintLen64+len(key)+len(value))
	v = binary.BigEndian.AppendUint64(v, uint64(t.UnixNano()))
	v = binary.AppendUvarint(v, uint64(len(key)))
	v = append(v, key...)
	return append(v, value...)
}

// entryTime decodes only the append time of a log entry.
func entryTime(v []byte) (time.Time, error) {
	if len(v) < 8 {
		return time.Time{}, errCorrupt
	}
	return time.Unix(0, int64(binary.BigEndian.Uint64(v))), nil
}

// decodeEntry decodes a log entry. Key and value are copied, so v may be reused.
func decodeEntry(v []byte) (t time.Time, key, value []byte, err error) {
	t, err = entryTime(v)
	if err != nil {
		return time.Time{}, nil, nil, err
	}
	n, w := binary.Uvarint(v[8:])
	if w <= 0 || n > uint64(len(v)-8-w) {
		return time.Time{}, nil, nil, errCorrupt
	}
	rest := v[8+w:]
	buf := make([]byte, len(rest))
	copy(buf, rest)
	key, value = buf[:n:n], buf[n:]
	if len(key) == 0 {
		key = nil
	}
	return t, key, value, nil
}
