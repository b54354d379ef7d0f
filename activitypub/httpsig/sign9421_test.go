package httpsig

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/http/httpguts"
)

// signed9421 signs a request to target with Sign9421 and views it as the verifier
// would. body nil makes a GET.
func signed9421(t *testing.T, target string, body []byte) (*http.Request, Request) {
	t.Helper()
	key, _ := testKeys(t)
	method := http.MethodGet
	if body != nil {
		method = http.MethodPost
	}
	req, err := http.NewRequest(method, target, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := Sign9421(req, body, actorKey, key, t0); err != nil {
		t.Fatal(err)
	}
	r := FromNetHTTP(req, body)
	r.Header.Set("Host", r.Host)
	return req, r
}

func TestSign9421Headers(t *testing.T) {
	body := []byte(`{"type":"Follow"}`)
	req, _ := signed9421(t, "https://herd.example/users/bob/inbox", body)
	created := itoa(t0.Unix())
	want := `sig1=("@method" "@target-uri" "content-digest");created=` + created + `;keyid="` + actorKey + `";alg="rsa-v1_5-sha256"`
	if got := req.Header.Get("Signature-Input"); got != want {
		t.Errorf("Signature-Input\n got %s\nwant %s", got, want)
	}
	sum := sha256.Sum256(body)
	if got, want := req.Header.Get("Content-Digest"), "sha-256=:"+base64.StdEncoding.EncodeToString(sum[:])+":"; got != want {
		t.Errorf("Content-Digest %q, want %q", got, want)
	}
	if sig := req.Header.Get("Signature"); !strings.HasPrefix(sig, "sig1=:") || !strings.HasSuffix(sig, ":") {
		t.Errorf("Signature %q is not a sig1 byte sequence", sig)
	}
	get, _ := signed9421(t, "https://herd.example/users/bob", nil)
	if got := get.Header.Get("Signature-Input"); !strings.HasPrefix(got, `sig1=("@method" "@target-uri");`) {
		t.Errorf("GET Signature-Input %q", got)
	}
	if get.Header.Get("Content-Digest") != "" || get.Header.Get("Accept") != FetchAccept {
		t.Errorf("GET headers %v", get.Header)
	}
}

func TestSign9421VerifyRoundTrip(t *testing.T) {
	key, _ := testKeys(t)
	tests := []struct {
		name, target string
		body         []byte
	}{
		{"GET with query", "https://herd.example/users/bob/outbox?page=true&max_id=110", nil},
		{"GET with escaped path", "https://herd.example/tags/caf%C3%A9?q=a%20b", nil},
		{"GET on a port, over http", "http://herd.localhost:8080/users/bob", nil},
		{"GET with the default port", "https://herd.example:443/users/bob", nil},
		{"POST with body", "https://herd.example/users/bob/inbox", []byte(`{"type":"Create","id":"x"}`)},
		{"POST empty body", "https://herd.example/inbox", []byte{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, r := signed9421(t, tt.target, tt.body)
			keyID, err := Verify(context.Background(), r, t0.Add(30*time.Second), fixed(&key.PublicKey))
			if err != nil || keyID != actorKey {
				t.Fatalf("Verify: %q, %v", keyID, err)
			}
		})
	}
}

// TestSign9421Tampered changes each covered component after signing: every change
// must be refused.
func TestSign9421Tampered(t *testing.T) {
	key, _ := testKeys(t)
	body := []byte(`{"type":"Create","id":"x"}`)
	tests := []struct {
		name   string
		tamper func(r *Request)
		want   error
	}{
		{"method", func(r *Request) { r.Method = http.MethodPut }, ErrInvalidSignature},
		{"path", func(r *Request) { r.Path = "/users/eve/inbox" }, ErrInvalidSignature},
		{"query", func(r *Request) { r.Query = "a=1" }, ErrInvalidSignature},
		{"authority", func(r *Request) { r.Host = "evil.example"; r.Header.Set("Host", "evil.example") }, ErrInvalidSignature},
		{"scheme", func(r *Request) { r.Scheme = "http" }, ErrInvalidSignature},
		{"body", func(r *Request) { r.Body = []byte(`{"type":"Delete","id":"x"}`) }, ErrBadDigest},
		{"digest and body", func(r *Request) {
			r.Body = []byte(`{}`)
			sum := sha256.Sum256(r.Body)
			r.Header.Set("Content-Digest", "sha-256=:"+base64.StdEncoding.EncodeToString(sum[:])+":")
		}, ErrInvalidSignature},
		{"keyid", func(r *Request) {
			r.Header.Set("Signature-Input", strings.Replace(r.Header.Get("Signature-Input"), "alice", "mallory", 1))
		}, ErrInvalidSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, r := signed9421(t, "https://herd.example/users/bob/inbox", body)
			tt.tamper(&r)
			_, err := Verify(context.Background(), r, t0, fixed(&key.PublicKey))
			if !errors.Is(err, tt.want) {
				t.Fatalf("Verify after changing the %s: %v, want %v", tt.name, err, tt.want)
			}
		})
	}
}

// TestSignSchemesReplace signs one request with each scheme in turn, as a second
// knock does: each signing leaves only its own headers.
func TestSignSchemesReplace(t *testing.T) {
	key, _ := testKeys(t)
	body := []byte(`{"type":"Like"}`)
	req, err := http.NewRequest(http.MethodPost, "https://herd.example/inbox", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []Scheme{RFC9421, Cavage, RFC9421} {
		if err := SignWith(s, req, body, actorKey, key, t0); err != nil {
			t.Fatal(err)
		}
		if got := SchemeOf(req.Header); got != s {
			t.Fatalf("signed with %s, SchemeOf says %s", s, got)
		}
		r := FromNetHTTP(req, body)
		if _, err := Verify(context.Background(), r, t0, fixed(&key.PublicKey)); err != nil {
			t.Fatalf("%s after another scheme: %v", s, err)
		}
	}
	if req.Header.Get("Digest") != "" {
		t.Errorf("RFC 9421 signing kept the Digest of the cavage one")
	}
}

// FuzzSign9421RoundTrip signs requests to fuzzed URLs with Sign9421: whatever it
// accepts to sign, Verify must accept as sent (the signer and the verifier build the
// same base).
func FuzzSign9421RoundTrip(f *testing.F) {
	key, _ := testKeys(f)
	f.Add("https://herd.example/users/bob/inbox", []byte(`{"a":1}`), true)
	f.Add("http://HERD.localhost:8080/tags/caf%C3%A9?q=a%20b&x", []byte(nil), false)
	f.Add("https://bücher.example:443/a;b/c?", []byte{}, true)
	f.Fuzz(func(t *testing.T, target string, body []byte, post bool) {
		method := http.MethodGet
		if post {
			method = http.MethodPost
		} else {
			body = nil
		}
		req, err := http.NewRequest(method, target, nil)
		if err != nil || (req.URL.Scheme != "https" && req.URL.Scheme != "http") {
			return
		}
		if err := Sign9421(req, body, actorKey, key, t0); err != nil {
			return // a host that cannot go on the wire
		}
		r := FromNetHTTP(req, body)
		// As on the wire: net/http sends the host in punycode.
		r.Host, _ = httpguts.PunycodeHostPort(r.Host)
		r.Header.Set("Host", r.Host)
		if _, err := Verify(context.Background(), r, t0, fixed(&key.PublicKey)); err != nil {
			t.Fatalf("%s %s signed, then refused: %v\nSignature-Input: %s", method, target, err, req.Header.Get("Signature-Input"))
		}
	})
}
