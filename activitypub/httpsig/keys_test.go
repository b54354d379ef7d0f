package httpsig

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"strings"
	"testing"
)

func TestGenerateKeyAndPEM(t *testing.T) {
	key, _ := testKeys(t)
	if bits := key.N.BitLen(); bits != 2048 {
		t.Fatalf("key has %d bits", bits)
	}
	pubPEM, err := EncodePublicKeyPEM(&key.PublicKey)
	if err != nil || !strings.HasPrefix(pubPEM, "-----BEGIN PUBLIC KEY-----\n") {
		t.Fatalf("EncodePublicKeyPEM: %q, %v", pubPEM, err)
	}
	pub, err := DecodePublicKeyPEM(pubPEM)
	if err != nil || !pub.Equal(&key.PublicKey) {
		t.Fatalf("public round trip: %v", err)
	}
	privPEM, err := EncodePrivateKeyPEM(key)
	if err != nil || !strings.HasPrefix(privPEM, "-----BEGIN RSA PRIVATE KEY-----\n") {
		t.Fatalf("EncodePrivateKeyPEM: %v", err)
	}
	priv, err := DecodePrivateKeyPEM(privPEM)
	if err != nil || !priv.Equal(key) {
		t.Fatalf("private round trip: %v", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	priv, err = DecodePrivateKeyPEM(string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})))
	if err != nil || !priv.Equal(key) {
		t.Fatalf("PKCS#8 private key: %v", err)
	}
}

func TestDecodePublicKeyPEMForms(t *testing.T) {
	pkcs1 := mustPublic(t, rfcRSAPublicPEM) // "RSA PUBLIC KEY", RFC 9421 B.1.1
	if pkcs1.N.BitLen() != 2048 {
		t.Errorf("test-key-rsa has %d bits", pkcs1.N.BitLen())
	}
	priv := mustPrivate(t, rfcRSAPrivatePEM)
	if !priv.PublicKey.Equal(pkcs1) {
		t.Error("test-key-rsa halves do not match")
	}
	// An actor's publicKeyPem may come with surrounding white space or CRLF lines.
	if _, err := DecodePublicKeyPEM("\n  " + cavagePublicPEM + "\n"); err != nil {
		t.Errorf("padded PKIX key: %v", err)
	}
	if _, err := DecodePublicKeyPEM(strings.ReplaceAll(cavagePublicPEM, "\n", "\r\n")); err != nil {
		t.Errorf("CRLF PKIX key: %v", err)
	}
}

func TestDecodeKeyPEMRejects(t *testing.T) {
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecPub, _ := x509.MarshalPKIXPublicKey(&ec.PublicKey)
	ecPriv, _ := x509.MarshalPKCS8PrivateKey(ec)
	block := func(typ string, b []byte) string { return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: b})) }
	publics := map[string]string{
		"empty":          "",
		"not PEM":        "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA",
		"EC key":         block("PUBLIC KEY", ecPub),
		"private block":  cavagePrivatePEM,
		"garbage DER":    block("PUBLIC KEY", []byte("nope")),
		"garbage PKCS#1": block("RSA PUBLIC KEY", []byte("nope")),
		"huge":           strings.Repeat("A", maxPEMBytes+1),
	}
	for name, s := range publics {
		if _, err := DecodePublicKeyPEM(s); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("public %s: %v", name, err)
		}
	}
	privates := map[string]string{
		"public block": cavagePublicPEM,
		"EC key":       block("PRIVATE KEY", ecPriv),
		"garbage":      block("RSA PRIVATE KEY", []byte("nope")),
	}
	for name, s := range privates {
		if _, err := DecodePrivateKeyPEM(s); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("private %s: %v", name, err)
		}
	}
	if _, err := EncodePublicKeyPEM(nil); !errors.Is(err, ErrInvalidKey) {
		t.Errorf("nil public: %v", err)
	}
	if _, err := EncodePrivateKeyPEM(nil); !errors.Is(err, ErrInvalidKey) {
		t.Errorf("nil private: %v", err)
	}
}
