package activitypub_test

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/herd-social/herd/activitypub/httpsig"
	"github.com/herd-social/herd/node"
	"github.com/herd-social/herd/testrig"
)

// slowRemote is a server that answers nothing until the test ends (or the client
// gives up), under a .localhost name.
func slowRemote(t *testing.T) (domain string, hits *atomic.Int32) {
	t.Helper()
	stop := make(chan struct{})
	hits = new(atomic.Int32)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		select {
		case <-r.Context().Done():
		case <-stop:
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(stop) }) // runs first: the handlers return, then Close
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	return "slow.localhost:" + port, hits
}

// TestRemoteLookupsShareABudget: a status naming ten unknown handles on a server that
// never answers is posted within the resolve budget, its handles left as text; a
// profile note, a resolving search and the key fetch of an inbox POST are bounded
// the same way. Without the budget
// each handle would wait for the client's 10 s timeout, and the requests would
// outlast the test client's 30 s.
func TestRemoteLookupsShareABudget(t *testing.T) {
	c := testrig.New(t, testrig.Host(t, "alpha"), testrig.Config(func(cfg *node.Config) {
		cfg.ResolveBudget = 200 * time.Millisecond
	}))
	alice := c.Register("alice")
	slow, hits := slowRemote(t)
	var text strings.Builder
	for i := range 10 {
		fmt.Fprintf(&text, "@user%d@%s ", i, slow)
	}

	st := alice.PostStatus(text.String() + "@alice")
	if m := st.Mentions; len(m) != 1 {
		t.Fatalf("mentions %+v, want alice's only", m)
	}
	content := st.Content
	if !strings.Contains(content, "@user9@"+slow) || strings.Count(content, `class="u-url mention"`) != 1 {
		t.Fatalf("content %s", content)
	}
	if hits.Load() == 0 {
		t.Fatal("the slow server was never asked")
	}

	profile := url.Values{"note": {text.String()}}
	for i := range 4 {
		profile.Set(fmt.Sprintf("fields_attributes[%d][name]", i), "f")
		profile.Set(fmt.Sprintf("fields_attributes[%d][value]", i), fmt.Sprintf("@field%d@%s", i, slow))
	}
	me := testrig.Decode[testrig.Account](t, c.Must(alice.Do("PATCH", "/api/v1/accounts/update_credentials", profile), 200))
	if !strings.Contains(me.Note, "@user0@"+slow) {
		t.Fatalf("note %v", me.Note)
	}

	if found := alice.Search("@someone@"+slow, "resolve", "true"); len(found.Accounts) != 0 {
		t.Fatalf("search found %+v", found.Accounts)
	}
	if found := alice.Search("http://"+slow+"/users/x", "resolve", "true"); len(found.Accounts)+len(found.Statuses) != 0 {
		t.Fatalf("search found %+v", found)
	}

	// An inbox POST signed with a key on the slow server is refused once the budget
	// is spent, long before the fetch's own 10 s timeout (the client below gives up
	// after 5 s).
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	actor := "http://" + slow + "/users/x"
	body := []byte(`{"@context":"https://www.w3.org/ns/activitystreams","id":"` + actor + `#f","type":"Follow","actor":"` +
		actor + `","object":"http://` + c.Nodes[0].Config().Domain + `/users/alice"}`)
	req, _ := http.NewRequest("POST", c.URL()+"/inbox", bytes.NewReader(body))
	req.Host = c.Nodes[0].Config().Domain
	if err := httpsig.Sign(req, body, actor+"#main-key", key, time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := (&http.Client{Timeout: 5 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("the inbox POST outlasted the budget: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Fatalf("inbox answered %d, want 401", resp.StatusCode)
	}
}
