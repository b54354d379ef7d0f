package httpsig

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The time window of a signature, as Mastodon's SignedRequest: a signature expires
// DefaultExpiry after its creation unless it says otherwise, never later than
// MaxExpiry after it, and either end may be off by ClockSkew.
const (
	DefaultExpiry = 5 * time.Minute
	MaxExpiry     = 12 * time.Hour
	ClockSkew     = time.Hour
)

// Bounds on what Verify parses from hostile requests.
const (
	maxSignatureHeader = 8 << 10 // Signature and Signature-Input
	maxDigestHeader    = 1 << 10 // Digest and Content-Digest
	maxDateHeader      = 128
	maxCovered         = 64   // covered headers or components
	maxSignatureBytes  = 2048 // a 16384-bit RSA signature
	maxUnixSeconds     = 253402300799
)

// KeyLookup returns the public key of keyID. Verify calls it with refresh=false
// first; when that key does not verify, it calls it once more with refresh=true, and
// the lookup should then fetch the actor again, since it may have rotated its key.
// A legacy keyId of the form acct:user@host is the lookup's to resolve (WebFinger).
// The key is an *rsa.PublicKey or an ed25519.PublicKey (RFC 9421 signatures only).
type KeyLookup func(ctx context.Context, keyID string, refresh bool) (crypto.PublicKey, error)

// signature is a parsed signature that passed Mastodon's rules and awaits a key.
type signature interface {
	// verify reports whether the signature verifies with pub (nil when it does).
	verify(pub crypto.PublicKey) error
}

// Verify checks the signature of an incoming request by Mastodon's rules and returns
// the keyId that signed it. An RFC 9421 signature is checked when Signature-Input is
// present, a draft-cavage one otherwise. Every rule is checked before the key is
// looked up: required parameters, algorithm, time window (against now), covered
// components, and the body digest. The keyId is returned with an error too, whenever
// the signature parsed far enough to name one, for logging. Errors wrap the package's
// sentinels (ErrExpired, ErrBadDigest, …).
func Verify(ctx context.Context, r Request, now time.Time, lookup KeyLookup) (keyID string, err error) {
	if lookup == nil {
		return "", errors.New("httpsig: verify with nil KeyLookup")
	}
	var sig signature
	switch {
	case strings.TrimSpace(r.Header.Get("Signature-Input")) != "":
		sig, keyID, err = parse9421(&r, now)
	case strings.TrimSpace(r.Header.Get("Signature")) != "":
		sig, keyID, err = parseCavage(&r, now)
	default:
		return "", fmt.Errorf("%w: no Signature header", ErrMissingSignature)
	}
	if err != nil {
		return keyID, err
	}
	return keyID, verifyWithRefresh(ctx, sig, keyID, lookup)
}

// verifyWithRefresh verifies sig with the cached key of keyID and, failing that, once
// with a refreshed key.
func verifyWithRefresh(ctx context.Context, sig signature, keyID string, lookup KeyLookup) error {
	pub, err := lookupKey(ctx, lookup, keyID, false)
	if err != nil {
		return err
	}
	if sig.verify(pub) == nil {
		return nil
	}
	fresh, err := lookupKey(ctx, lookup, keyID, true)
	if err != nil {
		return fmt.Errorf("%w with the cached key of %s, and refreshing it failed: %w", ErrInvalidSignature, keyID, err)
	}
	if same, ok := fresh.(interface{ Equal(crypto.PublicKey) bool }); ok && same.Equal(pub) {
		return fmt.Errorf("%w with the key of %s (unchanged after refresh)", ErrInvalidSignature, keyID)
	}
	if err := sig.verify(fresh); err != nil {
		return fmt.Errorf("%w with the refreshed key of %s: %w", ErrInvalidSignature, keyID, err)
	}
	return nil
}

func lookupKey(ctx context.Context, lookup KeyLookup, keyID string, refresh bool) (crypto.PublicKey, error) {
	pub, err := lookup(ctx, keyID, refresh)
	if err != nil {
		return nil, fmt.Errorf("%w: %s (refresh=%t): %w", ErrKeyUnavailable, keyID, refresh, err)
	}
	if !usableKey(pub) {
		return nil, fmt.Errorf("%w: %s (refresh=%t): no RSA or Ed25519 key", ErrKeyUnavailable, keyID, refresh)
	}
	return pub, nil
}

// usableKey reports whether pub is a key Verify can use: RSA or Ed25519.
func usableKey(pub crypto.PublicKey) bool {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		return k != nil && k.N != nil
	case ed25519.PublicKey:
		return len(k) == ed25519.PublicKeySize
	}
	return false
}

// checkWindow applies Mastodon's time window: expiry defaults to created+5 min, an
// explicit one is capped at created+12 h, and both ends get 1 h of clock skew. A zero
// expires means none was given.
func checkWindow(created, expires, now time.Time) error {
	if expires.IsZero() {
		expires = created.Add(DefaultExpiry)
	}
	if limit := created.Add(MaxExpiry); expires.After(limit) {
		expires = limit
	}
	if created.After(now.Add(ClockSkew)) {
		return fmt.Errorf("%w: created %s, now %s", ErrNotYetValid, created.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	if now.After(expires.Add(ClockSkew)) {
		return fmt.Errorf("%w: expired %s, now %s", ErrExpired, expires.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	return nil
}

// unixTime reads a created or expires parameter (integer Unix seconds).
func unixTime(name, v string) (time.Time, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil || n < 0 || n > maxUnixSeconds {
		return time.Time{}, fmt.Errorf("%w: %s parameter %q is not a Unix time", ErrMalformedSignature, name, v)
	}
	return time.Unix(n, 0), nil
}

// bodyDigest is the SHA-256 of the body, which Digest and Content-Digest carry.
func bodyDigest(body []byte) []byte {
	sum := sha256.Sum256(body)
	return sum[:]
}

// checkDigest checks a draft-cavage Digest header as Mastodon does: the first
// sha-256 entry (names compared without case) must match the body.
func checkDigest(r *Request) error {
	v, ok, err := r.boundedHeader("Digest", maxDigestHeader)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrBadDigest, err)
	}
	if !ok {
		return fmt.Errorf("%w: Digest header missing", ErrBadDigest)
	}
	want := base64.StdEncoding.EncodeToString(bodyDigest(r.Body))
	var offered []string
	for _, part := range strings.Split(v, ",") {
		name, val, _ := strings.Cut(part, "=")
		name = strings.ToLower(strings.TrimSpace(name))
		if name != "sha-256" {
			offered = append(offered, name)
			continue
		}
		if val = strings.TrimSpace(val); val != want {
			return fmt.Errorf("%w: computed SHA-256 %s, given %q", ErrBadDigest, want, val)
		}
		return nil
	}
	return fmt.Errorf("%w: no SHA-256 in Digest; offered %q", ErrBadDigest, strings.Join(offered, ", "))
}

// decodeSignature decodes a base64 signature leniently (padding optional, URL
// alphabet allowed), as Ruby's Base64.decode64 in Mastodon is lenient.
func decodeSignature(s string) ([]byte, error) {
	s = strings.Join(strings.Fields(s), "")
	if base64.StdEncoding.DecodedLen(len(s)) > maxSignatureBytes+3 {
		return nil, fmt.Errorf("%w: signature is %d characters, too long", ErrMalformedSignature, len(s))
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil && len(b) > 0 {
			return b, nil
		}
	}
	return nil, fmt.Errorf("%w: signature is not base64", ErrMalformedSignature)
}
