package httpsig

import (
	"context"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestSignHeaders(t *testing.T) {
	key, _ := testKeys(t)
	body := []byte(`{"type":"Follow"}`)
	tests := []struct {
		name, target string
		body         []byte
		headers      string
	}{
		{"GET", "https://herd.example/users/bob?page=true&min_id=5", nil, "(request-target) host date accept"},
		{"POST", "https://herd.example/inbox", body, "(request-target) host date digest content-type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := signedRequest(t, key, tt.target, tt.body, t0)
			sig := r.Header.Get("Signature")
			for _, want := range []string{`keyId="` + actorKey + `"`, `algorithm="rsa-sha256"`, `headers="` + tt.headers + `"`} {
				if !strings.Contains(sig, want) {
					t.Errorf("Signature %q lacks %s", sig, want)
				}
			}
			if got := r.Header.Get("Date"); got != "Sun, 01 Mar 2026 12:00:00 GMT" {
				t.Errorf("Date %q", got)
			}
			if tt.body == nil {
				if r.Header.Get("Digest") != "" || r.Header.Get("Accept") != FetchAccept {
					t.Errorf("GET headers %v", r.Header)
				}
				return
			}
			sum := sha256.Sum256(tt.body)
			if got, want := r.Header.Get("Digest"), "SHA-256="+base64.StdEncoding.EncodeToString(sum[:]); got != want {
				t.Errorf("Digest %q, want %q", got, want)
			}
			if r.Header.Get("Content-Type") != ActivityContentType {
				t.Errorf("Content-Type %q", r.Header.Get("Content-Type"))
			}
		})
	}
}

func TestSignVerifyRoundTrip(t *testing.T) {
	key, _ := testKeys(t)
	tests := []struct {
		name, target string
		body         []byte
	}{
		{"GET with query", "https://herd.example/users/bob/outbox?page=true&max_id=110", nil},
		{"GET with escaped path", "https://herd.example/tags/caf%C3%A9?q=a%20b", nil},
		{"POST with body", "https://herd.example/users/bob/inbox", []byte(`{"type":"Create","id":"x"}`)},
		{"POST empty body", "https://herd.example/inbox", []byte{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := signedRequest(t, key, tt.target, tt.body, t0)
			keyID, err := Verify(context.Background(), r, t0.Add(30*time.Second), fixed(&key.PublicKey))
			if err != nil || keyID != actorKey {
				t.Fatalf("Verify: %q, %v", keyID, err)
			}
		})
	}
}

func TestVerifyAccepts(t *testing.T) {
	key, _ := testKeys(t)
	body := []byte(`{"type":"Like"}`)
	unix := func(d time.Duration) string { return strconv.FormatInt(t0.Add(d).Unix(), 10) }
	tests := []struct {
		name  string
		build func(t *testing.T) Request
	}{
		{"date 64 minutes old", func(t *testing.T) Request {
			return signedRequest(t, key, "https://herd.example/inbox", body, t0.Add(-64*time.Minute))
		}},
		{"date 59 minutes ahead", func(t *testing.T) Request {
			return signedRequest(t, key, "https://herd.example/inbox", body, t0.Add(59*time.Minute))
		}},
		{"request-target without the query (older Mastodon)", func(t *testing.T) Request {
			r := plainRequest("GET", "/users/bob/outbox", "page=true", nil, t0)
			signDraft(t, key, &r, draft{algorithm: "rsa-sha256", headers: "(request-target) host date accept"})
			return r
		}},
		{"hs2019 without algorithm, spaces, old prefix", func(t *testing.T) Request {
			r := plainRequest("POST", "/inbox", "", body, t0)
			signDraft(t, key, &r, draft{headers: "(request-target) host date digest", withQuery: true})
			r.Header.Set("Signature", "Signature "+strings.ReplaceAll(r.Header.Get("Signature"), ",", " ,\t "))
			return r
		}},
		{"hs2019 (created) 30 minutes ahead", func(t *testing.T) Request {
			r := plainRequest("POST", "/inbox", "", body, t0)
			signDraft(t, key, &r, draft{algorithm: "hs2019", headers: "(request-target) (created) host digest", created: unix(30 * time.Minute)})
			return r
		}},
		{"signed (expires) extends the window", func(t *testing.T) Request {
			r := plainRequest("POST", "/inbox", "", body, t0)
			signDraft(t, key, &r, draft{algorithm: "hs2019", headers: "(request-target) (created) (expires) digest",
				created: unix(-3 * time.Hour), expires: unix(time.Hour)})
			return r
		}},
		{"RFC 9421 GET", func(t *testing.T) Request {
			r := plainRequest("GET", "/users/bob", "x=1", nil, t0)
			sign9421(t, key, &r, `"@method" "@target-uri"`, `;created=`+unix(0)+`;keyid="`+actorKey+`"`)
			return r
		}},
		{"RFC 9421 POST", func(t *testing.T) Request {
			r := plainRequest("POST", "/inbox", "", body, t0.Add(-time.Hour))
			sign9421(t, key, &r, `"@method" "@target-uri" "content-digest" "date"`, `;created=`+unix(-time.Hour)+`;expires=`+unix(time.Hour)+`;keyid="`+actorKey+`";alg="rsa-v1_5-sha256"`)
			return r
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			keyID, err := Verify(context.Background(), tt.build(t), t0, fixed(&key.PublicKey))
			if err != nil || keyID != actorKey {
				t.Fatalf("Verify: %q, %v", keyID, err)
			}
		})
	}
}

type rejection struct {
	name  string
	build func(t *testing.T) Request
	want  error
}

// cavageFixture is what the draft-cavage rejection tests build on.
type cavageFixture struct {
	key, other *rsa.PrivateKey
	body       []byte
}

func newCavageFixture(t *testing.T) cavageFixture {
	key, other := testKeys(t)
	return cavageFixture{key: key, other: other, body: []byte(`{"type":"Delete"}`)}
}

// post is a delivery signed by Sign at the given time.
func (f cavageFixture) post(t *testing.T, at time.Time) Request {
	return signedRequest(t, f.key, "https://herd.example/inbox", f.body, at)
}

// unixAt is t0+d as a Unix-time parameter.
func unixAt(d time.Duration) string { return strconv.FormatInt(t0.Add(d).Unix(), 10) }

// TestVerifyRejectsCavageWindow covers the time window and the dating of signatures.
func TestVerifyRejectsCavageWindow(t *testing.T) {
	f := newCavageFixture(t)
	runRejections(t, f.key, []rejection{
		{"unsigned", func(t *testing.T) Request { return plainRequest("GET", "/users/bob", "", nil, t0) }, ErrMissingSignature},
		{"expired (66 minutes old)", func(t *testing.T) Request { return f.post(t, t0.Add(-66*time.Minute)) }, ErrExpired},
		{"future (61 minutes ahead)", func(t *testing.T) Request { return f.post(t, t0.Add(61*time.Minute)) }, ErrNotYetValid},
		{"unsigned expires is ignored", func(t *testing.T) Request {
			r := f.post(t, t0.Add(-2*time.Hour))
			r.Header.Set("Signature", r.Header.Get("Signature")+",expires="+unixAt(time.Hour))
			return r
		}, ErrExpired},
		{"expires capped at created+12h", func(t *testing.T) Request {
			r := plainRequest("POST", "/inbox", "", f.body, t0)
			signDraft(t, f.key, &r, draft{algorithm: "hs2019", headers: "(request-target) (created) (expires) digest",
				created: unixAt(-14 * time.Hour), expires: unixAt(6 * time.Hour)})
			return r
		}, ErrExpired},
		{"invalid Date", func(t *testing.T) Request {
			r := f.post(t, t0)
			r.Header.Set("Date", "yesterday")
			return r
		}, ErrMalformedSignature},
	})
}

// TestVerifyRejectsCavageRules covers the covered headers, the algorithm and the syntax.
func TestVerifyRejectsCavageRules(t *testing.T) {
	f := newCavageFixture(t)
	runRejections(t, f.key, []rejection{
		{"POST without digest signed", func(t *testing.T) Request {
			r := plainRequest("POST", "/inbox", "", f.body, t0)
			signDraft(t, f.key, &r, draft{algorithm: "rsa-sha256", headers: "(request-target) host date", withQuery: true})
			return r
		}, ErrMissingComponent},
		{"GET without host signed", func(t *testing.T) Request {
			r := plainRequest("GET", "/users/bob", "", nil, t0)
			signDraft(t, f.key, &r, draft{algorithm: "rsa-sha256", headers: "(request-target) date accept"})
			return r
		}, ErrMissingComponent},
		{"neither date nor (created) signed", func(t *testing.T) Request {
			r := plainRequest("POST", "/inbox", "", f.body, t0)
			signDraft(t, f.key, &r, draft{algorithm: "rsa-sha256", headers: "(request-target) host digest"})
			return r
		}, ErrMissingComponent},
		{"neither (request-target) nor digest signed", func(t *testing.T) Request {
			r := plainRequest("GET", "/users/bob", "", nil, t0)
			signDraft(t, f.key, &r, draft{algorithm: "rsa-sha256", headers: "host date accept"})
			return r
		}, ErrMissingComponent},
		{"unsupported algorithm rsa-sha512", func(t *testing.T) Request {
			r := f.post(t, t0)
			r.Header.Set("Signature", strings.Replace(r.Header.Get("Signature"), "rsa-sha256", "rsa-sha512", 1))
			return r
		}, ErrUnsupportedAlgorithm},
		{"unsupported algorithm ed25519", func(t *testing.T) Request {
			r := f.post(t, t0)
			r.Header.Set("Signature", strings.Replace(r.Header.Get("Signature"), "rsa-sha256", "ed25519", 1))
			return r
		}, ErrUnsupportedAlgorithm},
		{"(created) with rsa-sha256", func(t *testing.T) Request {
			r := plainRequest("POST", "/inbox", "", f.body, t0)
			signDraft(t, f.key, &r, draft{algorithm: "rsa-sha256", headers: "(request-target) (created) digest", created: unixAt(0)})
			return r
		}, ErrMalformedSignature},
		{"no keyId", func(t *testing.T) Request {
			r := f.post(t, t0)
			r.Header.Set("Signature", strings.Replace(r.Header.Get("Signature"), "keyId=", "kid=", 1))
			return r
		}, ErrMalformedSignature},
		{"unparsable header", func(t *testing.T) Request {
			r := f.post(t, t0)
			r.Header.Set("Signature", `keyId="a",signature="b`)
			return r
		}, ErrMalformedSignature},
		{"oversized header", func(t *testing.T) Request {
			r := f.post(t, t0)
			r.Header.Set("Signature", r.Header.Get("Signature")+`,x="`+strings.Repeat("a", maxSignatureHeader)+`"`)
			return r
		}, ErrMalformedSignature},
	})
}

// TestVerifyRejectsCavageIntegrity covers the body digest and the signature itself.
func TestVerifyRejectsCavageIntegrity(t *testing.T) {
	f := newCavageFixture(t)
	runRejections(t, f.key, []rejection{
		{"digest mismatch", func(t *testing.T) Request {
			r := f.post(t, t0)
			r.Header.Set("Digest", "SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=")
			return r
		}, ErrBadDigest},
		{"Digest without SHA-256", func(t *testing.T) Request {
			r := plainRequest("POST", "/inbox", "", f.body, t0)
			r.Header.Set("Digest", "SHA-512=abc")
			signDraft(t, f.key, &r, draft{algorithm: "rsa-sha256", headers: "(request-target) host date digest"})
			return r
		}, ErrBadDigest},
		{"Digest header missing", func(t *testing.T) Request {
			r := f.post(t, t0)
			r.Header.Del("Digest")
			return r
		}, ErrBadDigest},
		{"tampered body", func(t *testing.T) Request {
			r := f.post(t, t0)
			r.Body = []byte(`{"type":"Delete","object":"everything"}`)
			return r
		}, ErrBadDigest},
		{"tampered body with a fresh Digest", func(t *testing.T) Request {
			r := f.post(t, t0)
			r.Body = []byte(`{"type":"Undo"}`)
			sum := sha256.Sum256(r.Body)
			r.Header.Set("Digest", "SHA-256="+base64.StdEncoding.EncodeToString(sum[:]))
			return r
		}, ErrInvalidSignature},
		{"tampered path", func(t *testing.T) Request {
			r := f.post(t, t0)
			r.Path = "/users/bob/inbox"
			return r
		}, ErrInvalidSignature},
		{"signed by another key", func(t *testing.T) Request {
			return signedRequest(t, f.other, "https://herd.example/inbox", f.body, t0)
		}, ErrInvalidSignature},
	})
}

func TestVerifyRejects9421(t *testing.T) {
	key, _ := testKeys(t)
	body := []byte(`{"type":"Announce"}`)
	unix := func(d time.Duration) string { return strconv.FormatInt(t0.Add(d).Unix(), 10) }
	params := func(d time.Duration) string { return `;created=` + unix(d) + `;keyid="` + actorKey + `"` }
	const full = `"@method" "@target-uri" "content-digest"`
	post := func(t *testing.T, components, ps string) Request {
		r := plainRequest("POST", "/inbox", "", body, t0)
		sign9421(t, key, &r, components, ps)
		return r
	}
	runRejections(t, key, []rejection{
		{"two signatures", func(t *testing.T) Request {
			r := post(t, full, params(0))
			r.Header.Set("Signature-Input", r.Header.Get("Signature-Input")+`, sig2=("@method");created=1;keyid="x"`)
			r.Header.Set("Signature", r.Header.Get("Signature")+`, sig2=:AAAA:`)
			return r
		}, ErrMalformedSignature},
		{"no created", func(t *testing.T) Request { return post(t, full, `;keyid="`+actorKey+`"`) }, ErrMalformedSignature},
		{"no keyid", func(t *testing.T) Request { return post(t, full, `;created=`+unix(0)) }, ErrMalformedSignature},
		{"alg rsa-pss-sha512", func(t *testing.T) Request { return post(t, full, params(0)+`;alg="rsa-pss-sha512"`) }, ErrUnsupportedAlgorithm},
		{"no @target-uri", func(t *testing.T) Request { return post(t, `"@method" "content-digest"`, params(0)) }, ErrMissingComponent},
		{"POST without content-digest", func(t *testing.T) Request { return post(t, `"@method" "@target-uri"`, params(0)) }, ErrMissingComponent},
		{"expired", func(t *testing.T) Request { return post(t, full, params(-66*time.Minute)) }, ErrExpired},
		{"future", func(t *testing.T) Request { return post(t, full, params(61*time.Minute)) }, ErrNotYetValid},
		{"content-digest mismatch", func(t *testing.T) Request {
			r := post(t, full, params(0))
			r.Body = []byte(`{}`)
			return r
		}, ErrBadDigest},
		{"content-digest without sha-256", func(t *testing.T) Request {
			r := plainRequest("POST", "/inbox", "", body, t0)
			r.Header.Set("Content-Digest", "sha-512=:AAAA:")
			sign9421(t, key, &r, full, params(0))
			return r
		}, ErrBadDigest},
		{"tampered body with a fresh Content-Digest", func(t *testing.T) Request {
			r := post(t, full, params(0))
			r.Body = []byte(`{}`)
			sum := sha256.Sum256(r.Body)
			r.Header.Set("Content-Digest", "sha-256=:"+base64.StdEncoding.EncodeToString(sum[:])+":")
			return r
		}, ErrInvalidSignature},
		{"covered header absent", func(t *testing.T) Request {
			r := plainRequest("POST", "/inbox", "", body, t0)
			r.Header.Set("X-Extra", "1")
			sign9421(t, key, &r, full+` "x-extra"`, params(0))
			r.Header.Del("X-Extra")
			return r
		}, ErrMalformedSignature},
		{"input is not a dictionary", func(t *testing.T) Request {
			r := post(t, full, params(0))
			r.Header.Set("Signature-Input", "((")
			return r
		}, ErrMalformedSignature},
	})
}

// runRejections verifies each case at t0 and checks the error. Only a signature that
// passed every rule may cost a key lookup.
func runRejections(t *testing.T, key *rsa.PrivateKey, cases []rejection) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			ring := &keyring{cached: &key.PublicKey, fresh: &key.PublicKey}
			_, err := Verify(context.Background(), tt.build(t), t0, ring.lookup)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Verify: %v, want %v", err, tt.want)
			}
			if tt.want != ErrInvalidSignature && len(ring.calls) != 0 {
				t.Errorf("key looked up %d times for a request that broke a rule", len(ring.calls))
			}
		})
	}
}
