package pebble

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// A row value starts with a header: noExpiry, or hasExpiry followed by the expiry in
// Unix nanoseconds (8 bytes, big-endian). The caller's value follows.
const (
	noExpiry  byte = 0
	hasExpiry byte = 1
	expiryLen      = 1 + 8
)

var errBadValue = errors.New("pebble: malformed value")

// encodeValue returns the stored form of a value; expiry zero means none.
func encodeValue(value []byte, expiry int64) []byte {
	if expiry == 0 {
		return append(append(make([]byte, 0, 1+len(value)), noExpiry), value...)
	}
	dst := make([]byte, 0, expiryLen+len(value))
	dst = append(dst, hasExpiry)
	dst = binary.BigEndian.AppendUint64(dst, uint64(expiry))
	return append(dst, value...)
}

// decodeValue splits a stored value into its expiry (zero for none) and payload; the
// payload aliases v.
func decodeValue(v []byte) (expiry int64, payload []byte, err error) {
	if len(v) == 0 {
		return 0, nil, errBadValue
	}
	switch v[0] {
	case noExpiry:
		return 0, v[1:], nil
	case hasExpiry:
		if len(v) < expiryLen {
			return 0, nil, errBadValue
		}
		return int64(binary.BigEndian.Uint64(v[1:])), v[expiryLen:], nil
	default:
		return 0, nil, errBadValue
	}
}

// live reports whether a row with that expiry is visible at now.
func live(expiry, now int64) bool { return expiry == 0 || now < expiry }

// Counter values and merge operands are 8 bytes, little-endian (fold.go).
func encodeCounter(v int64) []byte {
	return binary.LittleEndian.AppendUint64(make([]byte, 0, 8), uint64(v))
}

func decodeCounter(b []byte) (int64, error) {
	if len(b) != 8 {
		return 0, fmt.Errorf("pebble: counter of %d bytes: %w", len(b), errBadValue)
	}
	return int64(binary.LittleEndian.Uint64(b)), nil
}
