package ldsig_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"testing"
	"time"

	"github.com/herd-social/herd/activitypub/ldsig"
)

func activity() map[string]any {
	return map[string]any{
		"@context": []any{"https://www.w3.org/ns/activitystreams", map[string]any{"sensitive": "as:sensitive"}},
		"id":       "https://a.example/users/alice/statuses/1/activity", "type": "Create",
		"actor": "https://a.example/users/alice", "to": []any{"https://www.w3.org/ns/activitystreams#Public"},
		"object": map[string]any{"id": "https://a.example/users/alice/statuses/1", "type": "Note",
			"attributedTo": "https://a.example/users/alice", "content": "<p>hello</p>", "sensitive": false,
			"published": "2026-01-02T03:04:05Z"},
	}
}

// TestSignVerify: a signed activity verifies with its key; any change to a signed term,
// another key, or a context that is not bundled does not.
func TestSignVerify(t *testing.T) {
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	const keyID = "https://a.example/users/alice#main-key"
	lookup := func(k *rsa.PrivateKey) ldsig.KeyLookup {
		return func(_ context.Context, id string, _ bool) (*rsa.PublicKey, error) {
			if id != keyID {
				return nil, errors.New("unknown key")
			}
			return &k.PublicKey, nil
		}
	}
	ctx := context.Background()
	doc := activity()
	if err := ldsig.Sign(doc, keyID, key, time.Now()); err != nil {
		t.Fatal(err)
	}
	if got, err := ldsig.Verify(ctx, doc, lookup(key)); err != nil || got != keyID {
		t.Fatalf("verify: %q, %v", got, err)
	}
	if _, err := ldsig.Verify(ctx, doc, lookup(other)); !errors.Is(err, ldsig.ErrBadSignature) {
		t.Fatalf("another key: %v", err)
	}
	doc["object"].(map[string]any)["content"] = "<p>forged</p>"
	if _, err := ldsig.Verify(ctx, doc, lookup(key)); !errors.Is(err, ldsig.ErrBadSignature) {
		t.Fatalf("changed content: %v", err)
	}
	if _, err := ldsig.Verify(ctx, activity(), lookup(key)); !errors.Is(err, ldsig.ErrUnverifiable) {
		t.Fatalf("unsigned: %v", err)
	}
	remote := activity()
	remote["@context"] = "https://example.org/other-context"
	if err := ldsig.Sign(remote, keyID, key, time.Now()); !errors.Is(err, ldsig.ErrUnverifiable) {
		t.Fatalf("a context that is not bundled: %v", err)
	}
}
