package activitypub_test

import (
	"bytes"
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
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/herd-social/herd/activitypub/httpsig"
)

// fakeRelay stands in for a relay speaking Mastodon's protocol (as pub-relay and
// activity-relay do; relaymode_test.go tests Herd's own relay mode), and, lax, for a
// subscriber of one: a Follow of the public
// collection at its inbox subscribes the follower's server, answered with an Accept
// signed by the relay's actor; an Undo of it unsubscribes; any other activity is
// forwarded, as it came, to every other subscriber's inbox, signed by the relay.
// While held, it records activities without forwarding them.
type fakeRelay struct {
	srv    *httptest.Server
	domain string
	key    *rsa.PrivateKey
	client *http.Client

	mu struct {
		sync.Mutex
		subscribers map[string]string // follower actor → its inbox
		received    [][]byte
		held        bool
		reject      bool // answer Follows with Reject
		lax         bool // take POSTs without checking their signatures
		down        bool // answer POSTs 503
	}
}

func newFakeRelay(t *testing.T) *fakeRelay { return newFakeServer(t, "relay") }

// newFakeServer is a fakeRelay at name.localhost.
func newFakeServer(t *testing.T, name string) *fakeRelay {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeRelay{key: key}
	f.mu.subscribers = map[string]string{}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	_, port, _ := net.SplitHostPort(f.srv.Listener.Addr().String())
	f.domain = name + ".localhost:" + port
	// Every name under .localhost is this machine.
	f.client = &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			_, p, _ := net.SplitHostPort(addr)
			return (&net.Dialer{}).DialContext(ctx, network, "127.0.0.1:"+p)
		}}}
	return f
}

func (f *fakeRelay) actorID() string { return "http://" + f.domain + "/actor" }
func (f *fakeRelay) inbox() string   { return "http://" + f.domain + "/inbox" }

func (f *fakeRelay) rejecting(on bool) {
	f.mu.Lock()
	f.mu.reject = on
	f.mu.Unlock()
}

func (f *fakeRelay) hold(on bool) {
	f.mu.Lock()
	f.mu.held = on
	f.mu.Unlock()
}

func (f *fakeRelay) serve(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/actor" && r.Method == "GET":
		der, _ := x509.MarshalPKIXPublicKey(&f.key.PublicKey)
		w.Header().Set("Content-Type", "application/activity+json")
		json.NewEncoder(w).Encode(map[string]any{"@context": []any{"https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"},
			"id": f.actorID(), "type": "Application", "preferredUsername": "relay", "inbox": f.inbox(),
			"publicKey": map[string]any{"id": f.actorID() + "#main-key", "owner": f.actorID(),
				"publicKeyPem": string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))}})
	case r.URL.Path == "/inbox" && r.Method == "POST":
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		lax, down := f.mu.lax, f.mu.down
		f.mu.Unlock()
		if down {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		if err := f.verify(r, body); err != nil && !lax {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		w.WriteHeader(http.StatusAccepted)
		f.take(body)
	default:
		http.Error(w, "not here", http.StatusMethodNotAllowed)
	}
}

// verify checks a POST's HTTP signature, as a relay does: by a key of the activity's
// actor, read from the actor's document.
func (f *fakeRelay) verify(r *http.Request, body []byte) error {
	var act struct {
		Actor string `json:"actor"`
	}
	if err := json.Unmarshal(body, &act); err != nil {
		return err
	}
	sreq := httpsig.FromNetHTTP(r, body)
	sreq.Scheme = "http"
	_, err := httpsig.Verify(r.Context(), sreq, time.Now(), func(ctx context.Context, keyID string, _ bool) (crypto.PublicKey, error) {
		owner, _, _ := strings.Cut(keyID, "#")
		if owner != act.Actor {
			return nil, fmt.Errorf("key %s is not of the actor %s", keyID, act.Actor)
		}
		var doc struct {
			PublicKey struct {
				ID  string `json:"id"`
				PEM string `json:"publicKeyPem"`
			} `json:"publicKey"`
		}
		if err := f.get(ctx, owner, &doc); err != nil {
			return nil, err
		}
		if doc.PublicKey.ID != keyID {
			return nil, fmt.Errorf("%s names the key %s", owner, doc.PublicKey.ID)
		}
		return httpsig.DecodePublicKeyPEM(doc.PublicKey.PEM)
	})
	return err
}

// get reads a JSON document.
func (f *fakeRelay) get(ctx context.Context, uri string, v any) error {
	req, err := http.NewRequestWithContext(ctx, "GET", uri, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/activity+json")
	resp, err := f.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return fmt.Errorf("GET %s: %d", uri, resp.StatusCode)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

// take handles one POSTed activity.
func (f *fakeRelay) take(body []byte) {
	var act struct {
		ID     string          `json:"id"`
		Type   string          `json:"type"`
		Actor  string          `json:"actor"`
		Object json.RawMessage `json:"object"`
	}
	if json.Unmarshal(body, &act) != nil {
		return
	}
	f.mu.Lock()
	f.mu.received = append(f.mu.received, body)
	held, answer := f.mu.held, "Accept"
	if f.mu.reject {
		answer = "Reject"
	}
	f.mu.Unlock()
	switch act.Type {
	case "Follow":
		inbox := f.inboxOf(act.Actor)
		f.mu.Lock()
		f.mu.subscribers[act.Actor] = inbox
		f.mu.Unlock()
		var follow any
		json.Unmarshal(body, &follow)
		f.send(inbox, map[string]any{"@context": "https://www.w3.org/ns/activitystreams",
			"id": f.actorID() + "#answers/" + act.ID, "type": answer, "actor": f.actorID(), "object": follow})
		if string(act.Object) == `"`+f.actorID()+`"` && answer == "Accept" {
			// LitePub's relays follow their subscribers back.
			f.send(inbox, map[string]any{"@context": "https://www.w3.org/ns/activitystreams",
				"id": f.actorID() + "#follows/" + act.ID, "type": "Follow", "actor": f.actorID(), "object": act.Actor})
		}
	case "Undo":
		f.mu.Lock()
		delete(f.mu.subscribers, act.Actor)
		f.mu.Unlock()
	default:
		if held {
			return
		}
		for _, inbox := range f.subscriberInboxes(act.Actor) {
			f.forward(inbox, body)
		}
	}
}

// inboxOf reads the (shared) inbox of an actor.
func (f *fakeRelay) inboxOf(actor string) string {
	var doc struct {
		Inbox     string `json:"inbox"`
		Endpoints struct {
			SharedInbox string `json:"sharedInbox"`
		} `json:"endpoints"`
	}
	if f.get(context.Background(), actor, &doc) != nil {
		return ""
	}
	if doc.Endpoints.SharedInbox != "" {
		return doc.Endpoints.SharedInbox
	}
	return doc.Inbox
}

// subscriberInboxes lists the inboxes of the subscribers other than the server of
// from.
func (f *fakeRelay) subscriberInboxes(from string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for actor, inbox := range f.mu.subscribers {
		if hostOfURL(actor) != hostOfURL(from) {
			out = append(out, inbox)
		}
	}
	return out
}

func hostOfURL(u string) string {
	req, err := http.NewRequest("GET", u, nil)
	if err != nil {
		return ""
	}
	return req.URL.Host
}

func (f *fakeRelay) send(inbox string, act map[string]any) int {
	body, _ := json.Marshal(act)
	return f.forward(inbox, body)
}

// forward POSTs a body to an inbox, signed by the relay's actor, and returns the
// status code.
func (f *fakeRelay) forward(inbox string, body []byte) int {
	req, err := http.NewRequest("POST", inbox, bytes.NewReader(body))
	if err != nil {
		return 0
	}
	req.Header.Set("Content-Type", "application/activity+json")
	if err := httpsig.Sign(req, body, f.actorID()+"#main-key", f.key, time.Now()); err != nil {
		return 0
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// received returns the activities POSTed to the relay so far, decoded.
func (f *fakeRelay) received() []map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]map[string]any, 0, len(f.mu.received))
	for _, b := range f.mu.received {
		var m map[string]any
		if json.Unmarshal(b, &m) == nil {
			out = append(out, m)
		}
	}
	return out
}

// find returns the first received activity of a type whose object (or its id) is
// uri.
func (f *fakeRelay) find(typ, uri string) map[string]any {
	for _, act := range f.received() {
		if act["type"] != typ {
			continue
		}
		switch o := act["object"].(type) {
		case string:
			if o == uri {
				return act
			}
		case map[string]any:
			if o["id"] == uri {
				return act
			}
		}
	}
	return nil
}
