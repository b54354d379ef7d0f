package httpsig

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"net/http"
	"testing"

	"github.com/dunglas/httpsfv"
)

// The Ed25519 key of RFC 9421 appendix B.1.4 (test-key-ed25519) and the B.2.6
// signature over the appendix's request.
const (
	rfcEd25519PublicPEM = `-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAJrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=
-----END PUBLIC KEY-----
`
	b26Input = `sig-b26=("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"`
	b26Sig   = `wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==`
)

// TestRFC9421AppendixB26 checks the published Ed25519 signature over the base built
// from the appendix's request, and that a changed base fails.
func TestRFC9421AppendixB26(t *testing.T) {
	key, err := DecodeVerifyingKeyPEM(rfcEd25519PublicPEM)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := key.(ed25519.PublicKey); !ok {
		t.Fatalf("test-key-ed25519 decoded as %T", key)
	}
	_, base := baseOf(t, rfcRequest(false), b26Input)
	sig, _ := base64.StdEncoding.DecodeString(b26Sig)
	s := &rfc9421{base: base, sig: sig}
	if err := s.verify(key); err != nil {
		t.Fatalf("B.2.6 does not verify: %v\nbase:\n%s", err, base)
	}
	s.alg = alg9421
	if err := s.verify(key); !errors.Is(err, ErrUnsupportedAlgorithm) {
		t.Errorf("an Ed25519 key under alg %s: %v", alg9421, err)
	}
	r := rfcRequest(false)
	r.Method = http.MethodPut
	_, changed := baseOf(t, r, b26Input)
	if err := (&rfc9421{base: changed, sig: sig}).verify(key); err == nil {
		t.Error("B.2.6's signature verifies over another method")
	}
}

// TestVerifyEd25519 runs an inbox POST signed with an Ed25519 key (a FEP-521a
// Multikey) through Verify: accepted under RFC 9421, with or without alg; refused
// under draft-cavage, and under RFC 9421 with an RSA key's alg.
func TestVerifyEd25519(t *testing.T) {
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	lookup := func(context.Context, string, bool) (crypto.PublicKey, error) { return pub, nil }
	signed := func(alg string) Request {
		r := plainRequest(http.MethodPost, "/inbox", "", []byte(`{"type":"Like"}`), t0)
		input := `sig1=("@method" "@target-uri" "content-digest");created=` + itoa(t0.Unix()) + `;keyid="` + actorKey + `"` + alg
		d, _ := httpsfv.UnmarshalDictionary([]string{input})
		m, _ := d.Get("sig1")
		base, err := signatureBase(&r, m.(httpsfv.InnerList), []string{"@method", "@target-uri", "content-digest"})
		if err != nil {
			t.Fatal(err)
		}
		r.Header.Set("Signature-Input", input)
		r.Header.Set("Signature", "sig1=:"+base64.StdEncoding.EncodeToString(ed25519.Sign(priv, base))+":")
		return r
	}
	for _, alg := range []string{"", `;alg="ed25519"`} {
		if _, err := Verify(context.Background(), signed(alg), t0, lookup); err != nil {
			t.Errorf("Ed25519 signature (alg %q) refused: %v", alg, err)
		}
	}
	if _, err := Verify(context.Background(), signed(`;alg="rsa-v1_5-sha256"`), t0, lookup); !errors.Is(err, ErrInvalidSignature) {
		t.Errorf("Ed25519 key under alg rsa-v1_5-sha256: %v", err)
	}
	cav := signedRequest(t, mustPrivate(t, cavagePrivatePEM), "https://herd.example/inbox", []byte(`{}`), t0)
	if _, err := Verify(context.Background(), cav, t0, lookup); !errors.Is(err, ErrInvalidSignature) {
		t.Errorf("draft-cavage signature checked with an Ed25519 key: %v", err)
	}
}
