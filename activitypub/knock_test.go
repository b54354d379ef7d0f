package activitypub_test

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/herd-social/herd/activitypub/httpsig"
	"github.com/herd-social/herd/testrig"
)

// pickyPeer is a server that verifies only one signature scheme: a GET of its actor or
// a POST to its inbox signed otherwise is refused with 401, as a server that knows only
// draft-cavage (GoToSocial) or only RFC 9421 answers. Every signature is verified with
// the signer's key, read from the signer's actor document.
type pickyPeer struct {
	srv    *httptest.Server
	domain string
	accept httpsig.Scheme
	open   bool // GETs are served whatever their signature, as outside secure mode
	client *http.Client
	actor  map[string]any

	mu struct {
		sync.Mutex
		log []string // "GET rfc9421 200", in order
	}
}

func newPickyPeer(t *testing.T, name string, accept httpsig.Scheme, open, advertise bool) *pickyPeer {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p := &pickyPeer{accept: accept, open: open}
	p.srv = httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(p.srv.Close)
	_, port, _ := net.SplitHostPort(p.srv.Listener.Addr().String())
	p.domain = name + ".localhost:" + port
	p.client = &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			_, port, _ := net.SplitHostPort(addr)
			return (&net.Dialer{}).DialContext(ctx, network, "127.0.0.1:"+port)
		}}}
	der, _ := x509.MarshalPKIXPublicKey(&key.PublicKey)
	id := p.actorID()
	p.actor = map[string]any{"@context": "https://www.w3.org/ns/activitystreams", "id": id, "type": "Person",
		"preferredUsername": "zed", "inbox": id + "/inbox",
		"publicKey": map[string]any{"id": id + "#main-key", "owner": id,
			"publicKeyPem": string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))}}
	if advertise { // FEP-844e, as Mitra and tootik publish it
		p.actor["generator"] = map[string]any{"type": "Application", "implements": []any{map[string]any{
			"name": "RFC-9421: HTTP Message Signatures", "href": "https://datatracker.ietf.org/doc/html/rfc9421"}}}
	}
	return p
}

func (p *pickyPeer) actorID() string { return "http://" + p.domain + "/users/zed" }

func (p *pickyPeer) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/.well-known/webfinger" {
		json.NewEncoder(w).Encode(map[string]any{"subject": "acct:zed@" + p.domain, "links": []any{
			map[string]any{"rel": "self", "type": "application/activity+json", "href": p.actorID()}}})
		return
	}
	body, _ := io.ReadAll(r.Body)
	code := p.check(r, body)
	p.mu.Lock()
	p.mu.log = append(p.mu.log, fmt.Sprintf("%s %s %d", r.Method, httpsig.SchemeOf(r.Header), code))
	p.mu.Unlock()
	switch {
	case code != 200:
		http.Error(w, "signature refused", code)
	case r.Method == http.MethodGet && r.URL.Path == "/users/zed":
		w.Header().Set("Content-Type", "application/activity+json")
		json.NewEncoder(w).Encode(p.actor)
	case r.Method == http.MethodPost && r.URL.Path == "/users/zed/inbox":
		w.WriteHeader(http.StatusAccepted)
	default:
		http.NotFound(w, r)
	}
}

// check is 200 for a request signed with the accepted scheme by a key its owner's
// document lists, 401 otherwise.
func (p *pickyPeer) check(r *http.Request, body []byte) int {
	if p.open && r.Method == http.MethodGet {
		return 200
	}
	if httpsig.SchemeOf(r.Header) != p.accept {
		return 401
	}
	sreq := httpsig.FromNetHTTP(r, body)
	sreq.Scheme = "http"
	if _, err := httpsig.Verify(r.Context(), sreq, time.Now(), p.lookup); err != nil {
		return 401
	}
	return 200
}

// lookup reads a Herd actor's key from its document (unsigned: authorized fetch is off).
func (p *pickyPeer) lookup(ctx context.Context, keyID string, _ bool) (crypto.PublicKey, error) {
	owner, _, _ := strings.Cut(keyID, "#")
	req, err := http.NewRequestWithContext(ctx, "GET", owner, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/activity+json")
	resp, err := p.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var doc struct {
		PublicKey struct {
			ID  string `json:"id"`
			PEM string `json:"publicKeyPem"`
		} `json:"publicKey"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		return nil, err
	}
	if doc.PublicKey.ID != keyID {
		return nil, fmt.Errorf("%s names the key %s", owner, doc.PublicKey.ID)
	}
	return httpsig.DecodePublicKeyPEM(doc.PublicKey.PEM)
}

func (p *pickyPeer) requests() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.mu.log...)
}

// TestDoubleKnock: Herd fetches the actor of a server it does not know with
// draft-cavage first and, refused, with RFC 9421; a server that takes draft-cavage gets
// only that. A server that serves GETs whatever their signature but takes only RFC 9421
// at its inbox has the first delivery knocked twice, unless its actor advertises RFC
// 9421 (FEP-844e): then the first knock is RFC 9421, and draft-cavage the second. Each host's scheme is remembered:
// the deliveries that follow (signed by a user, not the instance actor) and a later
// fetch knock once, with that scheme.
func TestDoubleKnock(t *testing.T) {
	c := testrig.New(t, testrig.Host(t, "alpha"))
	alice := c.Register("alice")
	// Herd advertises what it verifies, as it reads others' advertisements.
	for path, field := range map[string]string{"/users/alice": "generator", "/actor": "implements"} {
		var doc map[string]any
		if got := fetchDoc(t, c, path, "", nil); got.code != 200 || json.Unmarshal([]byte(got.body), &doc) != nil {
			t.Fatalf("GET %s: %d %s", path, got.code, got.body)
		}
		if b, _ := json.Marshal(doc[field]); !strings.Contains(string(b), `"https://datatracker.ietf.org/doc/html/rfc9421"`) {
			t.Errorf("%s %s: %s", path, field, b)
		}
	}
	for _, tt := range []struct {
		name            string
		accept          httpsig.Scheme
		open, advertise bool
		first           []string // the requests of the first mention: fetch, then delivery
	}{
		{"rfc9421 only", httpsig.RFC9421, false, false, []string{"GET draft-cavage 401", "GET rfc9421 200", "POST rfc9421 200"}},
		{"cavage only", httpsig.Cavage, false, false, []string{"GET draft-cavage 200", "POST draft-cavage 200"}},
		{"open GETs", httpsig.RFC9421, true, false, []string{"GET draft-cavage 200", "POST draft-cavage 401", "POST rfc9421 200"}},
		{"advertised", httpsig.RFC9421, true, true, []string{"GET draft-cavage 200", "POST rfc9421 200"}},
		{"advertised wrongly", httpsig.Cavage, true, true, []string{"GET draft-cavage 200", "POST rfc9421 401", "POST draft-cavage 200"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			peer := newPickyPeer(t, strings.ReplaceAll(tt.name, " ", ""), tt.accept, tt.open, tt.advertise)
			mention := func(text string) {
				c.Must(alice.Do("POST", "/api/v1/statuses", url.Values{"status": {text + " @zed@" + peer.domain}}), 200)
			}
			mention("hello")
			testrig.Eventually(t, "the mention delivered", func() error {
				if got := peer.requests(); strings.Join(got, ", ") != strings.Join(tt.first, ", ") {
					return fmt.Errorf("requests %q, want %q", got, tt.first)
				}
				return nil
			})
			mention("again")
			ok := fmt.Sprintf("POST %s 200", tt.accept)
			want := append(append([]string(nil), tt.first...), ok)
			testrig.Eventually(t, "the second mention delivered", func() error {
				if got := peer.requests(); strings.Join(got, ", ") != strings.Join(want, ", ") {
					return fmt.Errorf("requests %q, want %q", got, want)
				}
				return nil
			})
			// A fetch (a search resolving the actor again) knocks once too.
			if _, err := c.Nodes[0].Federation.RemoteAccount(context.Background(), peer.actorID(), true); err != nil {
				t.Fatal(err)
			}
			want = append(want, fmt.Sprintf("GET %s 200", tt.accept))
			if got := peer.requests(); strings.Join(got, ", ") != strings.Join(want, ", ") {
				t.Fatalf("requests %q, want %q", got, want)
			}
		})
	}
}
