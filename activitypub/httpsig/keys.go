package httpsig

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"strings"
)

// KeyBits is the size of the keys GenerateKey makes, as Mastodon's.
const KeyBits = 2048

// maxKeyBits bounds the public keys DecodePublicKeyPEM accepts, so a hostile actor
// cannot make every verification expensive.
const maxKeyBits = 16384

// maxPEMBytes bounds the PEM text the decoders read.
const maxPEMBytes = 64 << 10

// GenerateKey makes a 2048-bit RSA key pair for a local actor.
func GenerateKey() (*rsa.PrivateKey, error) {
	k, err := rsa.GenerateKey(rand.Reader, KeyBits)
	if err != nil {
		return nil, fmt.Errorf("httpsig: generate key: %w", err)
	}
	return k, nil
}

// EncodePublicKeyPEM encodes pub (RSA or Ed25519) as a PKIX "PUBLIC KEY" block, the
// form of an actor's publicKeyPem.
func EncodePublicKeyPEM(pub crypto.PublicKey) (string, error) {
	if !usableKey(pub) {
		return "", fmt.Errorf("%w: %T is no RSA or Ed25519 public key", ErrInvalidKey, pub)
	}
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrInvalidKey, err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})), nil
}

// DecodePublicKeyPEM reads the first PEM block of s as an RSA public key: PKIX
// "PUBLIC KEY" (what Mastodon publishes) or PKCS#1 "RSA PUBLIC KEY".
func DecodePublicKeyPEM(s string) (*rsa.PublicKey, error) {
	block, err := decodePEM(s)
	if err != nil {
		return nil, err
	}
	var pub *rsa.PublicKey
	switch block.Type {
	case "PUBLIC KEY":
		k, err := x509.ParsePKIXPublicKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrInvalidKey, err)
		}
		var ok bool
		if pub, ok = k.(*rsa.PublicKey); !ok {
			return nil, fmt.Errorf("%w: public key is %T, not RSA", ErrInvalidKey, k)
		}
	case "RSA PUBLIC KEY":
		if pub, err = x509.ParsePKCS1PublicKey(block.Bytes); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrInvalidKey, err)
		}
	default:
		return nil, fmt.Errorf("%w: PEM block %q is not a public key", ErrInvalidKey, block.Type)
	}
	if bits := pub.N.BitLen(); bits > maxKeyBits {
		return nil, fmt.Errorf("%w: %d-bit key is over %d bits", ErrInvalidKey, bits, maxKeyBits)
	}
	return pub, nil
}

// DecodeVerifyingKeyPEM reads the first PEM block of s as a key Verify can use: an
// RSA key as DecodePublicKeyPEM reads it, or an Ed25519 key in a PKIX "PUBLIC KEY"
// block.
func DecodeVerifyingKeyPEM(s string) (crypto.PublicKey, error) {
	block, err := decodePEM(s)
	if err != nil {
		return nil, err
	}
	if block.Type == "PUBLIC KEY" {
		if k, err := x509.ParsePKIXPublicKey(block.Bytes); err == nil {
			if ed, ok := k.(ed25519.PublicKey); ok {
				return ed, nil
			}
		}
	}
	return DecodePublicKeyPEM(s)
}

// EncodePrivateKeyPEM encodes key as a PKCS#1 "RSA PRIVATE KEY" block, the form
// Mastodon stores.
func EncodePrivateKeyPEM(key *rsa.PrivateKey) (string, error) {
	if key == nil {
		return "", fmt.Errorf("%w: nil private key", ErrInvalidKey)
	}
	der := x509.MarshalPKCS1PrivateKey(key)
	return string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: der})), nil
}

// DecodePrivateKeyPEM reads the first PEM block of s as an RSA private key: PKCS#1
// "RSA PRIVATE KEY" or PKCS#8 "PRIVATE KEY".
func DecodePrivateKeyPEM(s string) (*rsa.PrivateKey, error) {
	block, err := decodePEM(s)
	if err != nil {
		return nil, err
	}
	switch block.Type {
	case "RSA PRIVATE KEY":
		k, err := x509.ParsePKCS1PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrInvalidKey, err)
		}
		return k, nil
	case "PRIVATE KEY":
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrInvalidKey, err)
		}
		rk, ok := k.(*rsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("%w: private key is %T, not RSA", ErrInvalidKey, k)
		}
		return rk, nil
	default:
		return nil, fmt.Errorf("%w: PEM block %q is not a private key", ErrInvalidKey, block.Type)
	}
}

func decodePEM(s string) (*pem.Block, error) {
	if len(s) > maxPEMBytes {
		return nil, fmt.Errorf("%w: PEM text is %d bytes, over %d", ErrInvalidKey, len(s), maxPEMBytes)
	}
	block, _ := pem.Decode([]byte(strings.TrimSpace(s)))
	if block == nil {
		return nil, fmt.Errorf("%w: no PEM block", ErrInvalidKey)
	}
	return block, nil
}
