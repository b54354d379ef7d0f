package httpsig

import (
	"context"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"testing"
)

// fuzzRequest builds a request from fuzzed parts around a fixed, signed base.
func fuzzRequest(method, target, date string, body []byte) Request {
	path, query := splitTarget(target)
	h := http.Header{}
	h.Set("Host", "herd.example")
	h.Set("Date", date)
	h.Set("Content-Type", ActivityContentType)
	sum := sha256.Sum256(body)
	h.Set("Digest", "SHA-256="+base64.StdEncoding.EncodeToString(sum[:]))
	h.Set("Content-Digest", "sha-256=:"+base64.StdEncoding.EncodeToString(sum[:])+":")
	return Request{Method: method, Path: path, Query: query, Host: "herd.example", Header: h, Body: body}
}

// FuzzVerifyCavage feeds hostile Signature, Date and Digest values to Verify. It
// must never panic, and every refusal must carry one of the package's sentinels.
func FuzzVerifyCavage(f *testing.F) {
	key, _ := testKeys(f)
	good := signedRequest(f, key, "https://herd.example/inbox?x=1", []byte(`{"a":1}`), t0)
	f.Add("POST", "/inbox?x=1", good.Header.Get("Signature"), good.Header.Get("Date"), good.Header.Get("Digest"), []byte(`{"a":1}`))
	get := signedRequest(f, key, "https://herd.example/users/bob", nil, t0)
	f.Add("GET", "/users/bob", get.Header.Get("Signature"), get.Header.Get("Date"), "", []byte(nil))
	f.Add("POST", "/inbox", `Signature keyId="k" , algorithm=hs2019,headers="(created) (expires) digest",created=1,expires=2,signature="AA=="`, "", "SHA-256=,sha-256=x", []byte("x"))
	f.Add("GET", "/", `keyId="k",signature="\"\\",headers="(request-target) host date"`, "Mon, 02 Jan 2006 15:04:05 GMT", "", []byte{})
	f.Add("PUT", "https://h/?", `a=b,c="d`, "Sun, 01 Mar 2026 12:00:00 GMT", "sha-256", []byte{0})
	pub := &key.PublicKey
	f.Fuzz(func(t *testing.T, method, target, sig, date, digest string, body []byte) {
		r := fuzzRequest(method, target, date, body)
		r.Header.Set("Signature", sig)
		if digest != "" {
			r.Header.Set("Digest", digest)
		}
		checkOutcome(t, r, pub)
	})
}

// FuzzVerify9421 feeds hostile Signature-Input, Signature and Content-Digest values
// to Verify. It must never panic, and every refusal must carry a sentinel.
func FuzzVerify9421(f *testing.F) {
	key, _ := testKeys(f)
	r := plainRequest("POST", "/inbox", "", []byte(`{"a":1}`), t0)
	sign9421(f, key, &r, `"@method" "@target-uri" "content-digest"`, `;created=`+itoa(t0.Unix())+`;keyid="`+actorKey+`"`)
	f.Add("POST", "/inbox", r.Header.Get("Signature-Input"), r.Header.Get("Signature"), r.Header.Get("Content-Digest"), []byte(`{"a":1}`))
	f.Add("GET", "/x?y", `sig1=("@method" "@target-uri" "@query" "@path" "@authority" "@scheme" "@request-target" "host");created=1;expires=99999999999;keyid="k";alg="rsa-v1_5-sha256"`, `sig1=:AAAA:`, "", []byte(nil))
	f.Add("POST", "/", `a=(), b=("x";sf);created=1.5;keyid=?1`, `a=:/w==:, b=1`, `sha-256=:AA==:, sha-512=?0`, []byte("z"))
	f.Add("POST", "/", `sig1=("@query-param";name="a" "@status");created=-1;keyid=""`, `sig1=:@@:`, `sha-256=("x")`, []byte{})
	f.Add("GET", "/", `sig1=("@method" "@target-uri");created=`+itoa(t0.Unix())+`;keyid="k";nonce=@1659578233`, `sig1=%"x"`, ``, []byte{})
	pub := &key.PublicKey
	f.Fuzz(func(t *testing.T, method, target, input, sig, contentDigest string, body []byte) {
		r := fuzzRequest(method, target, "", body)
		r.Header.Set("Signature-Input", input)
		r.Header.Set("Signature", sig)
		if contentDigest != "" {
			r.Header.Set("Content-Digest", contentDigest)
		}
		checkOutcome(t, r, pub)
	})
}

var sentinels = []error{ErrMissingSignature, ErrMalformedSignature, ErrUnsupportedAlgorithm, ErrExpired,
	ErrNotYetValid, ErrMissingComponent, ErrBadDigest, ErrKeyUnavailable, ErrInvalidSignature}

// checkOutcome verifies r: an acceptance names a keyId, a refusal wraps a sentinel.
func checkOutcome(t *testing.T, r Request, pub *rsa.PublicKey) {
	keyID, err := Verify(context.Background(), r, t0, fixed(pub))
	if err == nil {
		if keyID == "" {
			t.Fatal("accepted without a keyId")
		}
		return
	}
	for _, s := range sentinels {
		if errors.Is(err, s) {
			return
		}
	}
	t.Fatalf("untyped error: %v", err)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
