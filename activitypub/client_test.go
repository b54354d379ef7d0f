package activitypub

import (
	"encoding/pem"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
)

// tlsPeer starts a TLS server that offers HTTP/2, counts the connections it accepts,
// and returns it with a CA file that trusts it.
func tlsPeer(t *testing.T) (*httptest.Server, string, *atomic.Int64) {
	t.Helper()
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Proto", r.Proto)
		w.WriteHeader(http.StatusAccepted)
	}))
	srv.EnableHTTP2 = true
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	return srv, ca, &conns
}

// TestClientSpeaksHTTP2: the outbound client negotiates HTTP/2 with a TLS peer that
// offers it, and carries concurrent requests on one connection; the address rule
// still applies to it.
func TestClientSpeaksHTTP2(t *testing.T) {
	srv, ca, conns := tlsPeer(t)
	c, err := NewHTTPClient(ClientOptions{AllowPrivate: true, ExtraCA: ca})
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseIdleConnections()
	resp, err := c.Get(srv.URL) // one connection first, for the others to share
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.ProtoMajor != 2 {
		t.Fatalf("answered over %s, want HTTP/2", resp.Proto)
	}
	errs := make(chan error, 20)
	for range cap(errs) {
		go func() {
			resp, err := c.Post(srv.URL, "application/activity+json", nil)
			if err == nil {
				resp.Body.Close()
			}
			errs <- err
		}()
	}
	for range cap(errs) {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("%d connections for 21 requests, want 1", n)
	}

	guarded, err := NewHTTPClient(ClientOptions{ExtraCA: ca})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := guarded.Get(srv.URL); !errors.Is(err, ErrForbiddenAddress) {
		t.Errorf("GET %s without AllowPrivate: %v, want ErrForbiddenAddress", srv.URL, err)
	}
}
