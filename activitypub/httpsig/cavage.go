package httpsig

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/textproto"
	"net/url"
	"slices"
	"strings"
	"time"

	gofed "github.com/go-fed/httpsig"
)

// Draft-cavage algorithms Mastodon accepts. hs2019 is verified as RSASSA-PKCS1-v1_5
// with SHA-256 for RSA keys, as Mastodon does; a missing algorithm means hs2019.
const (
	algRSASHA256 = "rsa-sha256"
	algHS2019    = "hs2019"
)

const (
	pseudoCreated = "(created)"
	pseudoExpires = "(expires)"
)

// cavage is a parsed draft-cavage signature.
type cavage struct {
	r                *Request
	algorithm        string
	headers          []string // covered headers, lower case, in order
	created, expires string   // raw parameters; "" when absent
	sig              []byte
	// own is set when go-fed cannot rebuild the signing string faithfully: it checks
	// (created) and (expires) against the wall clock with 10 s of skew, and it reads
	// signature parameters from Authorization and Signature headers.
	own bool
	// fedHeader is the Signature header handed to go-fed: canonical, with only what it
	// needs.
	fedHeader string
}

// parseCavage parses the Signature header and applies Mastodon's rules in its order:
// required parameters, algorithm, time window, covered headers, body digest.
func parseCavage(r *Request, now time.Time) (*cavage, string, error) {
	c, keyID, err := readCavage(r)
	if err != nil {
		return nil, keyID, err
	}
	if err := c.checkWindow(now); err != nil {
		return nil, keyID, err
	}
	if err := c.checkCoverage(); err != nil {
		return nil, keyID, err
	}
	if slices.Contains(c.headers, "digest") {
		if err := checkDigest(r); err != nil {
			return nil, keyID, err
		}
	}
	return c, keyID, nil
}

// readCavage reads the signature parameters, with no policy but the algorithm.
func readCavage(r *Request) (*cavage, string, error) {
	raw, _, err := r.boundedHeader("Signature", maxSignatureHeader)
	if err != nil {
		return nil, "", fmt.Errorf("%w: %w", ErrMalformedSignature, err)
	}
	params, err := parseSignatureParams(raw)
	if err != nil {
		return nil, "", err
	}
	keyID := params["keyId"]
	if keyID == "" || params["signature"] == "" {
		return nil, "", fmt.Errorf("%w: keyId and signature are required", ErrMalformedSignature)
	}
	if err := checkKeyID(keyID); err != nil {
		return nil, "", fmt.Errorf("%w: %w", ErrMalformedSignature, err)
	}
	c := &cavage{r: r, algorithm: algHS2019, created: params["created"], expires: params["expires"]}
	if a, ok := params["algorithm"]; ok {
		c.algorithm = a
	}
	if c.algorithm != algRSASHA256 && c.algorithm != algHS2019 {
		return nil, keyID, fmt.Errorf("%w: %q (only rsa-sha256 and hs2019 are supported)", ErrUnsupportedAlgorithm, c.algorithm)
	}
	if err := c.setHeaders(params); err != nil {
		return nil, keyID, err
	}
	if c.sig, err = decodeSignature(params["signature"]); err != nil {
		return nil, keyID, err
	}
	c.fedHeader = fmt.Sprintf(`keyId="k",headers="%s",signature="%s"`,
		strings.Join(c.headers, " "), base64.StdEncoding.EncodeToString(c.sig))
	return c, keyID, nil
}

// setHeaders reads the covered headers: the headers parameter lowered and split on
// white space, defaulting to "(created)" for hs2019 and "date" for rsa-sha256.
func (c *cavage) setHeaders(params map[string]string) error {
	list, ok := params["headers"]
	if !ok {
		list = "date"
		if c.algorithm == algHS2019 {
			list = pseudoCreated
		}
	}
	c.headers = strings.Fields(strings.ToLower(list))
	if len(c.headers) == 0 || len(c.headers) > maxCovered {
		return fmt.Errorf("%w: %d covered headers (1 to %d allowed)", ErrMalformedSignature, len(c.headers), maxCovered)
	}
	for _, h := range c.headers {
		switch h {
		case gofed.RequestTarget:
		case pseudoCreated, pseudoExpires:
			if c.algorithm != algHS2019 {
				return fmt.Errorf("%w: pseudo-header %s is invalid for %s", ErrMalformedSignature, h, c.algorithm)
			}
			if (h == pseudoCreated && c.created == "") || (h == pseudoExpires && c.expires == "") {
				return fmt.Errorf("%w: pseudo-header %s used without its parameter", ErrMalformedSignature, h)
			}
			c.own = true
		case "authorization", "signature":
			c.own = true
		default:
			if !isToken(h) {
				return fmt.Errorf("%w: covered header %q is not a header name", ErrMalformedSignature, h)
			}
		}
	}
	return nil
}

// checkWindow dates the signature and applies the window. The created and expires
// parameters count only when (created) and (expires) are signed; otherwise the Date
// header dates the signature. Mastodon also trusts them unsigned, and lets an undated
// signature through; Herd refuses both, since they would let an old request be
// replayed with a fresh date.
func (c *cavage) checkWindow(now time.Time) error {
	var created, expires time.Time
	if slices.Contains(c.headers, pseudoCreated) {
		t, err := unixTime("created", c.created)
		if err != nil {
			return err
		}
		created = t
	} else {
		d, ok, err := c.r.boundedHeader("Date", maxDateHeader)
		if err != nil {
			return fmt.Errorf("%w: %w", ErrMalformedSignature, err)
		}
		if !ok {
			return fmt.Errorf("%w: no Date header or signed (created)", ErrMalformedSignature)
		}
		if created, err = http.ParseTime(d); err != nil {
			return fmt.Errorf("%w: invalid Date header %q", ErrMalformedSignature, d)
		}
	}
	if slices.Contains(c.headers, pseudoExpires) {
		t, err := unixTime("expires", c.expires)
		if err != nil {
			return err
		}
		expires = t
	}
	return checkWindow(created, expires, now)
}

// checkCoverage applies Mastodon's strength rules to the covered headers.
func (c *cavage) checkCoverage() error {
	has := func(h string) bool { return slices.Contains(c.headers, h) }
	switch {
	case !has("date") && !has(pseudoCreated):
		return fmt.Errorf("%w: the Date header or (created) must be signed", ErrMissingComponent)
	case !has(gofed.RequestTarget) && !has("digest"):
		return fmt.Errorf("%w: the Digest header or (request-target) must be signed", ErrMissingComponent)
	case c.r.Method == http.MethodGet && !has("host"):
		return fmt.Errorf("%w: the Host header must be signed on GET", ErrMissingComponent)
	case c.r.Method == http.MethodPost && !has("digest"):
		return fmt.Errorf("%w: the Digest header must be signed on POST", ErrMissingComponent)
	}
	return nil
}

// verify tries the request-target with the query string, then without it (older
// Mastodon versions signed the path alone).
func (c *cavage) verify(key crypto.PublicKey) error {
	pub, ok := key.(*rsa.PublicKey)
	if !ok {
		return fmt.Errorf("%w: draft-cavage signatures are verified with RSA keys, not %T", ErrUnsupportedAlgorithm, key)
	}
	err := c.verifyTarget(pub, true)
	if err == nil || c.r.Query == "" || !slices.Contains(c.headers, gofed.RequestTarget) {
		return err
	}
	return c.verifyTarget(pub, false)
}

func (c *cavage) verifyTarget(pub *rsa.PublicKey, withQuery bool) error {
	if c.own {
		sum := sha256.Sum256([]byte(c.signingString(withQuery)))
		return rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], c.sig)
	}
	u := &url.URL{Path: c.r.Path}
	if withQuery {
		u.RawQuery = c.r.Query
	}
	h := make(http.Header, len(c.headers)+1)
	for _, name := range c.headers {
		if name == gofed.RequestTarget {
			continue
		}
		k := textproto.CanonicalMIMEHeaderKey(name)
		v := c.r.values(k)
		if len(v) == 0 {
			v = []string{""} // Mastodon signs an absent header as empty
		}
		h[k] = v
	}
	h.Set("Signature", c.fedHeader)
	v, err := gofed.NewVerifier(&http.Request{Method: c.r.Method, URL: u, Header: h})
	if err != nil {
		return err
	}
	return v.Verify(pub, gofed.RSA_SHA256)
}

// signingString builds the draft-cavage signing string as Mastodon does, for the
// cases go-fed cannot take.
func (c *cavage) signingString(withQuery bool) string {
	var b strings.Builder
	for i, name := range c.headers {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(name)
		b.WriteString(": ")
		switch name {
		case gofed.RequestTarget:
			b.WriteString(strings.ToLower(c.r.Method))
			b.WriteByte(' ')
			b.WriteString(c.r.Path)
			if withQuery && c.r.Query != "" {
				b.WriteByte('?')
				b.WriteString(c.r.Query)
			}
		case pseudoCreated:
			b.WriteString(c.created)
		case pseudoExpires:
			b.WriteString(c.expires)
		default:
			for j, v := range c.r.values(name) {
				if j > 0 {
					b.WriteString(", ")
				}
				b.WriteString(strings.TrimSpace(v))
			}
		}
	}
	return b.String()
}
