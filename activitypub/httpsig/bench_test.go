package httpsig

import (
	"context"
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
