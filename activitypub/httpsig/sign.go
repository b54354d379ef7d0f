package httpsig

import (
	"crypto/rsa"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	gofed "github.com/go-fed/httpsig"
	"golang.org/x/net/http/httpguts"
)

// Header values Sign sets when the caller has not chosen them.
const (
	// ActivityContentType is the Content-Type of deliveries, as Mastodon sends them.
	ActivityContentType = "application/activity+json"
	// FetchAccept is the Accept header of signed fetches, as Mastodon sends it.
	FetchAccept = `application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"`
)

// maxKeyIDBytes bounds the keyId Sign writes and Verify accepts.
const maxKeyIDBytes = 2048

// Sign signs an outgoing request as Mastodon does (draft-cavage, algorithm
// "rsa-sha256"), with keyID "<actor>#main-key" and the actor's key. It sets Date to
// now as an http-date, and Signature. A POST (or any request with a non-nil body)
// also gets Digest: SHA-256=<base64 of body>, a default Content-Type of
// application/activity+json, and signs "(request-target) host date digest
// content-type"; other requests get a default Accept and sign "(request-target) host
// date accept". A Collection-Synchronization header, when present, is signed too.
// (request-target) includes the query string. body must be the exact bytes sent.
func Sign(req *http.Request, body []byte, keyID string, key *rsa.PrivateKey, now time.Time) error {
	if req == nil || req.URL == nil {
		return fmt.Errorf("httpsig: sign: request without URL")
	}
	if key == nil {
		return fmt.Errorf("%w: sign with nil private key", ErrInvalidKey)
	}
	if err := checkKeyID(keyID); err != nil {
		return fmt.Errorf("httpsig: sign: %w", err)
	}
	host := req.Host
	if host == "" {
		host = req.URL.Host
	}
	// net/http sends the host in punycode; sign what goes on the wire.
	host, err := httpguts.PunycodeHostPort(host)
	if err != nil || host == "" {
		return fmt.Errorf("httpsig: sign: bad host %q", req.URL.Host)
	}
	if req.Header == nil {
		req.Header = make(http.Header)
	}
	if req.Method == http.MethodPost && body == nil {
		body = []byte{}
	}
	// What an RFC 9421 signing of the same request left (a second knock).
	req.Header.Del("Signature-Input")
	req.Header.Del("Content-Digest")
	req.Header.Set("Date", now.UTC().Format(http.TimeFormat))
	headers := []string{gofed.RequestTarget, "host", "date"}
	if body != nil {
		if req.Header.Get("Content-Type") == "" {
			req.Header.Set("Content-Type", ActivityContentType)
		}
		headers = append(headers, "digest", "content-type")
	} else {
		if req.Header.Get("Accept") == "" {
			req.Header.Set("Accept", FetchAccept)
		}
		headers = append(headers, "accept")
	}
	if req.Header.Get("Collection-Synchronization") != "" {
		headers = append(headers, "collection-synchronization")
	}
	sig, digest, err := goFedSign(req, host, body, headers, keyID, key)
	if err != nil {
		return fmt.Errorf("httpsig: sign %s %s: %w", req.Method, req.URL.Redacted(), err)
	}
	req.Header.Set("Signature", sig)
	if digest != "" {
		req.Header.Set("Digest", digest)
	} else {
		req.Header.Del("Digest")
	}
	return nil
}

// goFedSign signs a copy of req with go-fed's signer: the copy carries the Host
// header and the raw (still escaped) path, which is what the peer verifies, while req
// itself is left for the caller to send. go-fed always writes algorithm="hs2019";
// Mastodon writes "rsa-sha256", and the parameter is not covered by the signature.
func goFedSign(req *http.Request, host string, body []byte, headers []string, keyID string, key *rsa.PrivateKey) (sig, digest string, err error) {
	path, query := splitTarget(req.URL.RequestURI())
	cp := req.WithContext(req.Context())
	cp.URL = &url.URL{Path: path, RawQuery: query}
	cp.Header = req.Header.Clone()
	cp.Header.Set("Host", host)
	cp.Header.Del("Signature")
	cp.Header.Del("Digest")
	signer, algo, err := gofed.NewSigner([]gofed.Algorithm{gofed.RSA_SHA256}, gofed.DigestSha256, headers, gofed.Signature, 0)
	if err != nil {
		return "", "", err
	}
	if algo != gofed.RSA_SHA256 {
		return "", "", fmt.Errorf("go-fed chose %s, not rsa-sha256", algo)
	}
	if err := signer.SignRequest(key, keyID, cp, body); err != nil {
		return "", "", err
	}
	sig = cp.Header.Get("Signature")
	const fedAlgo, ourAlgo = `algorithm="hs2019"`, `algorithm="rsa-sha256"`
	if !strings.Contains(sig, fedAlgo) {
		return "", "", fmt.Errorf("unexpected signature header from go-fed: %q", sig)
	}
	return strings.Replace(sig, fedAlgo, ourAlgo, 1), cp.Header.Get("Digest"), nil
}

// checkKeyID rejects keyIds that cannot sit inside a quoted parameter.
func checkKeyID(keyID string) error {
	if keyID == "" || len(keyID) > maxKeyIDBytes {
		return fmt.Errorf("keyId must be 1 to %d bytes", maxKeyIDBytes)
	}
	for i := 0; i < len(keyID); i++ {
		if c := keyID[i]; c < 0x20 || c == 0x7f || c == '"' || c == '\\' {
			return fmt.Errorf("keyId %q has a character that cannot be quoted", keyID)
		}
	}
	return nil
}
