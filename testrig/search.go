package testrig

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/herd-social/herd/node"
)

// SearchServerEnv names an Elasticsearch or OpenSearch server (http://host:port), as
// `make test-cluster` starts one, for the tests that take SearchServer.
const SearchServerEnv = "HERD_OPENSEARCH"

// SearchServer makes the nodes search on the server SearchServerEnv names, when it is
// set (`make test-cluster` sets it for the suites it runs on the cluster shape), in
// indexes of a prefix of the test's own that every node of the test shares, dropped
// when the test ends; without it the nodes keep Bleve. The tests whose subject is
// search take it, so that they prove both engines; the others keep Bleve, since the
// server creates and drops a node's three indexes (six cluster-state changes, made
// one at a time) in about 2 s, which every test of the suites would add up to many
// minutes.
func SearchServer(t testing.TB) Option {
	url := os.Getenv(SearchServerEnv)
	if url == "" {
		return func(*node.Config) {}
	}
	var rnd [6]byte
	_, _ = rand.Read(rnd[:])
	server := node.SearchConfig{Engine: node.SearchElastic, URL: url,
		Prefix: "herd-rig-" + hex.EncodeToString(rnd[:]) + "-"}
	// Registered before the nodes' own clean-ups, so run after the nodes closed.
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := node.DropSearch(ctx, node.Config{Search: server}); err != nil {
			t.Errorf("drop the search indexes %s*: %v", server.Prefix, err)
		}
	})
	return func(c *node.Config) { c.Search = server }
}
