package node

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/acme/autocert"
)

// selfSigned writes a self-signed certificate for host and its key to dir.
func selfSigned(t *testing.T, dir, host string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: host}, DNSNames: []string{host},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	for file, block := range map[string]*pem.Block{certFile: {Type: "CERTIFICATE", Bytes: der}, keyFile: {Type: "EC PRIVATE KEY", Bytes: keyDER}} {
		if err := os.WriteFile(file, pem.EncodeToMemory(block), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// TestServeTLSFromFiles: a node given a certificate and key answers the API over
// HTTPS (and not over plain HTTP on the same port), and its redirect listener sends
// plain HTTP to the same path on https://domain, 301 for GET and 308 for POST.
func TestServeTLSFromFiles(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, pool := selfSigned(t, dir, "herd.test")
	n, err := Open(Config{Listen: "127.0.0.1:0", Domain: "herd.test", Ops: "off", Data: dir, NoSync: true, BcryptCost: 4,
		TLS: TLSConfig{Cert: certFile, Key: keyFile, Redirect: "127.0.0.1:0"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Start(context.Background()); err != nil {
		n.Close()
		t.Fatal(err)
	}
	defer n.Close()
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: pool, ServerName: "herd.test"}},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get("https://" + n.Addr() + "/api/v1/instance")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.TLS == nil || !strings.Contains(string(body), `"uri":"herd.test"`) {
		t.Fatalf("https instance: %d tls=%v %.200s", resp.StatusCode, resp.TLS != nil, body)
	}
	if resp, err := client.Get("http://" + n.Addr() + "/api/v1/instance"); err == nil {
		resp.Body.Close()
		if resp.StatusCode == 200 {
			t.Fatal("the TLS port answered plain HTTP with 200")
		}
	}
	for method, want := range map[string]int{"GET": 301, "POST": 308} {
		req, _ := http.NewRequest(method, "http://"+n.RedirectAddr()+"/@alice?x=1", nil)
		req.Host = "evil.example"
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want || resp.Header.Get("Location") != "https://herd.test/@alice?x=1" {
			t.Errorf("%s redirect: %d %q", method, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
}

// TestTLSConfigValidation: the TLS keys are refused when they cannot work together,
// each error naming the key.
func TestTLSConfigValidation(t *testing.T) {
	for _, c := range []struct {
		tls    TLSConfig
		domain string
		scheme string
		want   string
	}{
		{TLSConfig{Cert: "c.pem"}, "herd.example", "", "tls.cert and tls.key go together"},
		{TLSConfig{ACME: true, Cert: "c.pem", Key: "k.pem"}, "herd.example", "", "exclude each other"},
		{TLSConfig{ACME: true}, "herd.example:8443", "", "tls.acme: domain"},
		{TLSConfig{ACME: true}, "localhost", "", "tls.acme: domain"},
		{TLSConfig{ACME: true, ACMEDirectory: "ftp://x"}, "herd.example", "", "tls.acme_directory"},
		{TLSConfig{Cert: "c.pem", Key: "k.pem", Redirect: "80"}, "herd.example", "", "tls.redirect"},
		{TLSConfig{Cert: "c.pem", Key: "k.pem"}, "herd.example", "http", "a node serving TLS has https URLs"},
	} {
		err := Config{Domain: c.domain, Scheme: c.scheme, TLS: c.tls}.WithDefaults().Validate()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v on %s: %v, want %q", c.tls, c.domain, err, c.want)
		}
	}
	cfg := Config{Domain: "herd.example", TLS: TLSConfig{ACME: true}}.WithDefaults()
	if err := cfg.Validate(); err != nil || cfg.TLS.Redirect != ":80" || cfg.Scheme != "https" ||
		cfg.TLS.ACMEDirectory != "https://acme-v02.api.letsencrypt.org/directory" {
		t.Fatalf("ACME defaults: %v %+v", err, cfg.TLS)
	}
	if err := (Config{TrustedProxies: []string{"10.0.0.0/8", "192.168.1.1", "nonsense"}}).WithDefaults().Validate(); err == nil ||
		!strings.Contains(err.Error(), `trusted_proxies: "nonsense"`) {
		t.Fatalf("bad trusted proxy: %v", err)
	}
}

// TestACMEManager: the manager asks the configured directory, for the instance's
// domain only, and keeps its certificates under the data directory.
func TestACMEManager(t *testing.T) {
	cfg := Config{Domain: "herd.example", Data: "/var/lib/herd",
		TLS: TLSConfig{ACME: true, ACMEDirectory: "https://acme-staging-v02.api.letsencrypt.org/directory", ACMEEmail: "ops@herd.example"}}.WithDefaults()
	m := NewACMEManager(cfg)
	if m.Client.DirectoryURL != cfg.TLS.ACMEDirectory || m.Email != "ops@herd.example" {
		t.Fatalf("manager: %q %q", m.Client.DirectoryURL, m.Email)
	}
	if dir, ok := m.Cache.(autocert.DirCache); !ok || string(dir) != "/var/lib/herd/acme" {
		t.Fatalf("cache: %#v", m.Cache)
	}
	ctx := context.Background()
	if err := m.HostPolicy(ctx, "herd.example"); err != nil {
		t.Fatalf("own domain refused: %v", err)
	}
	if err := m.HostPolicy(ctx, "other.example"); err == nil {
		t.Fatal("another domain accepted")
	}
	// A handshake for another name fails at the host policy, before any ACME traffic.
	_, err := m.GetCertificate(&tls.ClientHelloInfo{ServerName: "other.example"})
	if err == nil {
		t.Fatal("certificate for another domain")
	}
}

// TestTLSKeysFromEveryDoor: the TLS and proxy keys come from the file, the
// environment and flags alike, and a bad combination is refused at load, named.
func TestTLSKeysFromEveryDoor(t *testing.T) {
	file := writeFile(t, "domain = \"social.example\"\ntrusted_proxies = [\"10.0.0.0/8\"]\n[tls]\nacme_email = \"ops@social.example\"\n")
	env := map[string]string{"HERD_TLS_ACME": "true", "HERD_TRUSTED_PROXIES": "10.0.0.5, 192.168.0.0/16"}
	c, err := LoadConfig(Sources{File: file, Getenv: func(k string) string { return env[k] },
		Flags: map[string]string{"tls.acme_directory": "https://acme.test/dir", "tls.redirect": "127.0.0.1:8080"}})
	if err != nil {
		t.Fatal(err)
	}
	if !c.TLS.ACME || c.TLS.ACMEEmail != "ops@social.example" || c.TLS.ACMEDirectory != "https://acme.test/dir" ||
		c.TLS.Redirect != "127.0.0.1:8080" || c.Scheme != "https" || strings.Join(c.TrustedProxies, ",") != "10.0.0.5,192.168.0.0/16" {
		t.Fatalf("config %+v", c)
	}
	_, err = LoadConfig(Sources{Flags: map[string]string{"domain": "social.example", "tls.cert": "/etc/herd/cert.pem"}})
	if err == nil || !strings.Contains(err.Error(), "tls.cert and tls.key go together") {
		t.Fatalf("cert without key: %v", err)
	}
}

// TestACMENodeServesChallenges: a node in ACME mode starts without talking to the
// ACME server; its plain-HTTP listener routes /.well-known/acme-challenge/ to the
// manager (an unknown token is 404, not a redirect) and redirects the rest, and a TLS
// handshake for a name other than the domain fails at the host policy.
func TestACMENodeServesChallenges(t *testing.T) {
	n, err := Open(Config{Listen: "127.0.0.1:0", Domain: "herd.example", Ops: "off", Data: t.TempDir(), NoSync: true, BcryptCost: 4,
		TLS: TLSConfig{ACME: true, ACMEDirectory: "https://127.0.0.1:1/directory", Redirect: "127.0.0.1:0"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Start(context.Background()); err != nil {
		n.Close()
		t.Fatal(err)
	}
	defer n.Close()
	client := &http.Client{Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for path, want := range map[string]int{"/.well-known/acme-challenge/no-such-token": 404, "/@alice": 301} {
		req, _ := http.NewRequest("GET", "http://"+n.RedirectAddr()+path, nil)
		req.Host = "herd.example"
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("%s: %d, want %d", path, resp.StatusCode, want)
		}
	}
	conn, err := tls.Dial("tcp", n.Addr(), &tls.Config{ServerName: "other.example", InsecureSkipVerify: true})
	if err == nil {
		conn.Close()
		t.Fatal("a handshake for another name succeeded")
	}
}
