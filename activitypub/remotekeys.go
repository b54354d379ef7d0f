package activitypub

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/activitypub/httpsig"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// tRemoteKeys caches the public keys of remote actors by key id, with their owner:
// one fetch of a key serves every signature it makes until it stops verifying.
const tRemoteKeys = "remote_keys"

// remoteKeyTTL is how long a cached key is kept without use of a refresh.
const remoteKeyTTL = 7 * 24 * time.Hour

// maxKeyID bounds the key ids the inbox looks up.
const maxKeyID = 2048

// remoteKey is a cached key: its owner's actor id and the key as PEM.
type remoteKey struct {
	Owner string `cbor:"1,keyasint"`
	PEM   string `cbor:"2,keyasint"`
}

// lookupKey finds the RSA public key of a keyId for ldsig.Verify: the cached one, or,
// with refresh (a signature that failed with the cached key), the key fetched again.
func (s *Service) lookupKey(ctx context.Context, keyID string, refresh bool) (*rsa.PublicKey, error) {
	k, err := s.remoteKey(ctx, keyID, refresh)
	if err != nil {
		return nil, err
	}
	return httpsig.DecodePublicKeyPEM(k.PEM)
}

// lookupVerifyKey is lookupKey for HTTP signatures, which may also be made with an
// Ed25519 key (a FEP-521a Multikey), verified under RFC 9421.
// The parsed key is kept in memory (verifykeys.go).
func (s *Service) lookupVerifyKey(ctx context.Context, keyID string, refresh bool) (crypto.PublicKey, error) {
	k, err := s.verifyKeyOf(ctx, keyID, refresh)
	if err != nil {
		return nil, err
	}
	return k.pub, nil
}

// signerOf returns the account that owns a key lookupKey or lookupVerifyKey found:
// from the node's account cache when its id is known here (verifykeys.go), else as
// RemoteAccount finds it.
func (s *Service) signerOf(ctx context.Context, keyID string) (*account.Account, error) {
	k, err := s.verifyKeyOf(ctx, keyID, false)
	if err != nil {
		return nil, err
	}
	if id, ok := s.verified.signer(k.owner); ok {
		kept, err := s.accounts.Cached(ctx, []shard.ID{id})
		if a := kept[id]; err == nil && a != nil && a.URI == k.owner && s.now().Sub(a.FetchedAt) < actorTTL {
			return a, nil
		}
	}
	a, err := s.RemoteAccount(ctx, k.owner, false)
	if err == nil {
		s.verified.putSigner(k.owner, a.ID)
	}
	return a, err
}

// remoteKey returns the key of keyID from the cache, or dereferences it (always, with
// refresh) and caches it.
func (s *Service) remoteKey(ctx context.Context, keyID string, refresh bool) (*remoteKey, error) {
	if len(keyID) > maxKeyID {
		return nil, fmt.Errorf("%w: key id of %d bytes", ErrInvalid, len(keyID))
	}
	if !refresh {
		b, err := s.st.Get(ctx, tRemoteKeys, []byte(keyID), []byte{})
		if err == nil {
			var k remoteKey
			if err := store.Unmarshal(b, &k); err == nil {
				return &k, nil
			}
		} else if !errors.Is(err, store.ErrNotFound) {
			return nil, fmt.Errorf("activitypub: load key %s: %w", keyID, err)
		}
	}
	var k *remoteKey
	if !refresh {
		k = s.knownKey(ctx, keyID)
	}
	if k == nil {
		var err error
		if k, err = s.dereferenceKey(ctx, keyID); err != nil {
			return nil, err
		}
	}
	enc, err := store.Marshal(k)
	if err != nil {
		return nil, err
	}
	if err := s.st.Put(ctx, tRemoteKeys, []byte(keyID), []byte{}, enc, remoteKeyTTL); err != nil {
		return nil, fmt.Errorf("activitypub: keep key %s: %w", keyID, err)
	}
	return k, nil
}

// knownKey is the key of an account already recorded whose actor (the key id without
// its fragment) lists keyID as its key, or nil: no fetch for a signer known before its
// key was cached, whose actor may be gone (the Delete of an actor).
func (s *Service) knownKey(ctx context.Context, keyID string) *remoteKey {
	actorID, _, ok := strings.Cut(keyID, "#")
	if !ok {
		return nil
	}
	a, err := s.accounts.ByURI(ctx, actorID)
	if err != nil || a.PublicKeyID != keyID || a.PublicKeyPEM == "" {
		return nil
	}
	return &remoteKey{Owner: a.URI, PEM: a.PublicKeyPEM}
}

// dereferenceKey fetches keyID (signed, as every fetch) and takes the key from what it
// serves: the owner's full actor, a stub of it (id, preferredUsername and publicKey, as
// GoToSocial serves at its key ids), a bare key (CryptographicKey, Key or Multikey with
// an owner or controller), or an actor listing several keys (publicKey as an array,
// FEP-521a assertionMethod). The key must be on the owner's host and its owner must be
// an actor that lists it; the owner is fetched when the document was not its full
// actor, and recorded.
func (s *Service) dereferenceKey(ctx context.Context, keyID string) (*remoteKey, error) {
	if s.isLocal(keyID) {
		return nil, fmt.Errorf("%w: key %s is local", ErrInvalid, keyID)
	}
	doc, err := s.Fetch(ctx, keyID)
	if err != nil {
		return nil, err
	}
	k, err := keyIn(doc, keyID)
	if err != nil {
		return nil, err
	}
	if !sameHost(k.owner, keyID) {
		return nil, fmt.Errorf("%w: key %s is owned by %q, on another host", ErrInvalid, keyID, k.owner)
	}
	var owner *account.Account
	ownerDoc := doc
	if idAny(doc) == k.owner {
		owner, _ = s.recordActor(ctx, k.owner, doc) // a stub is no actor: fetched below
	}
	if owner == nil {
		if ownerDoc, err = s.Fetch(ctx, k.owner); err != nil {
			return nil, err
		}
		if owner, err = s.recordActor(ctx, k.owner, ownerDoc); err != nil {
			return nil, err
		}
	}
	if owner.URI != k.owner || !listsKey(ownerDoc, keyID) {
		return nil, fmt.Errorf("%w: actor %s does not list key %s", ErrInvalid, k.owner, keyID)
	}
	if k.pem == "" {
		return nil, fmt.Errorf("%w: key %s is %s, which HTTP signatures do not use", ErrInvalid, keyID, k.kind)
	}
	return &remoteKey{Owner: owner.URI, PEM: k.pem}, nil
}

// keyEntry is one public key read from a document.
type keyEntry struct {
	id, owner string
	pem       string // the key as PKIX PEM (RSA or Ed25519)
	kind      string // "RSA" or "Ed25519"
}

// keyIn finds the key keyID in the document served at it: the document itself when
// it is a key, else the entry of an actor's keys with that id (the first key when the
// key id is the actor's own id, as some servers sign).
func keyIn(doc map[string]any, keyID string) (*keyEntry, error) {
	switch doc["type"] {
	case "CryptographicKey", "Key", "Multikey":
		if idAny(doc) != keyID {
			return nil, fmt.Errorf("%w: key served at %s has id %q", ErrInvalid, keyID, idAny(doc))
		}
		return readKey(doc, "")
	}
	holder := idAny(doc)
	entries := keyEntries(doc)
	for _, e := range entries {
		if idAny(e) == keyID {
			return readKey(e, holder)
		}
	}
	if holder == keyID && len(entries) > 0 {
		return readKey(entries[0], holder)
	}
	return nil, fmt.Errorf("%w: %s serves no key %s", ErrInvalid, holder, keyID)
}

// accountKey is the key an account keeps of its actor document: the first RSA key
// the actor owns.
func accountKey(id string, doc map[string]any) (*keyEntry, error) {
	for _, e := range keyEntries(doc) {
		if k, err := readKey(e, id); err == nil && k.owner == id && k.kind == "RSA" {
			return k, nil
		}
	}
	return nil, fmt.Errorf("%w: actor %s lacks a publicKey of its own", ErrInvalid, id)
}

// keyEntries lists the key objects of an actor: publicKey (one or several) and the
// FEP-521a assertionMethod entries.
func keyEntries(doc map[string]any) []map[string]any {
	var out []map[string]any
	for _, field := range []string{"publicKey", "assertionMethod"} {
		for _, v := range asList(doc[field]) {
			if m, ok := v.(map[string]any); ok {
				out = append(out, m)
			}
		}
	}
	return out
}

// listsKey reports whether an actor document names keyID as one of its keys.
func listsKey(doc map[string]any, keyID string) bool {
	if idAny(doc) == keyID {
		return true
	}
	for _, e := range keyEntries(doc) {
		if idAny(e) == keyID {
			return true
		}
	}
	return false
}

// readKey reads a key object: publicKeyPem, or a Multikey's publicKeyMultibase. The
// owner is its owner or controller, else holder (the actor that embeds it).
func readKey(m map[string]any, holder string) (*keyEntry, error) {
	k := &keyEntry{id: idAny(m), owner: str2(m, "owner"), kind: "RSA"}
	if k.owner == "" {
		k.owner = idAny(m["controller"])
	}
	if k.owner == "" {
		k.owner = holder
	}
	if k.id == "" || k.owner == "" {
		return nil, fmt.Errorf("%w: key without id or owner", ErrInvalid)
	}
	if p := str2(m, "publicKeyPem"); p != "" {
		k.pem = p
		return k, nil
	}
	mb := str2(m, "publicKeyMultibase")
	if mb == "" {
		return nil, fmt.Errorf("%w: key %s has neither publicKeyPem nor publicKeyMultibase", ErrInvalid, k.id)
	}
	kind, pub, err := decodeMultikey(mb)
	if err != nil {
		return nil, fmt.Errorf("%w: key %s: %v", ErrInvalid, k.id, err)
	}
	k.kind = kind
	if k.pem, err = httpsig.EncodePublicKeyPEM(pub); err != nil {
		return nil, fmt.Errorf("%w: key %s: %v", ErrInvalid, k.id, err)
	}
	return k, nil
}

// The multicodec prefixes of Multikey public keys (unsigned varints).
var (
	multicodecRSA     = []byte{0x85, 0x24} // rsa-pub (0x1205): PKCS#1 DER follows
	multicodecEd25519 = []byte{0xed, 0x01} // ed25519-pub (0xed): 32 bytes follow
)

// decodeMultikey reads a publicKeyMultibase (base58btc, "z"): an RSA or Ed25519 key.
func decodeMultikey(s string) (kind string, pub crypto.PublicKey, err error) {
	if !strings.HasPrefix(s, "z") || len(s) > 4096 {
		return "", nil, errors.New("publicKeyMultibase is not base58btc")
	}
	b, err := decodeBase58(s[1:])
	if err != nil {
		return "", nil, err
	}
	switch {
	case len(b) == 2+32 && b[0] == multicodecEd25519[0] && b[1] == multicodecEd25519[1]:
		return "Ed25519", ed25519.PublicKey(b[2:]), nil
	case len(b) > 2 && b[0] == multicodecRSA[0] && b[1] == multicodecRSA[1]:
		pub, err := x509.ParsePKCS1PublicKey(b[2:])
		if err != nil {
			return "", nil, fmt.Errorf("RSA Multikey: %w", err)
		}
		return "RSA", pub, nil
	}
	return "", nil, errors.New("Multikey of an unknown kind")
}

const base58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

// decodeBase58 decodes Bitcoin's base58 (leading "1"s are zero bytes).
func decodeBase58(s string) ([]byte, error) {
	n := new(big.Int)
	radix := big.NewInt(58)
	zeros := 0
	for zeros < len(s) && s[zeros] == '1' {
		zeros++
	}
	for _, c := range []byte(s) {
		i := strings.IndexByte(base58Alphabet, c)
		if i < 0 {
			return nil, fmt.Errorf("%q is not base58", c)
		}
		n.Mul(n, radix)
		n.Add(n, big.NewInt(int64(i)))
	}
	return append(make([]byte, zeros), n.Bytes()...), nil
}
