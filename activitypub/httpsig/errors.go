package httpsig

import "errors"

// Verification errors. Verify wraps one of these with detail, so callers can test with
// errors.Is and show err.Error() as the reason of a 401.
var (
	// ErrMissingSignature: the request carries no Signature (or Signature-Input) header.
	ErrMissingSignature = errors.New("httpsig: request is not signed")
	// ErrMalformedSignature: a signature header cannot be parsed, lacks a required
	// parameter, is too large, or names a component this package cannot rebuild.
	ErrMalformedSignature = errors.New("httpsig: malformed signature")
	// ErrUnsupportedAlgorithm: the algorithm is not one Mastodon accepts.
	ErrUnsupportedAlgorithm = errors.New("httpsig: unsupported signature algorithm")
	// ErrExpired: the signature is older than its expiry plus the clock skew margin.
	ErrExpired = errors.New("httpsig: signature expired")
	// ErrNotYetValid: the signature was created more than the clock skew margin ahead.
	ErrNotYetValid = errors.New("httpsig: signature created in the future")
	// ErrMissingComponent: the signature does not cover what Mastodon requires (a date,
	// the target, the host on GET, the digest on POST, @method and @target-uri).
	ErrMissingComponent = errors.New("httpsig: signature does not cover a required component")
	// ErrBadDigest: the Digest or Content-Digest header is absent, has no SHA-256 entry,
	// or does not match the body.
	ErrBadDigest = errors.New("httpsig: body digest missing or mismatched")
	// ErrKeyUnavailable: the KeyLookup failed or returned no key.
	ErrKeyUnavailable = errors.New("httpsig: public key unavailable")
	// ErrInvalidSignature: the signature does not verify with the sender's key, even
	// after refreshing it.
	ErrInvalidSignature = errors.New("httpsig: signature does not verify")
	// ErrInvalidKey: a key or PEM block cannot be used (key helpers and Sign).
	ErrInvalidKey = errors.New("httpsig: invalid key")
)
