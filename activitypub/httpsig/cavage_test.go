package httpsig

import (
	"context"
	"crypto"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

// cavageRequest is the request of draft-cavage appendix C, signed with sig over
// headers ("" leaves the headers parameter out).
func cavageRequest(headers, sig string) Request {
	h := http.Header{}
	h.Set("Host", "example.com")
	h.Set("Date", cavageDate)
	h.Set("Content-Type", "application/json")
	h.Set("Digest", cavageDigest)
	h.Set("Content-Length", "18")
	v := `keyId="Test",algorithm="rsa-sha256",`
	if headers != "" {
		v += `headers="` + headers + `",`
	}
	h.Set("Signature", v+`signature="`+sig+`"`)
	return Request{Method: "POST", Path: "/foo", Query: "param=value&pet=dog", Host: "example.com", Header: h, Body: []byte(cavageBody)}
}

var appendixC = []struct {
	name, headers, sig string
}{
	{"C.1 Default Test", "", cavageDefaultSig},
	{"C.2 Basic Test", "(request-target) host date", cavageBasicSig},
	{"C.3 All Headers Test", "(request-target) host date content-type digest content-length", cavageAllHeadersSig},
}

// TestCavageAppendixCVerify checks the published signatures against both ways of
// rebuilding the signing string: go-fed's verifier and the package's own builder.
func TestCavageAppendixCVerify(t *testing.T) {
	pub := mustPublic(t, cavagePublicPEM)
	for _, tt := range appendixC {
		t.Run(tt.name, func(t *testing.T) {
			r := cavageRequest(tt.headers, tt.sig)
			c, keyID, err := readCavage(&r)
			if err != nil || keyID != "Test" {
				t.Fatalf("readCavage: %q, %v", keyID, err)
			}
			for _, own := range []bool{false, true} {
				c.own = own
				if err := c.verify(pub); err != nil {
					t.Errorf("own=%t: %v", own, err)
				}
			}
			c.sig[0] ^= 1
			if err := c.verify(pub); err == nil {
				t.Error("a flipped signature bit verified")
			}
		})
	}
}

// TestCavageAppendixCSign reproduces the published signatures with the signer Sign
// drives (RSASSA-PKCS1-v1_5 is deterministic).
func TestCavageAppendixCSign(t *testing.T) {
	priv := mustPrivate(t, cavagePrivatePEM)
	for _, tt := range appendixC {
		t.Run(tt.name, func(t *testing.T) {
			headers := strings.Fields(tt.headers)
			var body []byte
			if strings.Contains(tt.headers, "digest") {
				body = []byte(cavageBody)
			}
			req, err := http.NewRequest("POST", "http://example.com/foo?param=value&pet=dog", nil)
			if err != nil {
				t.Fatal(err)
			}
			r := cavageRequest("", "")
			req.Header = r.Header
			sig, digest, err := goFedSign(req, "example.com", body, headers, "Test", priv)
			if err != nil {
				t.Fatal(err)
			}
			if len(headers) == 0 {
				headers = []string{"date"}
			}
			want := `keyId="Test",algorithm="rsa-sha256",headers="` + strings.Join(headers, " ") + `",signature="` + tt.sig + `"`
			if sig != want {
				t.Errorf("signature\n got %s\nwant %s", sig, want)
			}
			if body != nil && digest != cavageDigest {
				t.Errorf("digest %q, want %q", digest, cavageDigest)
			}
		})
	}
}

// TestCavageAppendixCSigningString checks the own builder against the signing
// string the draft prints for the All Headers Test.
func TestCavageAppendixCSigningString(t *testing.T) {
	r := cavageRequest(appendixC[2].headers, appendixC[2].sig)
	c, _, err := readCavage(&r)
	if err != nil {
		t.Fatal(err)
	}
	want := "(request-target): post /foo?param=value&pet=dog\n" +
		"host: example.com\n" +
		"date: Sun, 05 Jan 2014 21:31:40 GMT\n" +
		"content-type: application/json\n" +
		"digest: SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=\n" +
		"content-length: 18"
	if got := c.signingString(true); got != want {
		t.Errorf("signing string\n got %q\nwant %q", got, want)
	}
}

// TestCavageAppendixCPolicy runs the appendix requests through Verify at their
// date: only the All Headers Test covers what Mastodon requires of a POST.
func TestCavageAppendixCPolicy(t *testing.T) {
	pub := mustPublic(t, cavagePublicPEM)
	now, _ := http.ParseTime(cavageDate)
	lookup := func(context.Context, string, bool) (crypto.PublicKey, error) { return pub, nil }
	want := []error{ErrMissingComponent, ErrMissingComponent, nil}
	for i, tt := range appendixC {
		t.Run(tt.name, func(t *testing.T) {
			keyID, err := Verify(context.Background(), cavageRequest(tt.headers, tt.sig), now.Add(time.Minute), lookup)
			if !errors.Is(err, want[i]) || (err == nil) != (want[i] == nil) {
				t.Fatalf("Verify: %v, want %v", err, want[i])
			}
			if keyID != "Test" {
				t.Errorf("keyID %q", keyID)
			}
		})
	}
}
