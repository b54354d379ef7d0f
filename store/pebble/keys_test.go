package pebble

import (
	"bytes"
	"maps"
	"testing"

	"github.com/herd-social/herd/store"
)

func sign(c int) int { return max(-1, min(1, c)) }

// FuzzKeyOrder checks that encoded row keys sort by partition key, then by clustering
// key in the table's order; that a partition is exactly the keys under its prefix; and
// that keys decode to what was encoded.
func FuzzKeyOrder(f *testing.F) {
	seeds := [][4]string{
		{"a", "b", "a", "ab"},
		{"a", "", "a", "\x00"},
		{"a", "\x00\x01", "a\x00", "\x01"},
		{"a", "\xff", "a\x00", ""},
		{"\x00", "\xff\xff", "\x00\x00", "\x00"},
		{"", "", "", "\x00\x00"},
		{"x", "a\x00", "x", "a\x00\x00"},
		{"x", "a\xff", "x", "a\xff\x00"},
	}
	for _, s := range seeds {
		f.Add([]byte(s[0]), []byte(s[1]), []byte(s[2]), []byte(s[3]))
	}
	f.Fuzz(func(t *testing.T, pk1, ck1, pk2, ck2 []byte) {
		for _, order := range []store.Order{store.Asc, store.Desc} {
			tb := &table{Table: store.Table{Name: "t", Order: order}, id: firstID}
			k1, k2 := tb.rowKey(pk1, ck1), tb.rowKey(pk2, ck2)
			want := bytes.Compare(pk1, pk2)
			if want == 0 {
				want = bytes.Compare(ck1, ck2)
				if order == store.Desc {
					want = -want
				}
			}
			if got := sign(bytes.Compare(k1, k2)); got != want {
				t.Fatalf("order %d: compare(key(%q,%q), key(%q,%q)) = %d, want %d", order, pk1, ck1, pk2, ck2, got, want)
			}
			prefix := tb.partitionPrefix(nil, pk2)
			inside := bytes.HasPrefix(k1, prefix) && bytes.Compare(k1, prefixEnd(prefix)) < 0
			if inside != bytes.Equal(pk1, pk2) {
				t.Fatalf("order %d: key(%q,%q) inside partition %q = %v", order, pk1, ck1, pk2, inside)
			}
			pk, ck, err := tb.decodeRowKey(k1)
			if err != nil || !bytes.Equal(pk, pk1) || !bytes.Equal(ck, ck1) {
				t.Fatalf("order %d: decode(key(%q,%q)) = %q, %q, %v", order, pk1, ck1, pk, ck, err)
			}
		}
	})
}

// FuzzScanBounds checks that the iterator bounds of a range hold exactly the rows of
// the partition whose clustering keys the range selects.
func FuzzScanBounds(f *testing.F) {
	f.Add([]byte("p"), []byte("p\x00"), []byte("ab"), []byte("a"), []byte("b"), uint8(0))
	f.Add([]byte("p"), []byte("p"), []byte("a\x00"), []byte("a"), []byte("a\x00"), uint8(0x1f))
	f.Add([]byte("p"), []byte("p"), []byte(""), []byte(""), []byte("\xff"), uint8(0x12))
	f.Fuzz(func(t *testing.T, pk, rowPK, ck, lower, upper []byte, flags uint8) {
		r := store.Range{
			Lower: store.Bound{Key: lower, Inclusive: flags&1 != 0},
			Upper: store.Bound{Key: upper, Inclusive: flags&2 != 0},
		}
		if flags&4 != 0 {
			r.Lower.Key = nil
		}
		if flags&8 != 0 {
			r.Upper.Key = nil
		}
		order := store.Asc
		if flags&16 != 0 {
			order = store.Desc
		}
		tb := &table{Table: store.Table{Name: "t", Order: order}, id: firstID}
		key := tb.rowKey(rowPK, ck)
		lo, hi, ok := tb.scanBounds(pk, r)
		got := ok && bytes.Compare(lo, key) <= 0 && bytes.Compare(key, hi) < 0
		want := bytes.Equal(pk, rowPK) && within(ck, r.Lower, 1) && within(ck, r.Upper, -1)
		if got != want {
			t.Fatalf("order %d: row (%q,%q) in scan of %q %+v = %v, want %v", order, rowPK, ck, pk, r, got, want)
		}
	})
}

// within reports whether ck is on the inner side of bound (above it for side 1).
func within(ck []byte, bound store.Bound, side int) bool {
	if bound.Key == nil {
		return true
	}
	c := bytes.Compare(ck, bound.Key) * side
	return c > 0 || (c == 0 && bound.Inclusive)
}

func TestDecodeEscapedRejectsGarbage(t *testing.T) {
	for _, b := range []string{"", "a", "a\x00", "a\x00\x02", "a\x00\xff"} {
		if v, _, err := decodeEscaped([]byte(b), 0); err == nil {
			t.Errorf("decodeEscaped(%q) = %q, want an error", b, v)
		}
	}
}

func TestValueRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		value  string
		expiry int64
	}{{"", 0}, {"v", 0}, {"", 42}, {"\x01value", -7}} {
		expiry, payload, err := decodeValue(encodeValue([]byte(tc.value), tc.expiry))
		if err != nil || expiry != tc.expiry || string(payload) != tc.value {
			t.Errorf("decode(encode(%q, %d)) = %q, %d, %v", tc.value, tc.expiry, payload, expiry, err)
		}
	}
	for _, bad := range []string{"", "\x02", "\x01short"} {
		if _, _, err := decodeValue([]byte(bad)); err == nil {
			t.Errorf("decodeValue(%q) succeeded", bad)
		}
	}
}

func TestCatalogRoundTrip(t *testing.T) {
	cat := map[string]catalogEntry{
		"a":          {id: 16, order: store.Desc},
		"counts":     {id: 17, kind: store.Counters},
		"later_name": {id: 300},
	}
	got, err := decodeCatalog(encodeCatalog(cat))
	if err != nil || !maps.Equal(got, cat) {
		t.Fatalf("decode(encode(%v)) = %v, %v", cat, got, err)
	}
	if _, err := decodeCatalog([]byte{16, 5, 'a'}); err == nil {
		t.Fatal("decodeCatalog of a truncated entry succeeded")
	}
}
