package node

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestOpsEndpoint: a node of the single shape serves the ops endpoint too, with
// Prometheus metrics of the requests it answered (by route template), dead letters,
// the Go runtime, and Go's profiles.
func TestOpsEndpoint(t *testing.T) {
	n, err := Open(Config{Listen: "127.0.0.1:0", Ops: "127.0.0.1:0", Data: t.TempDir(), NoSync: true, BcryptCost: 4}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Start(context.Background()); err != nil {
		n.Close()
		t.Fatal(err)
	}
	defer n.Close()
	get := func(url string) (int, string) {
		t.Helper()
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, string(b)
	}
	for _, path := range []string{"/api/v1/instance", "/api/v1/statuses/1", "/no/such/route"} {
		get("http://" + n.Addr() + path)
	}
	ops := "http://" + n.OpsAddr()
	code, body := get(ops + "/metrics")
	if code != 200 {
		t.Fatalf("/metrics: %d %s", code, body)
	}
	for _, want := range []string{
		`herd_http_requests_total{code="200",method="GET",route="/api/v1/instance"} 1`,
		`herd_http_requests_total{code="404",method="GET",route="/api/v1/statuses/{id}"} 1`,
		`herd_http_requests_total{code="404",method="GET",route="unmatched"} 1`,
		`herd_http_request_duration_seconds_bucket{method="GET",route="/api/v1/instance",le="+Inf"} 1`,
		"go_goroutines", "process_resident_memory_bytes",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	for _, path := range []string{"/ops/health", "/ops/cluster", "/ops/dead-letters", "/debug/pprof/", "/debug/pprof/goroutine?debug=1"} {
		if code, body := get(ops + path); code != 200 {
			t.Errorf("%s: %d %.200s", path, code, body)
		}
	}
}
