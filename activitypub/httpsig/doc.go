// Package httpsig signs and verifies HTTP requests between ActivityPub servers the way
// Mastodon does: draft-cavage HTTP Signatures (signing and verifying, through
// github.com/go-fed/httpsig) and RFC 9421 HTTP Message Signatures (signing as
// Mastodon's verifier expects them; verifying the subset Mastodon accepts, and Ed25519
// keys besides; the signature base is built here, with github.com/dunglas/httpsfv for
// the structured fields). It also owns the key helpers (generation and PEM) that the
// signatures use.
//
// The server side sees a request through the neutral [Request] view, built from
// fasthttp ([FromFastHTTP]) or net/http ([FromNetHTTP]); the client side signs a
// *http.Request with [Sign] or [Sign9421] ([SignWith] picks one by [Scheme]). [Verify]
// applies Mastodon's acceptance rules (covered components, body digests, a time window
// with clock skew) and asks a [KeyLookup] for the sender's key, refreshing it once
// when the cached key does not verify.
//
// It must not know storage, actors or HTTP status codes: callers resolve keyIds to
// keys, and the inbox maps the typed errors (ErrExpired, ErrBadDigest, …) to a 401 with
// a reason. It keeps no state between calls and takes the clock as an argument.
package httpsig
