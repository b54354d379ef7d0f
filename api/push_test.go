package api_test

import (
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
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/herd-social/herd/testrig"
)

// pushEntity is Mastodon's WebPushSubscription entity as these tests read it.
type pushEntity struct {
	ID        string          `json:"id"`
	Endpoint  string          `json:"endpoint"`
	Standard  bool            `json:"standard"`
	Alerts    map[string]bool `json:"alerts"`
	Policy    string          `json:"policy"`
	ServerKey string          `json:"server_key"`
}

// pushMessage is the payload Mastodon's push messages carry.
type pushMessage struct {
	AccessToken      string `json:"access_token"`
	PreferredLocale  string `json:"preferred_locale"`
	NotificationID   uint64 `json:"notification_id"`
	NotificationType string `json:"notification_type"`
	Icon             string `json:"icon"`
	Title            string `json:"title"`
	Body             string `json:"body"`
}

// device is a user agent's push subscription keys: a P-256 pair and an auth secret.
// A legacy device subscribes without `standard`, as clients written before Mastodon
// 4.4, and expects the `aesgcm` encoding.
type device struct {
	key    *ecdh.PrivateKey
	auth   []byte
	legacy bool
}

func newDevice(t *testing.T) *device {
	t.Helper()
	key, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	auth := make([]byte, 16)
	rand.Read(auth)
	return &device{key: key, auth: auth}
}

// form is the subscription's POST body, as clients send it (JSON).
func (d *device) form(endpoint string, alerts map[string]bool, policy string) map[string]any {
	data := map[string]any{"alerts": alerts}
	if policy != "" {
		data["policy"] = policy
	}
	return map[string]any{"subscription": map[string]any{"endpoint": endpoint, "standard": !d.legacy,
		"keys": map[string]any{"p256dh": base64.RawURLEncoding.EncodeToString(d.key.PublicKey().Bytes()),
			"auth": base64.RawURLEncoding.EncodeToString(d.auth)}}, "data": data}
}

// decrypt reads an RFC 8291 aes128gcm message of one record sent to the device.
func (d *device) decrypt(body []byte) ([]byte, error) {
	if len(body) < 21 || int(body[20]) != 65 || len(body) < 21+65+16 {
		return nil, fmt.Errorf("short or malformed header (%d bytes)", len(body))
	}
	salt, rs, keyID, ct := body[:16], binary.BigEndian.Uint32(body[16:20]), body[21:86], body[86:]
	if len(body) > int(rs) {
		return nil, fmt.Errorf("%d bytes: more than one record of %d", len(body), rs)
	}
	server, err := ecdh.P256().NewPublicKey(keyID)
	if err != nil {
		return nil, err
	}
	secret, err := d.key.ECDH(server)
	if err != nil {
		return nil, err
	}
	info := append(append([]byte("WebPush: info\x00"), d.key.PublicKey().Bytes()...), keyID...)
	ikm, err := hkdf.Key(sha256.New, secret, d.auth, string(info), 32)
	if err != nil {
		return nil, err
	}
	cek, err := hkdf.Key(sha256.New, ikm, salt, "Content-Encoding: aes128gcm\x00", 16)
	if err != nil {
		return nil, err
	}
	nonce, err := hkdf.Key(sha256.New, ikm, salt, "Content-Encoding: nonce\x00", 12)
	if err != nil {
		return nil, err
	}
	plain, err := gcmOpen(cek, nonce, ct)
	if err != nil {
		return nil, err
	}
	plain = []byte(strings.TrimRight(string(plain), "\x00"))
	if len(plain) == 0 || plain[len(plain)-1] != 2 { // the last record's delimiter
		return nil, errors.New("no last-record delimiter")
	}
	return plain[:len(plain)-1], nil
}

// pushService is a push service on loopback: it checks each POST's VAPID signature,
// decrypts it for the device of its path, and answers 201, or 410 for /gone.
type pushService struct {
	*httptest.Server
	t       *testing.T
	devices map[string]*device
	mu      struct {
		sync.Mutex
		got map[string][]pushMessage
	}
}

func newPushService(t *testing.T, devices map[string]*device) *pushService {
	p := &pushService{t: t, devices: devices}
	p.mu.got = map[string][]pushMessage{}
	p.Server = httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(p.Close)
	return p
}

func (p *pushService) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if err := p.check(r, body); err != nil {
		p.t.Errorf("push to %s: %v", r.URL.Path, err)
		w.WriteHeader(400)
		return
	}
	if r.URL.Path == "/gone" {
		w.WriteHeader(http.StatusGone)
		return
	}
	w.WriteHeader(http.StatusCreated)
}

func (p *pushService) check(r *http.Request, body []byte) error {
	d := p.devices[r.URL.Path]
	if d == nil {
		return errors.New("no such device")
	}
	if r.Header.Get("TTL") == "" {
		return errors.New("no TTL")
	}
	var plain []byte
	var err error
	switch ce := r.Header.Get("Content-Encoding"); {
	case ce == "aes128gcm" && !d.legacy:
		if err := p.checkVAPID(r.Header.Get("Authorization")); err != nil {
			return err
		}
		plain, err = d.decrypt(body)
	case ce == "aesgcm" && d.legacy:
		plain, err = p.checkLegacy(r, d, body)
	default:
		return fmt.Errorf("Content-Encoding %q to a device that is legacy=%v", ce, d.legacy)
	}
	if err != nil {
		return fmt.Errorf("decrypt: %w", err)
	}
	var m pushMessage
	if err := json.Unmarshal(plain, &m); err != nil {
		return fmt.Errorf("payload %q: %w", plain, err)
	}
	p.mu.Lock()
	p.mu.got[r.URL.Path] = append(p.mu.got[r.URL.Path], m)
	p.mu.Unlock()
	return nil
}

// checkLegacy verifies and decrypts an `aesgcm` message (the drafts before RFC 8291
// and 8292): `Authorization: WebPush <JWT>` signed by the Crypto-Key's p256ecdsa,
// the salt in Encryption, the server's one-time key as the Crypto-Key's dh.
func (p *pushService) checkLegacy(r *http.Request, d *device, body []byte) ([]byte, error) {
	params := map[string]string{}
	for _, h := range []string{r.Header.Get("Encryption"), r.Header.Get("Crypto-Key")} {
		for _, kv := range strings.Split(h, ";") {
			if k, v, ok := strings.Cut(strings.TrimSpace(kv), "="); ok {
				params[k] = v
			}
		}
	}
	jwt, ok := strings.CutPrefix(r.Header.Get("Authorization"), "WebPush ")
	if !ok {
		return nil, fmt.Errorf("Authorization %q", r.Header.Get("Authorization"))
	}
	if err := p.checkVAPID("vapid t=" + jwt + ", k=" + params["p256ecdsa"]); err != nil {
		return nil, err
	}
	salt, err1 := base64.RawURLEncoding.DecodeString(params["salt"])
	dh, err2 := base64.RawURLEncoding.DecodeString(params["dh"])
	if err := errors.Join(err1, err2); err != nil || len(salt) != 16 {
		return nil, fmt.Errorf("Encryption %q, Crypto-Key %q: %v", r.Header.Get("Encryption"), r.Header.Get("Crypto-Key"), err)
	}
	server, err := ecdh.P256().NewPublicKey(dh)
	if err != nil {
		return nil, err
	}
	secret, err := d.key.ECDH(server)
	if err != nil {
		return nil, err
	}
	prk, err := hkdf.Key(sha256.New, secret, d.auth, "Content-Encoding: auth\x00", 32)
	if err != nil {
		return nil, err
	}
	ua := d.key.PublicKey().Bytes()
	context := append([]byte("P-256\x00\x00\x41"), ua...)
	context = append(append(context, 0, 0x41), dh...)
	cek, err := hkdf.Key(sha256.New, prk, salt, "Content-Encoding: aesgcm\x00"+string(context), 16)
	if err != nil {
		return nil, err
	}
	nonce, err := hkdf.Key(sha256.New, prk, salt, "Content-Encoding: nonce\x00"+string(context), 12)
	if err != nil {
		return nil, err
	}
	plain, err := gcmOpen(cek, nonce, body)
	if err != nil {
		return nil, err
	}
	if len(plain) < 2 || len(plain) < 2+int(binary.BigEndian.Uint16(plain)) {
		return nil, errors.New("bad padding length")
	}
	return plain[2+int(binary.BigEndian.Uint16(plain)):], nil
}

// serverKey is the VAPID key the instance publishes, which signatures must verify with.
var serverKey struct {
	sync.Mutex
	m map[string]bool
}

// checkVAPID verifies "vapid t=<JWT>, k=<key>" (RFC 8292): an ES256 JWT for this
// origin, signed by k, and k the instance's key.
func (p *pushService) checkVAPID(h string) error {
	rest, ok := strings.CutPrefix(h, "vapid t=")
	jwt, k, ok2 := strings.Cut(rest, ", k=")
	if !ok || !ok2 {
		return fmt.Errorf("Authorization %q", h)
	}
	serverKey.Lock()
	known := serverKey.m[k]
	serverKey.Unlock()
	if !known {
		return fmt.Errorf("VAPID key %q is not the instance's", k)
	}
	raw, err := base64.RawURLEncoding.DecodeString(k)
	if err != nil {
		return err
	}
	x, y := elliptic.Unmarshal(elliptic.P256(), raw)
	if x == nil {
		return errors.New("VAPID key is no P-256 point")
	}
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		return fmt.Errorf("JWT %q", jwt)
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || len(sig) != 64 {
		return fmt.Errorf("JWT signature: %v", err)
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	pub := &ecdsa.PublicKey{Curve: elliptic.P256(), X: x, Y: y}
	if !ecdsa.Verify(pub, digest[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])) {
		return errors.New("JWT signature does not verify")
	}
	claims, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return err
	}
	var c struct{ Aud, Sub string }
	if err := json.Unmarshal(claims, &c); err != nil {
		return err
	}
	if c.Aud != p.URL {
		return fmt.Errorf("aud %q, want %q", c.Aud, p.URL)
	}
	return nil
}

// received returns the messages pushed to path so far.
func (p *pushService) received(path string) []pushMessage {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]pushMessage(nil), p.mu.got[path]...)
}

// waitPushes waits until path has received n messages and returns them.
func (p *pushService) waitPushes(t *testing.T, path string, n int) []pushMessage {
	t.Helper()
	var got []pushMessage
	testrig.Eventually(t, fmt.Sprintf("%d pushes to %s", n, path), func() error {
		if got = p.received(path); len(got) < n {
			return fmt.Errorf("%d pushes: %+v", len(got), got)
		}
		return nil
	})
	return got
}

// learnServerKey records the key an instance publishes, for checkVAPID.
func learnServerKey(k string) {
	serverKey.Lock()
	defer serverKey.Unlock()
	if serverKey.m == nil {
		serverKey.m = map[string]bool{}
	}
	serverKey.m[k] = true
}

// subscribe posts a subscription of token and returns its entity.
func subscribe(t *testing.T, c *testrig.Cluster, token string, body map[string]any) pushEntity {
	t.Helper()
	var e pushEntity
	c.Must(c.DoJSON("POST", "/api/v1/push/subscription", token, body), 200).JSON(t, &e)
	return e
}

// gcmOpen decrypts and authenticates ct with AES-GCM.
func gcmOpen(key, nonce, ct []byte) ([]byte, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return gcm.Open(nil, nonce, ct, nil)
}
