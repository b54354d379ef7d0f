package ldsig_test

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/herd-social/herd/activitypub/ldsig"
)

// The vector in testdata is a Follow that mastodon.cloud signed with RsaSignature2017
// in December 2018, with the public key its actor published (as recorded in Misskey's
// LD-signature test). It names the ActivityStreams and security/v1 contexts and an
// inline one, and its options the identity/v1 context, so it verifies only if the
// bundled contexts canonicalise exactly as the published ones do.
const (
	vectorDoc = "testdata/mastodon-follow.json"
	vectorKey = "testdata/mastodon-follow.key.pem"
	vectorID  = "https://mastodon.cloud/users/transmute#main-key"
)

func vectorLookup(t *testing.T) ldsig.KeyLookup {
	t.Helper()
	b, err := os.ReadFile(vectorKey)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(b)
	if block == nil {
		t.Fatal("no PEM block in", vectorKey)
	}
	k, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	pub, ok := k.(*rsa.PublicKey)
	if !ok {
		t.Fatalf("key is %T", k)
	}
	return func(_ context.Context, id string, _ bool) (*rsa.PublicKey, error) {
		if id != vectorID {
			return nil, errors.New("unknown key")
		}
		return pub, nil
	}
}

// vectorDocument reads the vector, with edit applied to its text first.
func vectorDocument(t *testing.T, edit func(string) string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(vectorDoc)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(edit(string(b))), &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// TestMastodonSignatureVector: a signature a Mastodon server made verifies here.
func TestMastodonSignatureVector(t *testing.T) {
	doc := vectorDocument(t, func(s string) string { return s })
	got, err := ldsig.Verify(context.Background(), doc, vectorLookup(t))
	if err != nil || got != vectorID {
		t.Fatalf("verify: %q, %v", got, err)
	}
}

// TestMastodonSignatureVectorAltered: the same vector with one character changed, in
// the activity or in the signature's date, does not verify.
func TestMastodonSignatureVectorAltered(t *testing.T) {
	for name, edit := range map[string][2]string{
		"object":  {"/u/alice", "/u/alicf"},
		"created": {"2018-12-22T18:23:12Z", "2018-12-22T18:23:13Z"},
	} {
		t.Run(name, func(t *testing.T) {
			doc := vectorDocument(t, func(s string) string {
				if strings.Count(s, edit[0]) != 1 {
					t.Fatalf("%q is not once in the vector", edit[0])
				}
				return strings.Replace(s, edit[0], edit[1], 1)
			})
			if _, err := ldsig.Verify(context.Background(), doc, vectorLookup(t)); !errors.Is(err, ldsig.ErrBadSignature) {
				t.Fatalf("altered %s: %v", name, err)
			}
		})
	}
}
