package httpsig

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dunglas/httpsfv"
)

const actorKey = "https://remote.example/users/alice#main-key"

// t0 is the fixed clock of the tests.
var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// signedRequest signs a request to target with Sign and views it as the verifier
// would (through FromNetHTTP). body nil makes a GET.
func signedRequest(tb testing.TB, key *rsa.PrivateKey, target string, body []byte, at time.Time) Request {
	tb.Helper()
	method := http.MethodGet
	if body != nil {
		method = http.MethodPost
	}
	req, err := http.NewRequest(method, target, nil)
	if err != nil {
		tb.Fatal(err)
	}
	if err := Sign(req, body, actorKey, key, at); err != nil {
		tb.Fatal(err)
	}
	return FromNetHTTP(req, body)
}

// draft describes a draft-cavage signature made by hand, independently of the
// package's signing path, to craft requests Sign would never make.
type draft struct {
	algorithm string // "" leaves the parameter out
	headers   string // covered headers; "" leaves the parameter out
	created   string
	expires   string
	withQuery bool
}

// signDraft signs r with d, building the signing string line by line.
func signDraft(tb testing.TB, key *rsa.PrivateKey, r *Request, d draft) {
	tb.Helper()
	names := strings.Fields(d.headers)
	lines := make([]string, len(names))
	for i, n := range names {
		switch n {
		case "(request-target)":
			target := r.Path
			if d.withQuery && r.Query != "" {
				target += "?" + r.Query
			}
			lines[i] = n + ": " + strings.ToLower(r.Method) + " " + target
		case "(created)":
			lines[i] = n + ": " + d.created
		case "(expires)":
			lines[i] = n + ": " + d.expires
		default:
			lines[i] = n + ": " + r.Header.Get(n)
		}
	}
	sum := sha256.Sum256([]byte(strings.Join(lines, "\n")))
	sig, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, sum[:])
	if err != nil {
		tb.Fatal(err)
	}
	v := `keyId="` + actorKey + `"`
	if d.algorithm != "" {
		v += `,algorithm="` + d.algorithm + `"`
	}
	if d.created != "" {
		v += ",created=" + d.created
	}
	if d.expires != "" {
		v += ",expires=" + d.expires
	}
	if d.headers != "" {
		v += `,headers="` + d.headers + `"`
	}
	r.Header.Set("Signature", v+`,signature="`+base64.StdEncoding.EncodeToString(sig)+`"`)
}

// plainRequest is an unsigned request with Host and Date set, and on POST a body
// with its Digest and Content-Digest.
func plainRequest(method, path, query string, body []byte, date time.Time) Request {
	h := http.Header{}
	h.Set("Host", "herd.example")
	h.Set("Date", date.UTC().Format(http.TimeFormat))
	h.Set("Accept", FetchAccept)
	if body != nil {
		sum := sha256.Sum256(body)
		h.Set("Content-Type", ActivityContentType)
		h.Set("Digest", "SHA-256="+base64.StdEncoding.EncodeToString(sum[:]))
		h.Set("Content-Digest", "sha-256=:"+base64.StdEncoding.EncodeToString(sum[:])+":")
	}
	return Request{Method: method, Path: path, Query: query, Host: "herd.example", Header: h, Body: body}
}

// sign9421 signs r with an RFC 9421 signature labelled sig1 whose input is
// components plus params (e.g. `;created=…;keyid="…"`).
func sign9421(tb testing.TB, key *rsa.PrivateKey, r *Request, components, params string) {
	tb.Helper()
	input := "sig1=(" + components + ")" + params
	d, err := httpsfv.UnmarshalDictionary([]string{input})
	if err != nil {
		tb.Fatal(err)
	}
	m, _ := d.Get("sig1")
	il := m.(httpsfv.InnerList)
	var names []string
	for _, it := range il.Items {
		names = append(names, it.Value.(string))
	}
	base, err := signatureBase(r, il, names)
	if err != nil {
		tb.Fatal(err)
	}
	sum := sha256.Sum256(base)
	sig, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, sum[:])
	if err != nil {
		tb.Fatal(err)
	}
	r.Header.Set("Signature-Input", input)
	r.Header.Set("Signature", "sig1=:"+base64.StdEncoding.EncodeToString(sig)+":")
}

// keyring is a KeyLookup that serves one key before a refresh and another after,
// and records its calls (Verify calls it from one goroutine).
type keyring struct {
	cached  *rsa.PublicKey
	fresh   *rsa.PublicKey
	err     error // returned by every call when set
	refresh error // returned by refresh calls when set
	calls   []bool
}

func (k *keyring) lookup(_ context.Context, keyID string, refresh bool) (crypto.PublicKey, error) {
	k.calls = append(k.calls, refresh)
	switch {
	case k.err != nil:
		return nil, k.err
	case refresh && k.refresh != nil:
		return nil, k.refresh
	case refresh:
		return k.fresh, nil
	}
	return k.cached, nil
}

func fixed(pub *rsa.PublicKey) KeyLookup {
	return func(context.Context, string, bool) (crypto.PublicKey, error) { return pub, nil }
}
