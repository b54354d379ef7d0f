package store

import (
	"errors"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// record has the shapes the repositories store: text, bytes, numbers, nested records,
// lists and maps, with integer keys.
type record struct {
	Name   string            `cbor:"1,keyasint"`
	Raw    []byte            `cbor:"2,keyasint,omitempty"`
	N      int64             `cbor:"3,keyasint"`
	F      float64           `cbor:"4,keyasint"`
	Tags   []string          `cbor:"5,keyasint,omitempty"`
	Fields map[string]string `cbor:"6,keyasint,omitempty"`
	Child  *record           `cbor:"7,keyasint,omitempty"`
	OK     bool              `cbor:"8,keyasint"`
}

// valid reports whether every text of r is valid UTF-8: what Unmarshal requires.
func (r *record) valid() bool {
	if r == nil {
		return true
	}
	texts := append([]string{r.Name}, r.Tags...)
	for k, v := range r.Fields {
		texts = append(texts, k, v)
	}
	for _, s := range texts {
		if !utf8.ValidString(s) {
			return false
		}
	}
	return r.Child.valid()
}

// roundTrip is the property: Marshal accepts exactly the values Unmarshal reads back,
// and those read back equal.
func roundTrip(t *testing.T, in *record) {
	t.Helper()
	b, err := Marshal(in)
	if !in.valid() {
		if !errors.Is(err, ErrUnreadable) {
			t.Fatalf("Marshal(%+v) = %v, want ErrUnreadable", in, err)
		}
		return
	}
	if err != nil {
		t.Fatalf("Marshal(%+v): %v", in, err)
	}
	var out record
	if err := Unmarshal(b, &out); err != nil {
		t.Fatalf("Unmarshal of what Marshal accepted (%+v): %v", in, err)
	}
	if !reflect.DeepEqual(in, &out) {
		t.Fatalf("round trip changed the value:\n in %+v\nout %+v", in, &out)
	}
}

// randomText is text of any bytes: mostly valid UTF-8, sometimes not.
func randomText(r *rand.Rand) string {
	var b strings.Builder
	for range r.IntN(12) {
		switch r.IntN(6) {
		case 0:
			b.WriteByte(byte(r.IntN(256))) // any byte, often invalid
		case 1:
			b.WriteString([]string{"\xed\xa0\x80", "\xc0\xaf", "\xff", "\x00", "\xe2\x82"}[r.IntN(5)])
		default:
			b.WriteRune(rune(r.IntN(0x2FFFF)))
		}
	}
	return b.String()
}

func randomRecord(r *rand.Rand, depth int) *record {
	rec := &record{Name: randomText(r), N: r.Int64() - r.Int64(), F: r.NormFloat64(), OK: r.IntN(2) == 0}
	if r.IntN(2) == 0 {
		rec.Raw = []byte(randomText(r) + "x")
	}
	for range r.IntN(3) {
		rec.Tags = append(rec.Tags, randomText(r))
	}
	if n := r.IntN(3); n > 0 {
		rec.Fields = map[string]string{}
		for range n {
			rec.Fields[randomText(r)] = randomText(r)
		}
	}
	if depth < 3 && r.IntN(2) == 0 {
		rec.Child = randomRecord(r, depth+1)
	}
	return rec
}

func TestValueRoundTripProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 20_000 {
		roundTrip(t, randomRecord(r, 0))
	}
}

func FuzzValueRoundTrip(f *testing.F) {
	f.Add("hello", "k", "v", int64(1), []byte("raw"))
	f.Add("hello\xffworld", "\xc0\xaf", "\xed\xa0\x80", int64(-1), []byte{0xff})
	f.Add("a\x00b", "", "e\u0301", int64(1<<62), []byte(nil))
	f.Fuzz(func(t *testing.T, name, key, value string, n int64, raw []byte) {
		if len(raw) == 0 {
			raw = nil // omitempty reads an empty slice back as nil
		}
		roundTrip(t, &record{Name: name, N: n, Raw: raw, Tags: []string{value, name},
			Fields: map[string]string{key: value}, Child: &record{Name: value}})
	})
}

func TestMarshalRefusesDeepNesting(t *testing.T) {
	var v any = "leaf"
	for range maxNesting + 2 {
		v = []any{v}
	}
	if _, err := Marshal(v); !errors.Is(err, ErrUnreadable) {
		t.Fatalf("Marshal of %d levels: %v, want ErrUnreadable", maxNesting+2, err)
	}
}
