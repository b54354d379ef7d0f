package ldsig_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
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

// FuzzVerify: any JSON document, signed or not, verifies or fails with one of the
// package's errors; it never panics, and never loads a context from the network.
func FuzzVerify(f *testing.F) {
	key, _ := rsa.GenerateKey(rand.Reader, 1024)
	signed := activity()
	if err := ldsig.Sign(signed, "https://a.example/k", key, time.Now()); err != nil {
		f.Fatal(err)
	}
	b, _ := json.Marshal(signed)
	f.Add(b)
	f.Add([]byte(`{"@context":{"@vocab":"http://x/"},"a":1,"signature":{"type":"RsaSignature2017","creator":"k","created":"x","signatureValue":"AAAA"}}`))
	f.Add([]byte(`{"@context":["https://w3id.org/security/v1",{"@context":"http://evil.example/"}],"signature":{"type":"RsaSignature2017","creator":"k","created":"x","signatureValue":"AAAA"}}`))
	lookup := func(context.Context, string, bool) (*rsa.PublicKey, error) { return &key.PublicKey, nil }
	f.Fuzz(func(t *testing.T, data []byte) {
		var doc map[string]any
		if json.Unmarshal(data, &doc) != nil || doc == nil {
			return
		}
		_, err := ldsig.Verify(context.Background(), doc, lookup)
		if err != nil && !errors.Is(err, ldsig.ErrUnverifiable) && !errors.Is(err, ldsig.ErrBadSignature) {
			t.Fatalf("error of no kind: %v", err)
		}
	})
}
