package httpsig

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/dunglas/httpsfv"
)

// The RFC 9421 algorithms verified: alg9421, the only one Mastodon verifies
// (RSASSA-PKCS1-v1_5 with SHA-256), and Ed25519 for keys that are Ed25519 (FEP-521a
// Multikeys). A signature without an alg parameter uses the one of its key.
const (
	alg9421        = "rsa-v1_5-sha256"
	alg9421Ed25519 = "ed25519"
)

// rfc9421 is an RFC 9421 signature that passed Mastodon's rules.
type rfc9421 struct {
	base []byte // the signature base
	sig  []byte
	alg  string // "" when the signature names none
}

// params9421 are the signature parameters Verify reads; others (nonce, tag) are
// covered through @signature-params but not interpreted.
type params9421 struct {
	keyID, alg       string
	created, expires time.Time
	components       []string
}

// parse9421 parses Signature-Input and Signature and applies Mastodon's rules in its
// order: one signature, keyid and created, algorithm, time window, covered
// components, Content-Digest. It builds the signature base right away, since it does
// not depend on the key.
func parse9421(r *Request, now time.Time) (*rfc9421, string, error) {
	label, input, sig, err := selectSignature(r)
	if err != nil {
		return nil, "", err
	}
	p, err := readParams9421(input)
	if err != nil {
		return nil, p.keyID, err
	}
	if p.alg != "" && p.alg != alg9421 && p.alg != alg9421Ed25519 {
		return nil, p.keyID, fmt.Errorf("%w: %q (%s and %s are supported)", ErrUnsupportedAlgorithm, p.alg, alg9421, alg9421Ed25519)
	}
	if err := checkWindow(p.created, p.expires, now); err != nil {
		return nil, p.keyID, err
	}
	has := func(c string) bool { return slices.Contains(p.components, c) }
	switch {
	case !has("@method") || !has("@target-uri"):
		return nil, p.keyID, fmt.Errorf("%w: @method and @target-uri must be signed", ErrMissingComponent)
	case r.Method == http.MethodPost && !has("content-digest"):
		return nil, p.keyID, fmt.Errorf("%w: Content-Digest must be signed on POST", ErrMissingComponent)
	}
	if has("content-digest") {
		if err := checkContentDigest(r); err != nil {
			return nil, p.keyID, err
		}
	}
	base, err := signatureBase(r, input, p.components)
	if err != nil {
		return nil, p.keyID, fmt.Errorf("%w: signature %q: %w", ErrMalformedSignature, label, err)
	}
	return &rfc9421{base: base, sig: sig, alg: p.alg}, p.keyID, nil
}

// selectSignature returns the one signature of the request: Mastodon accepts exactly
// one, labelled alike in Signature-Input and Signature.
func selectSignature(r *Request) (label string, input httpsfv.InnerList, sig []byte, err error) {
	inputs, err := dictionaryHeader(r, "Signature-Input")
	if err != nil {
		return "", input, nil, err
	}
	sigs, err := dictionaryHeader(r, "Signature")
	if err != nil {
		return "", input, nil, err
	}
	if n, m := len(inputs.Names()), len(sigs.Names()); n != 1 || m != 1 {
		return "", input, nil, fmt.Errorf("%w: exactly one signature is accepted, got %d inputs and %d signatures", ErrMalformedSignature, n, m)
	}
	label = inputs.Names()[0]
	in, _ := inputs.Get(label)
	input, ok := in.(httpsfv.InnerList)
	if !ok {
		return "", input, nil, fmt.Errorf("%w: Signature-Input %q is not an inner list", ErrMalformedSignature, label)
	}
	s, ok := sigs.Get(label)
	if !ok {
		return "", input, nil, fmt.Errorf("%w: no Signature labelled %q", ErrMalformedSignature, label)
	}
	item, ok := s.(httpsfv.Item)
	if sig, _ = item.Value.([]byte); !ok || len(sig) == 0 || len(sig) > maxSignatureBytes {
		return "", input, nil, fmt.Errorf("%w: Signature %q is not a byte sequence of 1 to %d bytes", ErrMalformedSignature, label, maxSignatureBytes)
	}
	return label, input, sig, nil
}

func dictionaryHeader(r *Request, name string) (*httpsfv.Dictionary, error) {
	v, ok, err := r.boundedHeader(name, maxSignatureHeader)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformedSignature, err)
	}
	if !ok {
		return nil, fmt.Errorf("%w: %s header missing", ErrMalformedSignature, name)
	}
	d, err := httpsfv.UnmarshalDictionary([]string{v})
	if err != nil {
		return nil, fmt.Errorf("%w: %s is not a structured dictionary: %w", ErrMalformedSignature, name, err)
	}
	return d, nil
}

// readParams9421 reads the covered components and the keyid, created, expires and
// alg parameters of a signature input.
func readParams9421(input httpsfv.InnerList) (params9421, error) {
	var p params9421
	if input.Params != nil {
		p.keyID, _ = paramString(input.Params, "keyid")
		p.alg, _ = paramString(input.Params, "alg")
	}
	if len(input.Items) > maxCovered {
		return p, fmt.Errorf("%w: %d covered components, over %d", ErrMalformedSignature, len(input.Items), maxCovered)
	}
	for _, it := range input.Items {
		name, ok := it.Value.(string)
		if !ok {
			return p, fmt.Errorf("%w: a covered component is not a string", ErrMalformedSignature)
		}
		if it.Params != nil && len(it.Params.Names()) > 0 {
			return p, fmt.Errorf("%w: component parameters (%s;%s) are not supported", ErrMalformedSignature, name, it.Params.Names()[0])
		}
		if slices.Contains(p.components, name) {
			return p, fmt.Errorf("%w: component %q is covered twice", ErrMalformedSignature, name)
		}
		p.components = append(p.components, name)
	}
	if p.keyID == "" || input.Params == nil {
		return p, fmt.Errorf("%w: keyid and created are required", ErrMalformedSignature)
	}
	if err := checkKeyID(p.keyID); err != nil {
		return p, fmt.Errorf("%w: %w", ErrMalformedSignature, err)
	}
	var err error
	if p.created, err = paramTime(input.Params, "created", true); err != nil {
		return p, err
	}
	if p.expires, err = paramTime(input.Params, "expires", false); err != nil {
		return p, err
	}
	return p, nil
}

func paramString(ps *httpsfv.Params, name string) (string, bool) {
	v, ok := ps.Get(name)
	s, isString := v.(string)
	return s, ok && isString
}

// paramTime reads an integer Unix-time parameter; the zero time when it is absent
// and optional.
func paramTime(ps *httpsfv.Params, name string, required bool) (time.Time, error) {
	v, ok := ps.Get(name)
	if !ok && !required {
		return time.Time{}, nil
	}
	n, isInt := v.(int64)
	if !ok || !isInt || n < 0 || n > maxUnixSeconds {
		return time.Time{}, fmt.Errorf("%w: %s must be an integer Unix time", ErrMalformedSignature, name)
	}
	return time.Unix(n, 0), nil
}

// checkContentDigest checks an RFC 9530 Content-Digest: a structured dictionary whose
// sha-256 member is the SHA-256 of the body.
func checkContentDigest(r *Request) error {
	v, ok, err := r.boundedHeader("Content-Digest", maxDigestHeader)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrBadDigest, err)
	}
	if !ok {
		return fmt.Errorf("%w: Content-Digest header missing", ErrBadDigest)
	}
	d, err := httpsfv.UnmarshalDictionary([]string{v})
	if err != nil {
		return fmt.Errorf("%w: Content-Digest is not a structured dictionary: %w", ErrBadDigest, err)
	}
	m, ok := d.Get("sha-256")
	if !ok {
		return fmt.Errorf("%w: no sha-256 in Content-Digest; offered %q", ErrBadDigest, strings.Join(d.Names(), ", "))
	}
	item, _ := m.(httpsfv.Item)
	if got, _ := item.Value.([]byte); !bytes.Equal(got, bodyDigest(r.Body)) {
		return fmt.Errorf("%w: Content-Digest sha-256 does not match the body", ErrBadDigest)
	}
	return nil
}

// verify checks the signature with the algorithm of the key, which must be the one
// the signature names, if it names one.
func (s *rfc9421) verify(key crypto.PublicKey) error {
	switch pub := key.(type) {
	case *rsa.PublicKey:
		if s.alg != "" && s.alg != alg9421 {
			return fmt.Errorf("%w: %s signature, RSA key", ErrUnsupportedAlgorithm, s.alg)
		}
		sum := sha256.Sum256(s.base)
		return rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], s.sig)
	case ed25519.PublicKey:
		if s.alg != "" && s.alg != alg9421Ed25519 {
			return fmt.Errorf("%w: %s signature, Ed25519 key", ErrUnsupportedAlgorithm, s.alg)
		}
		if !ed25519.Verify(pub, s.base, s.sig) {
			return errors.New("ed25519: invalid signature")
		}
		return nil
	}
	return fmt.Errorf("%w: key of type %T", ErrUnsupportedAlgorithm, key)
}
