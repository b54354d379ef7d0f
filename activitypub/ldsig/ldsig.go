// Package ldsig signs and verifies JSON-LD documents with Linked Data Signatures as
// Mastodon does (RsaSignature2017: the URDNA2015 canonical forms of the signature
// options and of the document, each hashed with SHA-256, then signed with RSA
// PKCS#1 v1.5 over SHA-256), so that an activity forwarded by another server (a relay)
// can be proven to come from its actor. The JSON-LD contexts a document names are read
// only from the copies bundled here (ActivityStreams, security/v1 and identity/v1):
// nothing is ever fetched, and a document naming any other remote context cannot be
// verified (ErrUnverifiable). The bundled contexts (contexts/) hold, term for term, the
// documents published at https://www.w3.org/ns/activitystreams (W3C),
// https://w3id.org/security/v1 and https://w3id.org/identity/v1 (W3C-CCG); a term
// defined differently from the published documents would make a peer's valid signature
// fail here, and testdata holds a signature a Mastodon server made, which must verify.
// It owns no storage and knows nothing of accounts: keys are looked up through the
// caller.
package ldsig

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/piprate/json-gold/ld"
)

var (
	// ErrUnverifiable is a document without a signature, or one whose signature
	// cannot be checked here (another signature type, a context not bundled).
	ErrUnverifiable = errors.New("ldsig: signature cannot be verified")
	// ErrBadSignature is a signature that was checked and does not match.
	ErrBadSignature = errors.New("ldsig: signature does not match")
)

// SignatureType is the only type Mastodon makes and checks.
const SignatureType = "RsaSignature2017"

// identityContext is the context of the signature options, as Mastodon sets it.
const identityContext = "https://w3id.org/identity/v1"

//go:embed contexts/*.jsonld
var contextFiles embed.FS

// bundled maps a context URL to its embedded file.
var bundled = map[string]string{
	"https://www.w3.org/ns/activitystreams":  "contexts/activitystreams.jsonld",
	"http://www.w3.org/ns/activitystreams":   "contexts/activitystreams.jsonld",
	"https://www.w3.org/ns/activitystreams#": "contexts/activitystreams.jsonld",
	"https://w3id.org/security/v1":           "contexts/security-v1.jsonld",
	"http://w3id.org/security/v1":            "contexts/security-v1.jsonld",
	"https://w3id.org/identity/v1":           "contexts/identity-v1.jsonld",
	"http://w3id.org/identity/v1":            "contexts/identity-v1.jsonld",
}

// loader serves the bundled contexts and refuses every other URL.
type loader struct{}

func (loader) LoadDocument(u string) (*ld.RemoteDocument, error) {
	name, ok := bundled[u]
	if !ok {
		return nil, fmt.Errorf("%w: context %q is not bundled", ErrUnverifiable, u)
	}
	b, err := contextFiles.ReadFile(name)
	if err != nil {
		return nil, err
	}
	doc, err := ld.DocumentFromReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	return &ld.RemoteDocument{DocumentURL: u, Document: doc}, nil
}

// maxNodes bounds the JSON objects and arrays of a document that is canonicalised:
// canonicalisation grows worse than linearly with the blank nodes of a graph, and an
// activity has a few dozen objects at most.
const maxNodes = 512

// countNodes counts the objects and arrays in v, stopping past limit.
func countNodes(v any, limit int) int {
	n := 0
	var walk func(any)
	walk = func(v any) {
		if n > limit {
			return
		}
		switch t := v.(type) {
		case map[string]any:
			n++
			for _, x := range t {
				walk(x)
			}
		case []any:
			n++
			for _, x := range t {
				walk(x)
			}
		}
	}
	walk(v)
	return n
}

// canonicalHash is the hex SHA-256 of a document's URDNA2015 N-Quads. The JSON-LD
// processor panics on some malformed documents (a key that is not a term, such as
// ""): that is a document that cannot be verified, not a crash.
func canonicalHash(doc map[string]any) (hash string, err error) {
	defer func() {
		if p := recover(); p != nil {
			hash, err = "", fmt.Errorf("%w: canonicalise: %v", ErrUnverifiable, p)
		}
	}()
	if countNodes(doc, maxNodes) > maxNodes {
		return "", fmt.Errorf("%w: document too large to canonicalise", ErrUnverifiable)
	}
	opts := ld.NewJsonLdOptions("")
	opts.Algorithm = ld.AlgorithmURDNA2015
	opts.Format = "application/n-quads"
	opts.DocumentLoader = loader{}
	opts.SafeMode = false
	out, err := ld.NewJsonLdProcessor().Normalize(doc, opts)
	if err != nil {
		if errors.Is(err, ErrUnverifiable) || strings.Contains(err.Error(), "not bundled") {
			return "", fmt.Errorf("%w: %v", ErrUnverifiable, err)
		}
		return "", fmt.Errorf("%w: canonicalise: %v", ErrUnverifiable, err)
	}
	nq, _ := out.(string)
	sum := sha256.Sum256([]byte(nq))
	return hex.EncodeToString(sum[:]), nil
}

// clone copies a JSON document deeply (through JSON), so that the processor's
// changes and ours never reach the caller's map.
func clone(doc map[string]any) (map[string]any, error) {
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	var out map[string]any
	return out, json.Unmarshal(b, &out)
}

// toBeSigned is what the signature covers: the hash of the options (with the
// identity context) followed by the hash of the document without its signature.
func toBeSigned(doc map[string]any, creator, created string) ([]byte, error) {
	body, err := clone(doc)
	if err != nil {
		return nil, err
	}
	delete(body, "signature")
	options := map[string]any{"@context": identityContext, "creator": creator, "created": created}
	oh, err := canonicalHash(options)
	if err != nil {
		return nil, err
	}
	dh, err := canonicalHash(body)
	if err != nil {
		return nil, err
	}
	return []byte(oh + dh), nil
}

// Sign adds an RsaSignature2017 by keyID (the signer's key id, such as
// https://host/users/alice#main-key) to doc, replacing any signature it had.
func Sign(doc map[string]any, keyID string, key *rsa.PrivateKey, now time.Time) error {
	created := now.UTC().Format("2006-01-02T15:04:05Z")
	data, err := toBeSigned(doc, keyID, created)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(data)
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		return fmt.Errorf("ldsig: sign: %w", err)
	}
	doc["signature"] = map[string]any{"type": SignatureType, "creator": keyID, "created": created,
		"signatureValue": base64.StdEncoding.EncodeToString(sig)}
	return nil
}

// KeyLookup returns the public key of a key id (refresh: fetch it again, as after a
// failed check, since keys rotate).
type KeyLookup func(ctx context.Context, keyID string, refresh bool) (*rsa.PublicKey, error)

// Signed reports whether doc carries a signature of the type this package checks.
func Signed(doc map[string]any) bool {
	sig, _ := doc["signature"].(map[string]any)
	return sig != nil && sig["type"] == SignatureType
}

// Verify checks doc's signature and returns the key id that made it: ErrUnverifiable
// when there is none that can be checked here, ErrBadSignature when it does not match.
func Verify(ctx context.Context, doc map[string]any, lookup KeyLookup) (string, error) {
	sig, _ := doc["signature"].(map[string]any)
	if sig == nil || sig["type"] != SignatureType {
		return "", fmt.Errorf("%w: no %s", ErrUnverifiable, SignatureType)
	}
	creator, _ := sig["creator"].(string)
	created, _ := sig["created"].(string)
	value, _ := sig["signatureValue"].(string)
	raw, err := base64.StdEncoding.DecodeString(value)
	if creator == "" || created == "" || err != nil {
		return "", fmt.Errorf("%w: malformed signature", ErrBadSignature)
	}
	data, err := toBeSigned(doc, creator, created)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(data)
	for _, refresh := range []bool{false, true} {
		pub, err := lookup(ctx, creator, refresh)
		if err != nil {
			return "", fmt.Errorf("%w: key %s: %v", ErrUnverifiable, creator, err)
		}
		if rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], raw) == nil {
			return creator, nil
		}
	}
	return "", ErrBadSignature
}
