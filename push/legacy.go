package push

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// sendLegacy POSTs payload as Mastodon does for a subscription without `standard`:
// the `aesgcm` content coding of the drafts that came before RFC 8291 and RFC 8292
// (draft-ietf-webpush-encryption-04, draft-ietf-httpbis-encryption-encoding-03), which
// clients written for Mastodon before 4.4 decrypt. The salt and the server's one-time
// key travel in the Encryption and Crypto-Key headers, and the VAPID JWT in
// `Authorization: WebPush`.
func (s *Service) sendLegacy(ctx context.Context, sub *Subscription, payload []byte) (int, error) {
	keys, err := s.vapidKeys(ctx)
	if err != nil {
		return 0, err
	}
	body, salt, serverKey, err := encryptLegacy(sub, payload)
	if err != nil {
		return 0, err
	}
	jwt, err := vapidJWT(keys, sub.Endpoint, s.opts.Subscriber, s.opts.Now())
	if err != nil {
		return 0, err
	}
	ctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, sub.Endpoint, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	b64 := base64.RawURLEncoding.EncodeToString
	req.Header.Set("Content-Type", "application/octet-stream")
	req.Header.Set("Content-Encoding", "aesgcm")
	req.Header.Set("Encryption", "salt="+b64(salt))
	req.Header.Set("Crypto-Key", "dh="+b64(serverKey)+";p256ecdsa="+keys.Public)
	req.Header.Set("Authorization", "WebPush "+jwt)
	req.Header.Set("TTL", strconv.Itoa(ttl))
	req.Header.Set("Urgency", "normal")
	resp, err := s.opts.HTTP.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	return resp.StatusCode, nil
}

// encryptLegacy encrypts payload for sub as one `aesgcm` record, with a fresh salt
// and server key pair, and returns the record, the salt and the server's public key.
func encryptLegacy(sub *Subscription, payload []byte) (body, salt, serverKey []byte, err error) {
	uaRaw, err := decodeKey(sub.P256DH)
	if err != nil {
		return nil, nil, nil, err
	}
	ua, err := ecdh.P256().NewPublicKey(uaRaw)
	if err != nil {
		return nil, nil, nil, err
	}
	auth, err := decodeKey(sub.Auth)
	if err != nil {
		return nil, nil, nil, err
	}
	server, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		return nil, nil, nil, err
	}
	secret, err := server.ECDH(ua)
	if err != nil {
		return nil, nil, nil, err
	}
	salt = make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return nil, nil, nil, err
	}
	serverKey = server.PublicKey().Bytes()
	cek, nonce, err := legacyKeys(secret, auth, salt, uaRaw, serverKey)
	if err != nil {
		return nil, nil, nil, err
	}
	block, err := aes.NewCipher(cek)
	if err != nil {
		return nil, nil, nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, nil, nil, err
	}
	plain := append([]byte{0, 0}, payload...) // no padding: its length, then the payload
	return gcm.Seal(nil, nonce, plain, nil), salt, serverKey, nil
}

// legacyKeys derives the content-encryption key and nonce of an `aesgcm` message
// from the ECDH secret, the subscription's auth secret, the salt and both public
// keys (uncompressed points).
func legacyKeys(secret, auth, salt, uaKey, serverKey []byte) (cek, nonce []byte, err error) {
	prk, err := hkdf.Key(sha256.New, secret, auth, "Content-Encoding: auth\x00", 32)
	if err != nil {
		return nil, nil, err
	}
	context := []byte("P-256\x00")
	context = binary.BigEndian.AppendUint16(context, uint16(len(uaKey)))
	context = append(context, uaKey...)
	context = binary.BigEndian.AppendUint16(context, uint16(len(serverKey)))
	context = append(context, serverKey...)
	if cek, err = hkdf.Key(sha256.New, prk, salt, "Content-Encoding: aesgcm\x00"+string(context), 16); err != nil {
		return nil, nil, err
	}
	nonce, err = hkdf.Key(sha256.New, prk, salt, "Content-Encoding: nonce\x00"+string(context), 12)
	return cek, nonce, err
}

// vapidJWT is the ES256 JWT of VAPID for the endpoint's origin, valid 12 hours.
func vapidJWT(keys *vapid, endpoint, subscriber string, now time.Time) (string, error) {
	u, err := url.Parse(endpoint)
	if err != nil {
		return "", err
	}
	if len(subscriber) < 6 || subscriber[:6] != "https:" {
		subscriber = "mailto:" + subscriber
	}
	raw, err := base64.RawURLEncoding.DecodeString(keys.Private)
	if err != nil {
		return "", fmt.Errorf("push: VAPID private key: %w", err)
	}
	priv, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), raw)
	if err != nil {
		return "", fmt.Errorf("push: VAPID private key: %w", err)
	}
	claims, err := json.Marshal(map[string]any{"aud": u.Scheme + "://" + u.Host, "exp": now.Add(12 * time.Hour).Unix(),
		"sub": subscriber})
	if err != nil {
		return "", err
	}
	b64 := base64.RawURLEncoding.EncodeToString
	signed := b64([]byte(`{"typ":"JWT","alg":"ES256"}`)) + "." + b64(claims)
	digest := sha256.Sum256([]byte(signed))
	r, sig, err := ecdsa.Sign(rand.Reader, priv, digest[:])
	if err != nil {
		return "", err
	}
	out := make([]byte, 64)
	r.FillBytes(out[:32])
	sig.FillBytes(out[32:])
	return signed + "." + b64(out), nil
}
