package activitypub

import (
	"context"
	"crypto"
	"sync"
	"time"

	"github.com/herd-social/herd/activitypub/httpsig"
	"github.com/herd-social/herd/shard"
)

// The inbox verifies every POST with the key of its keyId. The key is kept in the
// store (tRemoteKeys) as PEM; reading, decoding and parsing it again for each request
// cost more than the verification itself, so parsed keys are also kept in memory,
// with their owner. A cached key is never more trusted than the stored one: a
// signature that fails with it is checked again with the key fetched afresh
// (refresh), which replaces it here too. The age bound only lets a node of a cluster
// pick up, within minutes, a key another node fetched again.

// verifyKeyTTL is how long a parsed key is served from memory.
const verifyKeyTTL = 10 * time.Minute

// maxVerifyKeys bounds the parsed keys in memory (under 1 KiB each).
const maxVerifyKeys = 10_000

// verifyKey is a parsed remote key and the actor id of its owner.
type verifyKey struct {
	owner string
	pub   crypto.PublicKey
	at    time.Time
}

// verifyKeys is the in-memory cache of parsed remote keys, by key id, and of the
// account ids of their owners, by actor id. An actor id names one account for as
// long as it exists, so the ids need no invalidation: the account itself is read
// from the node's account cache (which the event log keeps fresh on every node), and
// one whose actor id differs, or that is gone, is looked up again.
type verifyKeys struct {
	mu      sync.Mutex
	m       map[string]verifyKey
	signers map[string]shard.ID
}

func (c *verifyKeys) signer(owner string) (shard.ID, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	id, ok := c.signers[owner]
	return id, ok
}

func (c *verifyKeys) putSigner(owner string, id shard.ID) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.signers == nil || len(c.signers) >= maxVerifyKeys {
		c.signers = make(map[string]shard.ID)
	}
	c.signers[owner] = id
}

func (c *verifyKeys) get(keyID string, now time.Time) (verifyKey, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	k, ok := c.m[keyID]
	if !ok || now.Sub(k.at) > verifyKeyTTL || now.Before(k.at) {
		return verifyKey{}, false
	}
	return k, true
}

func (c *verifyKeys) put(keyID string, k verifyKey) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxVerifyKeys {
		c.m = make(map[string]verifyKey)
	}
	c.m[keyID] = k
}

// verifyKeyOf returns the parsed key of keyID and its owner: from memory unless
// refresh, else from remoteKey (the store, or a fetch), kept in memory once parsed.
func (s *Service) verifyKeyOf(ctx context.Context, keyID string, refresh bool) (verifyKey, error) {
	now := s.now()
	if !refresh {
		if k, ok := s.verified.get(keyID, now); ok {
			return k, nil
		}
	}
	rk, err := s.remoteKey(ctx, keyID, refresh)
	if err != nil {
		return verifyKey{}, err
	}
	pub, err := httpsig.DecodeVerifyingKeyPEM(rk.PEM)
	if err != nil {
		return verifyKey{}, err
	}
	k := verifyKey{owner: rk.Owner, pub: pub, at: now}
	s.verified.put(keyID, k)
	return k, nil
}
