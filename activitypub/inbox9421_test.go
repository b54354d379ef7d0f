package activitypub_test

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/herd-social/herd/testrig"
)

// signed9421 is an inbox POST signed by hand with an RFC 9421 signature, as Mastodon
// 4.4+ verifies them: the base of section 2.5 over @method, @target-uri and
// content-digest, with created and keyid, signed with RSASSA-PKCS1-v1_5 SHA-256. It
// does not go through Herd's signer.
type signed9421 struct {
	method, target string // what is signed
	body           []byte // what the Content-Digest covers
	created        int64
}

// request builds the POST to path of c, signed by f, with body sent.
func (s signed9421) request(t *testing.T, c *testrig.Cluster, f *fakeRemote, path string, sent []byte) *http.Request {
	t.Helper()
	sum := sha256.Sum256(s.body)
	digest := "sha-256=:" + base64.StdEncoding.EncodeToString(sum[:]) + ":"
	params := `("@method" "@target-uri" "content-digest");created=` + strconv.FormatInt(s.created, 10) +
		`;keyid="` + f.actorID() + `#main-key"`
	base := `"@method": ` + s.method + "\n" + `"@target-uri": ` + s.target + "\n" +
		`"content-digest": ` + digest + "\n" + `"@signature-params": ` + params
	hashed := sha256.Sum256([]byte(base))
	sig, err := rsa.SignPKCS1v15(nil, f.key, crypto.SHA256, hashed[:])
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest("POST", c.URL()+path, bytes.NewReader(sent))
	if err != nil {
		t.Fatal(err)
	}
	req.Host = c.Nodes[0].Config().Domain
	req.Header.Set("Content-Type", "application/activity+json")
	req.Header.Set("Content-Digest", digest)
	req.Header.Set("Signature-Input", "sig1="+params)
	req.Header.Set("Signature", "sig1=:"+base64.StdEncoding.EncodeToString(sig)+":")
	return req
}

// withDigest sets the Content-Digest of req to that of body, after signing.
func withDigest(req *http.Request, body []byte) *http.Request {
	sum := sha256.Sum256(body)
	req.Header.Set("Content-Digest", "sha-256=:"+base64.StdEncoding.EncodeToString(sum[:])+":")
	return req
}

func send(t *testing.T, req *http.Request) (int, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestInboxRFC9421: a remote server's Create signed with an RFC 9421 signature is
// accepted at the shared inbox and applied; the same signature over a request changed
// in any covered part (the body, the body with its digest, the path, the method's
// target) is refused with 401, as is an expired one.
func TestInboxRFC9421(t *testing.T) {
	c := testrig.New(t, testrig.Host(t, "alpha"))
	alice := c.Register("alice")
	remote := newFakeRemote(t, "remote")
	noteID := remote.actorID() + "/statuses/9421"
	create := func(content string) []byte {
		b, _ := json.Marshal(map[string]any{"@context": "https://www.w3.org/ns/activitystreams", "id": noteID + "/activity",
			"type": "Create", "actor": remote.actorID(), "object": map[string]any{"id": noteID, "type": "Note",
				"attributedTo": remote.actorID(), "content": "<p>" + content + "</p>", "published": "2026-01-01T00:00:00Z",
				"to": []any{"https://www.w3.org/ns/activitystreams#Public"}}})
		return b
	}
	body := create("signed the RFC 9421 way")
	inbox := "http://" + c.Nodes[0].Config().Domain + "/inbox"
	now := time.Now().Unix()
	good := signed9421{method: "POST", target: inbox, body: body, created: now}

	for _, tt := range []struct {
		name string
		req  *http.Request
	}{
		{"body changed", good.request(t, c, remote, "/inbox", create("tampered"))},
		{"body changed with its digest", withDigest(good.request(t, c, remote, "/inbox", create("tampered")), create("tampered"))},
		{"another path", good.request(t, c, remote, "/users/alice/inbox", body)},
		{"another method signed", signed9421{"PUT", inbox, body, now}.request(t, c, remote, "/inbox", body)},
		{"expired", signed9421{"POST", inbox, body, now - 7200}.request(t, c, remote, "/inbox", body)},
	} {
		if code, msg := send(t, tt.req); code != 401 {
			t.Errorf("%s: answered %d %s, want 401", tt.name, code, msg)
		}
	}
	// Nothing of the refused requests was applied; the good one is.
	if found := alice.Search(noteID, "resolve", "false").Statuses; len(found) != 0 {
		t.Fatalf("a refused request was applied: %+v", found)
	}
	if code, msg := send(t, good.request(t, c, remote, "/inbox", body)); code != 202 {
		t.Fatalf("RFC 9421 signed POST answered %d %s", code, msg)
	}
	testrig.Eventually(t, "the RFC 9421 signed note applied", func() error {
		found := alice.Search(noteID, "resolve", "false").Statuses
		if len(found) != 1 || !strings.Contains(found[0].Content, "signed the RFC 9421 way") {
			return fmt.Errorf("search found %+v", found)
		}
		return nil
	})
}
