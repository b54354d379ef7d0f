package httpsig

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dunglas/httpsfv"
)

// rfcRequest is RFC 9421's test-request (appendix B.2), or with forwarded set the
// message as the proxy of section 4.3 forwards it.
func rfcRequest(forwarded bool) Request {
	h := http.Header{}
	host := "example.com"
	h.Set("Date", "Tue, 20 Apr 2021 02:07:55 GMT")
	if forwarded {
		host = "origin.host.internal.example"
		h.Set("Date", "Tue, 20 Apr 2021 02:07:56 GMT")
		h.Set("Forwarded", "for=192.0.2.123;host=example.com;proto=https")
	}
	h.Set("Host", host)
	h.Set("Content-Type", "application/json")
	h.Set("Content-Digest", "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:")
	h.Set("Content-Length", "18")
	return Request{Method: "POST", Path: "/foo", Query: "param=Value&Pet=dog", Host: host, Header: h, Body: []byte(`{"hello": "world"}`)}
}

// Section 4.3: the proxy's signature, the one RFC 9421 example with rsa-v1_5-sha256.
const (
	proxyInput = `proxy_sig=("@method" "@authority" "@path" "content-digest" "content-type" "content-length" "forwarded");created=1618884480;keyid="test-key-rsa";alg="rsa-v1_5-sha256";expires=1618884540`
	proxySig   = `S6ZzPXSdAMOPjN/6KXfXWNO/f7V6cHm7BXYUh3YD/fRad4BCaRZxP+JH+8XY1I6+8Cy+CM5g92iHgxtRPz+MjniOaYmdkDcnL9cCpXJleXsOckpURl49GwiyUpZ10KHgOEe11sx3G2gxI8S0jnxQB+Pu68U9vVcasqOWAEObtNKKZd8tSFu7LB5YAv0RAGhB8tmpv7sFnIm9y+7X5kXQfi8NMaZaA8i2ZHwpBdg7a6CMfwnnrtflzvZdXAsD3LH2TwevU+/PBPv0B6NMNk93wUs/vfJvye+YuI87HU38lZHowtznbLVdp770I6VHR6WfgS9ddzirrswsE1w5o0LV/g==`
	proxyBase  = `"@method": POST
"@authority": origin.host.internal.example
"@path": /foo
"content-digest": sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:
"content-type": application/json
"content-length": 18
"forwarded": for=192.0.2.123;host=example.com;proto=https
"@signature-params": ("@method" "@authority" "@path" "content-digest" "content-type" "content-length" "forwarded");created=1618884480;keyid="test-key-rsa";alg="rsa-v1_5-sha256";expires=1618884540`
	clientInput = `sig1=("@method" "@authority" "@path" "content-digest" "content-type" "content-length");created=1618884475;keyid="test-key-ecc-p256"`
	clientSig   = `X5spyd6CFnAG5QnDyHfqoSNICd+BUP4LYMz2Q0JXlb//4Ijpzp+kve2w4NIyqeAuM7jTDX+sNalzA8ESSaHD3A==`
)

// baseOf parses a Signature-Input dictionary and builds the base of its one member.
func baseOf(t *testing.T, r Request, input string) (params9421, []byte) {
	t.Helper()
	d, err := httpsfv.UnmarshalDictionary([]string{input})
	if err != nil {
		t.Fatal(err)
	}
	m, _ := d.Get(d.Names()[0])
	il := m.(httpsfv.InnerList)
	p, err := readParams9421(il)
	if err != nil {
		t.Fatal(err)
	}
	base, err := signatureBase(&r, il, p.components)
	if err != nil {
		t.Fatal(err)
	}
	return p, base
}

func TestRFC9421ProxySignature(t *testing.T) {
	p, base := baseOf(t, rfcRequest(true), proxyInput)
	if string(base) != proxyBase {
		t.Fatalf("signature base\n got %s\nwant %s", base, proxyBase)
	}
	if p.keyID != "test-key-rsa" || p.alg != alg9421 || p.created.Unix() != 1618884480 || p.expires.Unix() != 1618884540 {
		t.Errorf("params %+v", p)
	}
	sig, _ := base64.StdEncoding.DecodeString(proxySig)
	s := &rfc9421{base: base, sig: sig}
	if err := s.verify(mustPublic(t, rfcRSAPublicPEM)); err != nil {
		t.Errorf("verify with test-key-rsa (PKCS#1 PEM): %v", err)
	}
	sum := sha256.Sum256(base)
	mine, err := rsa.SignPKCS1v15(nil, mustPrivate(t, rfcRSAPrivatePEM), crypto.SHA256, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	if got := base64.StdEncoding.EncodeToString(mine); got != proxySig {
		t.Errorf("signing the base with test-key-rsa gives %s", got)
	}
	if err := s.verify(mustPublic(t, cavagePublicPEM)); err == nil {
		t.Error("verified with the wrong key")
	}
}

// TestRFC9421AppendixBBases rebuilds the bases of the rsa-pss-sha512 examples and
// checks the published signatures over them (RSA-PSS is checked here only: Verify
// accepts rsa-v1_5-sha256 alone, as Mastodon).
func TestRFC9421AppendixBBases(t *testing.T) {
	tests := []struct{ name, input, sig, base string }{
		{"B.2.1 minimal", `sig-b21=();created=1618884473;keyid="test-key-rsa-pss";nonce="b3k2pp5k7z-50gnwp.yemd"`,
			`d2pmTvmbncD3xQm8E9ZV2828BjQWGgiwAaw5bAkgibUopemLJcWDy/lkbbHAve4cRAtx31Iq786U7it++wgGxbtRxf8Udx7zFZsckzXaJMkA7ChG52eSkFxykJeNqsrWH5S+oxNFlD4dzVuwe8DhTSja8xxbR/Z2cOGdCbzR72rgFWhzx2VjBqJzsPLMIQKhO4DGezXehhWwE56YCE+O6c0mKZsfxVrogUvA4HELjVKWmAvtl6UnCh8jYzuVG5WSb/QEVPnP5TmcAnLH1g+s++v6d4s8m0gCw1fV5/SITLq9mhho8K3+7EPYTU8IU1bLhdxO5Nyt8C8ssinQ98Xw9Q==`,
			`"@signature-params": ();created=1618884473;keyid="test-key-rsa-pss";nonce="b3k2pp5k7z-50gnwp.yemd"`},
		{"B.2.3 full coverage", `sig-b23=("date" "@method" "@path" "@query" "@authority" "content-type" "content-digest" "content-length");created=1618884473;keyid="test-key-rsa-pss"`,
			`bbN8oArOxYoyylQQUU6QYwrTuaxLwjAC9fbY2F6SVWvh0yBiMIRGOnMYwZ/5MR6fb0Kh1rIRASVxFkeGt683+qRpRRU5p2voTp768ZrCUb38K0fUxN0O0iC59DzYx8DFll5GmydPxSmme9v6ULbMFkl+V5B1TP/yPViV7KsLNmvKiLJH1pFkh/aYA2HXXZzNBXmIkoQoLd7YfW91kE9o/CCoC1xMy7JA1ipwvKvfrs65ldmlu9bpG6A9BmzhuzF8Eim5f8ui9eH8LZH896+QIF61ka39VBrohr9iyMUJpvRX2Zbhl5ZJzSRxpJyoEZAFL2FUo5fTIztsDZKEgM4cUA==`,
			`"date": Tue, 20 Apr 2021 02:07:55 GMT
"@method": POST
"@path": /foo
"@query": ?param=Value&Pet=dog
"@authority": example.com
"content-type": application/json
"content-digest": sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:
"content-length": 18
"@signature-params": ("date" "@method" "@path" "@query" "@authority" "content-type" "content-digest" "content-length");created=1618884473;keyid="test-key-rsa-pss"`},
	}
	pub := mustPublic(t, rfcPSSPublicPEM)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, base := baseOf(t, rfcRequest(false), tt.input)
			if string(base) != tt.base {
				t.Fatalf("signature base\n got %s\nwant %s", base, tt.base)
			}
			sig, _ := base64.StdEncoding.DecodeString(tt.sig)
			sum := sha512.Sum512(base)
			if err := rsa.VerifyPSS(pub, crypto.SHA512, sum[:], sig, &rsa.PSSOptions{SaltLength: 64}); err != nil {
				t.Errorf("published RSA-PSS signature does not verify over the base: %v", err)
			}
		})
	}
	// B.2.2 names a query parameter (component parameters), which Mastodon's rules
	// never need; it is refused as malformed, not misread.
	d, _ := httpsfv.UnmarshalDictionary([]string{`sig-b22=("@authority" "content-digest" "@query-param";name="Pet");created=1618884473;keyid="test-key-rsa-pss";tag="header-example"`})
	m, _ := d.Get("sig-b22")
	if _, err := readParams9421(m.(httpsfv.InnerList)); !errors.Is(err, ErrMalformedSignature) {
		t.Errorf("B.2.2: %v, want ErrMalformedSignature", err)
	}
}

// TestRFC9421Section43Policy runs the section 4.3 message through Verify: it carries
// two signatures, which Mastodon refuses; alone, the proxy's signature lacks
// @target-uri.
func TestRFC9421Section43Policy(t *testing.T) {
	pub := mustPublic(t, rfcRSAPublicPEM)
	lookup := func(context.Context, string, bool) (crypto.PublicKey, error) { return pub, nil }
	now := time.Unix(1618884500, 0)
	r := rfcRequest(true)
	r.Header.Set("Signature-Input", clientInput+", "+proxyInput)
	r.Header.Set("Signature", "sig1=:"+clientSig+":, proxy_sig=:"+proxySig+":")
	if _, err := Verify(context.Background(), r, now, lookup); !errors.Is(err, ErrMalformedSignature) || !strings.Contains(err.Error(), "exactly one") {
		t.Errorf("two signatures: %v", err)
	}
	r.Header.Set("Signature-Input", proxyInput)
	r.Header.Set("Signature", "proxy_sig=:"+proxySig+":")
	keyID, err := Verify(context.Background(), r, now, lookup)
	if !errors.Is(err, ErrMissingComponent) || keyID != "test-key-rsa" {
		t.Errorf("proxy signature alone: %q, %v", keyID, err)
	}
}
