package scylla

import (
	"encoding/binary"
	"math"
	"math/bits"
)

// Token is the Murmur3Partitioner's token of a partition key of one blob column, the
// key itself: the first half of MurmurHash3 x64 128 with seed 0, as Cassandra and
// ScyllaDB compute it, including their reading of the last bytes as signed (Java's
// byte), and the lowest long taken as the highest. ApplyEach sorts partitions by it, so
// that the partitions of one batch fall in one token range and so on one replica set.
// TestTokenAsTheServer holds it to the server's token().
// tests/cluster's fan-out benchmark groups its baseline's rows by it as well.
func Token(key []byte) int64 {
	const c1, c2 = 0x87c37b91114253d5, 0x4cf5ad432745937f
	var h1, h2 uint64
	n := len(key)
	for i := 0; i+16 <= n; i += 16 {
		k1 := binary.LittleEndian.Uint64(key[i:])
		k2 := binary.LittleEndian.Uint64(key[i+8:])
		h1 ^= bits.RotateLeft64(k1*c1, 31) * c2
		h1 = (bits.RotateLeft64(h1, 27)+h2)*5 + 0x52dce729
		h2 ^= bits.RotateLeft64(k2*c2, 33) * c1
		h2 = (bits.RotateLeft64(h2, 31)+h1)*5 + 0x38495ab5
	}
	tail := key[n&^15:]
	var k1, k2 uint64
	for i := len(tail) - 1; i >= 8; i-- {
		k2 ^= uint64(int64(int8(tail[i]))) << (8 * (i - 8))
	}
	if len(tail) > 8 {
		h2 ^= bits.RotateLeft64(k2*c2, 33) * c1
	}
	for i := min(len(tail), 8) - 1; i >= 0; i-- {
		k1 ^= uint64(int64(int8(tail[i]))) << (8 * i)
	}
	if len(tail) > 0 {
		h1 ^= bits.RotateLeft64(k1*c1, 31) * c2
	}
	h1 ^= uint64(n)
	h2 ^= uint64(n)
	h1 += h2
	h2 += h1
	h1, h2 = fmix(h1), fmix(h2)
	h1 += h2
	if t := int64(h1); t != math.MinInt64 {
		return t
	}
	return math.MaxInt64
}

func fmix(k uint64) uint64 {
	k ^= k >> 33
	k *= 0xff51afd7ed558ccd
	k ^= k >> 33
	k *= 0xc4ceb9fe1a85ec53
	return k ^ k>>33
}
