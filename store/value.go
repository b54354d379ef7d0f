package store

import (
	"errors"
	"fmt"

	"github.com/fxamacker/cbor/v2"
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
		m, err := cbor.DecOptions{MaxNestedLevels: 32, MaxArrayElements: 1 << 20, MaxMapPairs: 1 << 20}.DecMode()
		if err != nil {
			panic(err)
		}
		return m
	}()
)

// ErrUndecodable is returned by Unmarshal for a value it cannot decode: reading it
// again will not help.
var ErrUndecodable = errors.New("store: cannot decode")

// Marshal encodes a record value.
func Marshal(v any) ([]byte, error) {
	b, err := encMode.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("store: encode %T: %w", v, err)
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
