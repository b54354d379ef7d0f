package httpsig

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"time"

	"github.com/dunglas/httpsfv"
	"golang.org/x/net/http/httpguts"
)

// Scheme is a way of signing a request: the draft-cavage Signature header, or RFC
// 9421's Signature-Input and Signature.
type Scheme uint8

const (
	// Cavage is draft-cavage-http-signatures-12 with rsa-sha256 ([Sign]).
	Cavage Scheme = iota + 1
	// RFC9421 is an RFC 9421 HTTP Message Signature with rsa-v1_5-sha256 ([Sign9421]).
	RFC9421
)

// String names the scheme in logs.
func (s Scheme) String() string {
	switch s {
	case Cavage:
		return "draft-cavage"
	case RFC9421:
		return "rfc9421"
	}
	return "none"
}

// Other is the scheme to fall back to when s was refused.
func (s Scheme) Other() Scheme {
	if s == RFC9421 {
		return Cavage
	}
	return RFC9421
}

// SchemeOf tells how a request was signed, from its headers: RFC9421 when it carries
// Signature-Input, Cavage when it carries only Signature, zero when it is unsigned.
func SchemeOf(h http.Header) Scheme {
	switch {
	case h.Get("Signature-Input") != "":
		return RFC9421
	case h.Get("Signature") != "":
		return Cavage
	}
	return 0
}

// SignWith signs req with the given scheme ([Sign] or [Sign9421]).
func SignWith(scheme Scheme, req *http.Request, body []byte, keyID string, key *rsa.PrivateKey, now time.Time) error {
	if scheme == RFC9421 {
		return Sign9421(req, body, keyID, key, now)
	}
	return Sign(req, body, keyID, key, now)
}

// label9421 is the label of the signature Sign9421 writes.
const label9421 = "sig1"

// Sign9421 signs an outgoing request with an RFC 9421 HTTP Message Signature that
// Mastodon's verifier accepts: label sig1, algorithm rsa-v1_5-sha256, parameters
// created, keyid and alg, covering "@method" "@target-uri" and, when there is a body
// (always on POST), "content-digest", with Content-Digest: sha-256=:<base64>: (RFC
// 9530). Like [Sign] it sets Date, and a default Content-Type on a body or Accept
// without one; it removes the draft-cavage Signature and Digest a previous signing
// left. @target-uri is the URL as sent: scheme, punycode authority without a default
// port, raw path and query. body must be the exact bytes sent.
func Sign9421(req *http.Request, body []byte, keyID string, key *rsa.PrivateKey, now time.Time) error {
	r, components, err := prepare9421(req, body, keyID, key, now)
	if err != nil {
		return err
	}
	params := httpsfv.NewParams()
	params.Add("created", now.Unix())
	params.Add("keyid", keyID)
	params.Add("alg", alg9421)
	input := httpsfv.InnerList{Params: params}
	for _, c := range components {
		input.Items = append(input.Items, httpsfv.NewItem(c))
	}
	base, err := signatureBase(r, input, components)
	if err != nil {
		return fmt.Errorf("httpsig: sign %s %s: %w", req.Method, req.URL.Redacted(), err)
	}
	sum := sha256.Sum256(base)
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		return fmt.Errorf("httpsig: sign %s %s: %w", req.Method, req.URL.Redacted(), err)
	}
	inputs, sigs := httpsfv.NewDictionary(), httpsfv.NewDictionary()
	inputs.Add(label9421, input)
	sigs.Add(label9421, httpsfv.NewItem(sig))
	in, err := httpsfv.Marshal(inputs)
	if err != nil {
		return fmt.Errorf("httpsig: serialize Signature-Input: %w", err)
	}
	out, err := httpsfv.Marshal(sigs)
	if err != nil {
		return fmt.Errorf("httpsig: serialize Signature: %w", err)
	}
	req.Header.Set("Signature-Input", in)
	req.Header.Set("Signature", out)
	return nil
}

// prepare9421 checks the arguments of Sign9421, sets the headers it covers or
// defaults, and returns the verifier's view of the request with the components to
// cover.
func prepare9421(req *http.Request, body []byte, keyID string, key *rsa.PrivateKey, now time.Time) (*Request, []string, error) {
	if req == nil || req.URL == nil {
		return nil, nil, fmt.Errorf("httpsig: sign: request without URL")
	}
	if key == nil {
		return nil, nil, fmt.Errorf("%w: sign with nil private key", ErrInvalidKey)
	}
	if err := checkKeyID(keyID); err != nil {
		return nil, nil, fmt.Errorf("httpsig: sign: %w", err)
	}
	host := req.Host
	if host == "" {
		host = req.URL.Host
	}
	host, err := httpguts.PunycodeHostPort(host)
	if err != nil || host == "" {
		return nil, nil, fmt.Errorf("httpsig: sign: bad host %q", req.URL.Host)
	}
	if req.Header == nil {
		req.Header = make(http.Header)
	}
	if req.Method == http.MethodPost && body == nil {
		body = []byte{}
	}
	req.Header.Del("Digest")
	req.Header.Set("Date", now.UTC().Format(http.TimeFormat))
	components := []string{"@method", "@target-uri"}
	if body != nil {
		if req.Header.Get("Content-Type") == "" {
			req.Header.Set("Content-Type", ActivityContentType)
		}
		req.Header.Set("Content-Digest", "sha-256=:"+base64.StdEncoding.EncodeToString(bodyDigest(body))+":")
		components = append(components, "content-digest")
	} else if req.Header.Get("Accept") == "" {
		req.Header.Set("Accept", FetchAccept)
	}
	path, query := splitTarget(req.URL.RequestURI())
	r := &Request{Method: req.Method, Path: path, Query: query, Host: host, Scheme: req.URL.Scheme,
		Header: req.Header, Body: body}
	return r, components, nil
}
