package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/fxamacker/cbor/v2"

	"github.com/herd-social/herd/invariants"
)

// The one value encoding of the repositories: CBOR with integer keys (struct tags
// `cbor:"1,keyasint"`), compact and tolerant of added fields.
var (
	encMode = func() cbor.EncMode {
		m, err := cbor.CoreDetEncOptions().EncMode()
		if err != nil {
			panic(err)
		}
		return m
	}()
	decMode = func() cbor.DecMode {
		m, err := cbor.DecOptions{MaxNestedLevels: maxNesting, MaxArrayElements: 1 << 20, MaxMapPairs: 1 << 20}.DecMode()
		if err != nil {
			panic(err)
		}
		return m
	}()
)

// maxNesting is the deepest value the decoder reads.
const maxNesting = 32

// ErrUnreadable is a value Marshal refuses because Unmarshal could not read it back:
// text that is not valid UTF-8 (the encoder writes any Go string, the decoder
// refuses invalid text), or nesting deeper than the decoder reads.
var ErrUnreadable = errors.New("store: value could not be read back")

// ErrUndecodable is returned by Unmarshal for a value it cannot decode: reading it
// again will not help.
var ErrUndecodable = errors.New("store: cannot decode")

// Marshal encodes a record value. It refuses a value that Unmarshal would refuse, so
// that no write can leave a record nobody can read.
func Marshal(v any) ([]byte, error) {
	b, err := encMode.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("store: encode %T: %w", v, err)
	}
	if err := checkReadable(b); err != nil {
		return nil, fmt.Errorf("store: encode %T: %w", v, err)
	}
	if invariants.Enabled { // the walk must accept only what the decoder reads
		var back any
		err := decMode.Unmarshal(b, &back)
		invariants.Check(err == nil, fmt.Sprintf("store: Marshal accepted a %T that Unmarshal refuses: %v", v, err))
	}
	return b, nil
}

// Unmarshal decodes a record value written by Marshal.
func Unmarshal(b []byte, v any) error {
	if err := decMode.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%w %T: %w", ErrUndecodable, v, err)
	}
	return nil
}

// checkReadable walks an encoding made by encMode (definite lengths only, as
// CoreDetEncOptions writes) and checks what the decoder checks beyond the
// encoder: every text string is valid UTF-8 and nesting stays within maxNesting.
func checkReadable(b []byte) error {
	rest, err := walkItem(b, 0)
	if err != nil {
		return err
	}
	if len(rest) != 0 {
		return fmt.Errorf("%w: %d bytes after the value", ErrUnreadable, len(rest))
	}
	return nil
}

// walkItem checks the data item at the start of b and returns what follows it.
func walkItem(b []byte, depth int) ([]byte, error) {
	if depth > maxNesting {
		return nil, fmt.Errorf("%w: nested deeper than %d", ErrUnreadable, maxNesting)
	}
	major, arg, rest, err := head(b)
	if err != nil {
		return nil, err
	}
	switch major {
	case 2, 3: // byte and text strings
		if uint64(len(rest)) < arg {
			return nil, fmt.Errorf("%w: truncated string", ErrUnreadable)
		}
		if major == 3 && !utf8.Valid(rest[:arg]) {
			return nil, fmt.Errorf("%w: text is not valid UTF-8", ErrUnreadable)
		}
		return rest[arg:], nil
	case 4, 5: // arrays and maps (a map holds two items per pair)
		n := arg
		if major == 5 {
			n *= 2
		}
		for range n {
			if rest, err = walkItem(rest, depth+1); err != nil {
				return nil, err
			}
		}
		return rest, nil
	case 6: // a tag and its content
		return walkItem(rest, depth+1)
	}
	return rest, nil // integers, simple values and floats: head holds them whole
}

// head reads a data item's head: its major type, its argument (a length, a count, a
// value or, for floats, nothing of use) and the bytes after the head.
func head(b []byte) (major byte, arg uint64, rest []byte, err error) {
	if len(b) == 0 {
		return 0, 0, nil, fmt.Errorf("%w: truncated value", ErrUnreadable)
	}
	major, info := b[0]>>5, b[0]&0x1f
	b = b[1:]
	size := 0
	switch {
	case info < 24:
		return major, uint64(info), b, nil
	case info <= 27:
		size = 1 << (info - 24)
	default: // 28-30 are reserved, 31 is an indefinite length: encMode writes neither
		return 0, 0, nil, fmt.Errorf("%w: unexpected additional information %d", ErrUnreadable, info)
	}
	if len(b) < size {
		return 0, 0, nil, fmt.Errorf("%w: truncated head", ErrUnreadable)
	}
	var buf [8]byte
	copy(buf[8-size:], b[:size])
	return major, binary.BigEndian.Uint64(buf[:]), b[size:], nil
}
