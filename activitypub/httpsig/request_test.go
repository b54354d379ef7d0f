package httpsig

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rsa"
	"io"
	"net/http"
	"testing"

	"github.com/valyala/fasthttp"
)

// TestVerifyOverTheWire signs with net/http, writes the request as the client sends
// it, reads it back as fasthttp and net/http servers do, and verifies both views.
func TestVerifyOverTheWire(t *testing.T) {
	key, _ := testKeys(t)
	tests := []struct {
		name, target string
		body         []byte
	}{
		{"GET with query", "https://herd.example/users/bob/outbox?page=true&min_id=0", nil},
		{"GET escaped path", "https://herd.example/tags/%E2%9C%93?x=%2F", nil},
		{"POST", "https://herd.example/users/bob/inbox", []byte(`{"type":"Follow","actor":"https://remote.example/users/alice"}`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method := http.MethodGet
			if tt.body != nil {
				method = http.MethodPost
			}
			req, err := http.NewRequest(method, tt.target, bytes.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if err := Sign(req, tt.body, actorKey, key, t0); err != nil {
				t.Fatal(err)
			}
			var wire bytes.Buffer
			if err := req.Write(&wire); err != nil {
				t.Fatal(err)
			}

			var fr fasthttp.Request
			if err := fr.Read(bufio.NewReader(bytes.NewReader(wire.Bytes()))); err != nil {
				t.Fatal(err)
			}
			check(t, "fasthttp", FromFastHTTP(&fr), &key.PublicKey)

			nr, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(wire.Bytes())))
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(nr.Body)
			if err != nil {
				t.Fatal(err)
			}
			check(t, "net/http", FromNetHTTP(nr, body), &key.PublicKey)
		})
	}
}

func check(t *testing.T, via string, r Request, pub *rsa.PublicKey) {
	t.Helper()
	if r.Host != "herd.example" || r.Header.Get("Host") != "herd.example" {
		t.Errorf("%s: host %q / %q", via, r.Host, r.Header.Get("Host"))
	}
	keyID, err := Verify(context.Background(), r, t0, fixed(pub))
	if err != nil || keyID != actorKey {
		t.Errorf("%s: Verify: %q, %v", via, keyID, err)
	}
}

func TestSplitTarget(t *testing.T) {
	tests := []struct{ in, path, query string }{
		{"/users/bob?page=true", "/users/bob", "page=true"},
		{"/inbox", "/inbox", ""},
		{"", "/", ""},
		{"?x=1", "/", "x=1"},
		{"https://herd.example/a/b?c=d", "/a/b", "c=d"},
		{"https://herd.example", "/", ""},
		{"/redirect?to=https://x.example/", "/redirect", "to=https://x.example/"},
	}
	for _, tt := range tests {
		if p, q := splitTarget(tt.in); p != tt.path || q != tt.query {
			t.Errorf("splitTarget(%q) = %q, %q; want %q, %q", tt.in, p, q, tt.path, tt.query)
		}
	}
}
