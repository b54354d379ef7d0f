package activitypub

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/herd-social/herd/activitypub/httpsig"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// Keys holds the key pairs of local actors (made on first use, kept in the store) and
// signs outgoing deliveries with them. It needs nothing of the inbox, so that delivery,
// which signs through it, is built before the sender and Service. Service embeds one.
type Keys struct {
	st       store.Store
	accounts Accounts
	opts     Options
	knocks   *knocks // the signature scheme each host accepts (knock.go)
	cache    struct {
		sync.Mutex
		m map[shard.ID]*rsa.PrivateKey
	}
}

// NewKeys returns the key holder: st keeps the keys, accounts names their owners.
func NewKeys(st store.Store, accounts Accounts, opts Options) *Keys {
	k := &Keys{st: st, accounts: accounts, opts: opts, knocks: newKnocks(time.Now)}
	k.cache.m = map[shard.ID]*rsa.PrivateKey{}
	return k
}

// key is a local actor's key pair, kept as PEM.
type key struct {
	Private string `cbor:"1,keyasint"`
	Public  string `cbor:"2,keyasint"`
}

// keyBits is the size of actor keys, as Mastodon's.
const keyBits = 2048

// PublicKeyPEM returns the public key of a local actor (account id, or zero for the
// instance actor), making the key pair on first use.
func (s *Keys) PublicKeyPEM(ctx context.Context, owner shard.ID) (string, error) {
	k, err := s.keyOf(ctx, owner)
	if err != nil {
		return "", err
	}
	return k.Public, nil
}

// PrivateKey returns the signing key of a local actor, making it on first use. Parsed
// keys are kept in memory: parsing validates the key, which costs several signatures.
func (s *Keys) PrivateKey(ctx context.Context, owner shard.ID) (*rsa.PrivateKey, error) {
	s.cache.Lock()
	priv := s.cache.m[owner]
	s.cache.Unlock()
	if priv != nil {
		return priv, nil
	}
	priv, err := s.parsePrivateKey(ctx, owner)
	if err != nil {
		return nil, err
	}
	s.cache.Lock()
	if len(s.cache.m) >= maxCachedKeys {
		clear(s.cache.m)
	}
	s.cache.m[owner] = priv
	s.cache.Unlock()
	return priv, nil
}

// maxCachedKeys bounds the parsed-key cache (about 2 KiB a key).
const maxCachedKeys = 10_000

func (s *Keys) parsePrivateKey(ctx context.Context, owner shard.ID) (*rsa.PrivateKey, error) {
	k, err := s.keyOf(ctx, owner)
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode([]byte(k.Private))
	if block == nil {
		return nil, fmt.Errorf("activitypub: key of %d is not PEM", owner)
	}
	priv, err := x509.ParsePKCS1PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("activitypub: key of %d: %w", owner, err)
	}
	return priv, nil
}

func (s *Keys) keyOf(ctx context.Context, owner shard.ID) (*key, error) {
	b, err := s.st.Get(ctx, tKeys, owner.Bytes(), []byte{})
	if err == nil {
		var k key
		return &k, store.Unmarshal(b, &k)
	}
	if !errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("activitypub: load key of %d: %w", owner, err)
	}
	priv, err := rsa.GenerateKey(rand.Reader, keyBits)
	if err != nil {
		return nil, fmt.Errorf("activitypub: generate key: %w", err)
	}
	pub, err := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("activitypub: encode key: %w", err)
	}
	k := key{
		Private: string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(priv)})),
		Public:  string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub})),
	}
	enc, err := store.Marshal(&k)
	if err != nil {
		return nil, err
	}
	// Two racing first uses keep one key: the loser adopts the winner's. A key made is
	// kept even when the caller's deadline passed while making it (seconds, on a
	// loaded machine), so that the next use does not pay again.
	ok, existing, err := s.st.PutIfAbsent(context.WithoutCancel(ctx), tKeys, owner.Bytes(), []byte{}, enc, 0)
	if err != nil {
		return nil, fmt.Errorf("activitypub: save key of %d: %w", owner, err)
	}
	if !ok {
		var won key
		return &won, store.Unmarshal(existing, &won)
	}
	return &k, nil
}

// SignPost signs an outgoing delivery as the local account signer (zero: the
// instance actor; RelayActorID: the relay actor), for the delivery service, with the
// scheme the inbox's host is known to accept (draft-cavage on a host not known). The
// sender reports the answer to Answered, which says whether to sign and send once more.
func (s *Keys) SignPost(ctx context.Context, req *http.Request, body []byte, signer shard.ID) error {
	keyID := baseURL(s.opts) + "/actor#main-key"
	switch {
	case signer == RelayActorID:
		keyID = relayActorURI(s.opts) + "#main-key"
	case signer != 0:
		a, err := s.accounts.Get(ctx, signer)
		if err != nil {
			return err
		}
		keyID = actorURI(s.opts, a.Username) + "#main-key"
	}
	key, err := s.PrivateKey(ctx, signer)
	if err != nil {
		return err
	}
	req.Header.Set("User-Agent", userAgent(s.opts))
	return httpsig.SignWith(s.knocks.scheme(req.URL.Host), req, body, keyID, key, time.Now())
}

// Answered records the status a host answered a request signed by SignPost (or a
// fetch) with, and reports whether to sign the request again, with the other scheme,
// and send it once more: after a 401 or 400 to the first knock on a host whose scheme
// is not known. second says the request was that second knock.
func (s *Keys) Answered(req *http.Request, status int, second bool) bool {
	return s.knocks.answered(req.URL.Host, req.Method, httpsig.SchemeOf(req.Header), status, second)
}
