package httpsig

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"encoding/base64"
	"github.com/dunglas/httpsfv"
	"net/http"
	"testing"
)

var benchBody = []byte(`{"@context":"https://www.w3.org/ns/activitystreams","id":"https://remote.example/users/alice/statuses/1/activity","type":"Create","actor":"https://remote.example/users/alice","object":{"type":"Note","content":"<p>hello</p>"}}`)

// BenchmarkSign signs a delivery POST with a 2048-bit key (one RSA private-key
// operation, which dominates).
func BenchmarkSign(b *testing.B) {
	key, _ := testKeys(b)
	b.ReportAllocs()
	for b.Loop() {
		req, err := http.NewRequest(http.MethodPost, "https://herd.example/users/bob/inbox", nil)
		if err != nil {
			b.Fatal(err)
		}
		if err := Sign(req, benchBody, actorKey, key, t0); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerify verifies a signed delivery POST (draft-cavage through go-fed) with
// a 2048-bit key: parsing, the rules, the digest and one RSA public-key operation.
func BenchmarkVerify(b *testing.B) {
	key, _ := testKeys(b)
	r := signedRequest(b, key, "https://herd.example/users/bob/inbox", benchBody, t0)
	lookup := fixed(&key.PublicKey)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Verify(ctx, r, t0, lookup); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerify9421 verifies an RFC 9421 signed POST with a 2048-bit key.
func BenchmarkVerify9421(b *testing.B) {
	key, _ := testKeys(b)
	r := plainRequest(http.MethodPost, "/users/bob/inbox", "", benchBody, t0)
	sign9421(b, key, &r, `"@method" "@target-uri" "content-digest"`, `;created=`+itoa(t0.Unix())+`;keyid="`+actorKey+`"`)
	lookup := fixed(&key.PublicKey)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Verify(ctx, r, t0, lookup); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSign9421 signs a delivery POST under RFC 9421 with a 2048-bit key.
func BenchmarkSign9421(b *testing.B) {
	key, _ := testKeys(b)
	b.ReportAllocs()
	for b.Loop() {
		req, err := http.NewRequest(http.MethodPost, "https://herd.example/users/bob/inbox", nil)
		if err != nil {
			b.Fatal(err)
		}
		if err := Sign9421(req, benchBody, actorKey, key, t0); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerify9421Ed25519 verifies an RFC 9421 signed POST with an Ed25519 key.
func BenchmarkVerify9421Ed25519(b *testing.B) {
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		b.Fatal(err)
	}
	r := plainRequest(http.MethodPost, "/users/bob/inbox", "", benchBody, t0)
	input := `sig1=("@method" "@target-uri" "content-digest");created=` + itoa(t0.Unix()) + `;keyid="` + actorKey + `";alg="ed25519"`
	d, _ := httpsfv.UnmarshalDictionary([]string{input})
	m, _ := d.Get("sig1")
	base, err := signatureBase(&r, m.(httpsfv.InnerList), []string{"@method", "@target-uri", "content-digest"})
	if err != nil {
		b.Fatal(err)
	}
	r.Header.Set("Signature-Input", input)
	r.Header.Set("Signature", "sig1=:"+base64.StdEncoding.EncodeToString(ed25519.Sign(priv, base))+":")
	lookup := func(context.Context, string, bool) (crypto.PublicKey, error) { return pub, nil }
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Verify(ctx, r, t0, lookup); err != nil {
			b.Fatal(err)
		}
	}
}
