package httpsig

import (
	"context"
	"crypto/rsa"
	"errors"
	"math/big"
	"slices"
	"testing"
)

func TestVerifyKeyRefresh(t *testing.T) {
	key, old := testKeys(t)
	lookupErr := errors.New("actor fetch: 503")
	tests := []struct {
		name  string
		ring  keyring
		want  error
		calls []bool
	}{
		{"cached key verifies", keyring{cached: &key.PublicKey}, nil, []bool{false}},
		{"rotated key: old cached, refresh finds the new one", keyring{cached: &old.PublicKey, fresh: &key.PublicKey}, nil, []bool{false, true}},
		{"wrong key before and after refresh", keyring{cached: &old.PublicKey, fresh: &old.PublicKey}, ErrInvalidSignature, []bool{false, true}},
		{"refresh fails", keyring{cached: &old.PublicKey, refresh: lookupErr}, ErrInvalidSignature, []bool{false, true}},
		{"lookup fails", keyring{err: lookupErr}, ErrKeyUnavailable, []bool{false}},
		{"lookup finds no key", keyring{}, ErrKeyUnavailable, []bool{false}},
		{"degenerate keys", keyring{cached: &rsa.PublicKey{N: big.NewInt(0)}, fresh: &rsa.PublicKey{N: big.NewInt(1), E: 1}}, ErrInvalidSignature, []bool{false, true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := signedRequest(t, key, "https://herd.example/inbox", []byte(`{"type":"Update"}`), t0)
			keyID, err := Verify(context.Background(), r, t0, tt.ring.lookup)
			if !errors.Is(err, tt.want) || (err == nil) != (tt.want == nil) {
				t.Fatalf("Verify: %v, want %v", err, tt.want)
			}
			if keyID != actorKey {
				t.Errorf("keyID %q", keyID)
			}
			if !slices.Equal(tt.ring.calls, tt.calls) {
				t.Errorf("lookup calls (refresh flags) %v, want %v", tt.ring.calls, tt.calls)
			}
			if tt.ring.refresh != nil && !errors.Is(err, lookupErr) {
				t.Errorf("the refresh error is not wrapped: %v", err)
			}
		})
	}
}
