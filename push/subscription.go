package push

import (
	"context"
	"crypto/ecdh"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strings"

	webpush "github.com/SherClockHolmes/webpush-go"

	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// NewSubscription is what POST /api/v1/push/subscription gives.
type NewSubscription struct {
	Endpoint, P256DH, Auth string
	Standard               bool
	Alerts                 Alerts
	// Policy is "" for All.
	Policy Policy
}

// maxEndpoint bounds an endpoint URL.
const maxEndpoint = 2048

// decodeKey reads a key as push clients send them: base64, URL-safe or standard,
// padded or not.
func decodeKey(s string) ([]byte, error) {
	s = strings.TrimRight(strings.TrimSpace(s), "=")
	if b, err := base64.RawURLEncoding.DecodeString(s); err == nil {
		return b, nil
	}
	return base64.RawStdEncoding.DecodeString(s)
}

// check returns what Mastodon would refuse in n, "" if nothing.
func (n *NewSubscription) check() string {
	var bad []string
	switch u, err := url.Parse(n.Endpoint); {
	case n.Endpoint == "":
		bad = append(bad, "Endpoint can't be blank")
	case err != nil || len(n.Endpoint) > maxEndpoint || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" ||
		u.User != nil:
		bad = append(bad, "Endpoint is invalid")
	}
	if n.P256DH == "" {
		bad = append(bad, "Key p256dh can't be blank")
	} else if b, err := decodeKey(n.P256DH); err != nil {
		bad = append(bad, "Key p256dh is invalid")
	} else if _, err := ecdh.P256().NewPublicKey(b); err != nil {
		bad = append(bad, "Key p256dh is invalid")
	}
	if n.Auth == "" {
		bad = append(bad, "Key auth can't be blank")
	} else if b, err := decodeKey(n.Auth); err != nil || len(b) != 16 {
		bad = append(bad, "Key auth is invalid")
	}
	if msg := checkPolicy(&n.Policy); msg != "" {
		bad = append(bad, msg)
	}
	return strings.Join(bad, ", ")
}

// checkPolicy fills the default policy and says whether p is one Mastodon knows.
func checkPolicy(p *Policy) string {
	switch *p {
	case "":
		*p = All
	case All, Followed, Follower, None:
	default:
		return "Policy is not included in the list"
	}
	return ""
}

// Subscribe makes the subscription of the access token raw of account, replacing the
// one it had (a new id, as Mastodon makes a new one).
func (s *Service) Subscribe(ctx context.Context, accountID shard.ID, raw string, n NewSubscription) (*Subscription, error) {
	if msg := n.check(); msg != "" {
		return nil, &Validation{Msg: msg}
	}
	sub := &Subscription{ID: s.ids.Next(), AccountID: accountID, Endpoint: n.Endpoint, P256DH: n.P256DH, Auth: n.Auth,
		Standard: n.Standard, Alerts: n.Alerts, Policy: n.Policy, Token: raw, CreatedAt: s.opts.Now().UTC()}
	if err := s.save(ctx, sub); err != nil {
		return nil, err
	}
	return sub, nil
}

// Get returns the subscription of the access token raw of account.
func (s *Service) Get(ctx context.Context, accountID shard.ID, raw string) (*Subscription, error) {
	b, err := s.st.Get(ctx, tSubscriptions, accountID.Bytes(), tokenKey(raw))
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("push: load subscription of %d: %w", accountID, err)
	}
	var sub Subscription
	if err := store.Unmarshal(b, &sub); err != nil {
		return nil, err
	}
	return &sub, nil
}

// Update replaces the alerts and policy of the token's subscription, as Mastodon's
// PUT replaces its data: what is not given is off (alerts) or all (policy).
func (s *Service) Update(ctx context.Context, accountID shard.ID, raw string, alerts Alerts, policy Policy) (*Subscription, error) {
	if msg := checkPolicy(&policy); msg != "" {
		return nil, &Validation{Msg: msg}
	}
	sub, err := s.Get(ctx, accountID, raw)
	if err != nil {
		return nil, err
	}
	sub.Alerts, sub.Policy = alerts, policy
	if err := s.save(ctx, sub); err != nil {
		return nil, err
	}
	return sub, nil
}

// Delete removes the token's subscription; removing none succeeds, as Mastodon's.
func (s *Service) Delete(ctx context.Context, accountID shard.ID, raw string) error {
	if err := s.st.Delete(ctx, tSubscriptions, accountID.Bytes(), tokenKey(raw)); err != nil {
		return fmt.Errorf("push: delete subscription of %d: %w", accountID, err)
	}
	return nil
}

func (s *Service) save(ctx context.Context, sub *Subscription) error {
	b, err := store.Marshal(sub)
	if err != nil {
		return err
	}
	if err := s.st.Put(ctx, tSubscriptions, sub.AccountID.Bytes(), tokenKey(sub.Token), b, 0); err != nil {
		return fmt.Errorf("push: save subscription of %d: %w", sub.AccountID, err)
	}
	return nil
}

// subscriptions returns every subscription of account.
func (s *Service) subscriptions(ctx context.Context, accountID shard.ID) ([]Subscription, error) {
	rows, err := s.st.Scan(ctx, tSubscriptions, accountID.Bytes(), store.Range{})
	if err != nil {
		return nil, fmt.Errorf("push: subscriptions of %d: %w", accountID, err)
	}
	out := make([]Subscription, 0, len(rows))
	for _, r := range rows {
		var sub Subscription
		if err := store.Unmarshal(r.Value, &sub); err != nil {
			return nil, err
		}
		out = append(out, sub)
	}
	return out, nil
}

// remove deletes sub unless the token has subscribed again since (another id).
func (s *Service) remove(ctx context.Context, sub *Subscription) error {
	cur, err := s.Get(ctx, sub.AccountID, sub.Token)
	if errors.Is(err, ErrNotFound) || (err == nil && cur.ID != sub.ID) {
		return nil
	}
	if err != nil {
		return err
	}
	return s.Delete(ctx, sub.AccountID, sub.Token)
}

// vapid is the instance's VAPID key pair, base64url as webpush-go makes them.
type vapid struct {
	Private string `cbor:"1,keyasint"`
	Public  string `cbor:"2,keyasint"`
}

var vapidKey = []byte("vapid")

// vapidKeys returns the instance's VAPID keys, making them on first use; two racing
// first uses keep one pair (the loser adopts the winner's), as the actors' keys.
func (s *Service) vapidKeys(ctx context.Context) (*vapid, error) {
	s.vapid.Lock()
	k := s.vapid.keys
	s.vapid.Unlock()
	if k != nil {
		return k, nil
	}
	k, err := s.loadVAPIDKeys(ctx)
	if err != nil {
		return nil, err
	}
	s.vapid.Lock()
	s.vapid.keys = k
	s.vapid.Unlock()
	return k, nil
}

func (s *Service) loadVAPIDKeys(ctx context.Context) (*vapid, error) {
	b, err := s.st.Get(ctx, tVAPID, vapidKey, []byte{})
	if err == nil {
		var k vapid
		return &k, store.Unmarshal(b, &k)
	}
	if !errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("push: load VAPID keys: %w", err)
	}
	priv, pub, err := webpush.GenerateVAPIDKeys()
	if err != nil {
		return nil, fmt.Errorf("push: generate VAPID keys: %w", err)
	}
	k := vapid{Private: priv, Public: pub}
	enc, err := store.Marshal(&k)
	if err != nil {
		return nil, err
	}
	ok, existing, err := s.st.PutIfAbsent(context.WithoutCancel(ctx), tVAPID, vapidKey, []byte{}, enc, 0)
	if err != nil {
		return nil, fmt.Errorf("push: save VAPID keys: %w", err)
	}
	if !ok {
		var won vapid
		return &won, store.Unmarshal(existing, &won)
	}
	return &k, nil
}

// ServerKey returns the instance's VAPID public key (an uncompressed P-256 point,
// base64url), which clients subscribe with: Mastodon's `server_key` and `vapid_key`.
func (s *Service) ServerKey(ctx context.Context) (string, error) {
	k, err := s.vapidKeys(ctx)
	if err != nil {
		return "", err
	}
	return k.Public, nil
}

// DeleteAll removes every subscription of account (the erasure of a deleted account).
func (s *Service) DeleteAll(ctx context.Context, accountID shard.ID) error {
	err := s.st.Batch(ctx, []store.Mutation{{Kind: store.DeletePartition, Table: tSubscriptions, PK: accountID.Bytes()}})
	if err != nil {
		return fmt.Errorf("push: delete subscriptions of %d: %w", accountID, err)
	}
	return nil
}
