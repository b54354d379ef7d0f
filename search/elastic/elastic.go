// Package elastic is the search engine of the cluster shape: Elasticsearch 8 or
// OpenSearch 2/3 over their shared REST API, through
// github.com/elastic/go-elasticsearch/v8. Every node shares the same indexes.
//
// Each kind of document (statuses, accounts, tags) lives in a versioned index,
// <prefix><kind>-v<N>, created from an index template (<prefix><kind>) that carries its
// settings, analyzers and mapping; reads and writes go through the alias <prefix><kind>,
// so that Reindex builds the next version and moves the alias in one atomic step. A
// status's text goes to the field of its language's built-in analyzer (the languages
// both servers ship, CJK by bigrams) and to a language-independent field folded to
// ASCII and lower case; a query's words are each matched against every field, as
// search/bleve does. Writes refresh before they return, as the contract wants.
//
// The v8 client refuses a server that does not say it is Elasticsearch; against
// OpenSearch, openSearchTransport sends plain JSON media types and answers that check.
package elastic

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"

	"github.com/elastic/go-elasticsearch/v8"
	"github.com/elastic/go-elasticsearch/v8/esapi"

	"github.com/herd-social/herd/search"
)

// Kinds of documents, each an alias over a versioned index.
const (
	Statuses = "statuses"
	Accounts = "accounts"
	Tags     = "tags"
)

var kinds = []string{Statuses, Accounts, Tags}

// Config locates the server and names the indexes.
type Config struct {
	// URL is the server's address, such as http://127.0.0.1:9200.
	URL string
	// Username and Password, when set, authenticate with HTTP basic authentication.
	Username, Password string
	// Prefix starts the name of every index, alias and template (default "herd-").
	Prefix string
	// Transport carries the requests; default http.DefaultTransport.
	Transport http.RoundTripper
	// noICU keeps the standard analysis where the nodes have ICU's (tests of both).
	noICU bool
}

// Engine is a search.Engine on an Elasticsearch or OpenSearch server.
type Engine struct {
	es         *elasticsearch.Client
	prefix     string
	openSearch bool
	// icu: new indexes analyse with the ICU plugin (hasICU).
	icu bool
	// build, when set, names the fresh indexes (<prefix><kind>-<build>) an engine of
	// Rebuild reads and writes instead of the aliases.
	build  string
	closed atomic.Bool
}

var _ search.Engine = (*Engine)(nil)

// Open connects to the server, installs the index templates and creates the first
// version of every index that has none.
func Open(ctx context.Context, cfg Config) (*Engine, error) {
	if cfg.Prefix == "" {
		cfg.Prefix = "herd-"
	}
	if cfg.Prefix != strings.ToLower(cfg.Prefix) || strings.ContainsAny(cfg.Prefix, `*,"\/ `) {
		return nil, fmt.Errorf("search: index prefix %q must be lower case without *, \", \\, / or spaces", cfg.Prefix)
	}
	next := cfg.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	e := &Engine{prefix: cfg.Prefix}
	var err error
	e.openSearch, err = isOpenSearch(ctx, next, cfg)
	if err != nil {
		return nil, err
	}
	tr := next
	if e.openSearch {
		tr = openSearchTransport{next: next}
	}
	e.es, err = elasticsearch.NewClient(elasticsearch.Config{Addresses: []string{cfg.URL},
		Username: cfg.Username, Password: cfg.Password, Transport: tr, DisableMetaHeader: e.openSearch})
	if err != nil {
		return nil, fmt.Errorf("search: client: %w", err)
	}
	if !cfg.noICU {
		if e.icu, err = e.hasICU(ctx); err != nil {
			return nil, err
		}
	}
	for _, k := range kinds {
		if err := e.install(ctx, k); err != nil {
			return nil, err
		}
	}
	return e, nil
}

// isOpenSearch asks the server what it is: OpenSearch names its distribution.
func isOpenSearch(ctx context.Context, tr http.RoundTripper, cfg Config) (bool, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(cfg.URL, "/")+"/", nil)
	if err != nil {
		return false, fmt.Errorf("search: url: %w", err)
	}
	if cfg.Username != "" {
		req.SetBasicAuth(cfg.Username, cfg.Password)
	}
	res, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		return false, fmt.Errorf("search: reach %s: %w", cfg.URL, err)
	}
	defer res.Body.Close()
	var info struct {
		Version struct {
			Distribution string `json:"distribution"`
			Number       string `json:"number"`
		} `json:"version"`
	}
	if res.StatusCode != http.StatusOK {
		return false, fmt.Errorf("search: %s answers %s", cfg.URL, res.Status)
	}
	if err := json.NewDecoder(res.Body).Decode(&info); err != nil {
		return false, fmt.Errorf("search: %s: %w", cfg.URL, err)
	}
	return info.Version.Distribution == "opensearch", nil
}

// openSearchTransport adapts the v8 client to OpenSearch: the client may ask for
// Elasticsearch's versioned media type, which OpenSearch does not know, and it checks
// that answers carry X-Elastic-Product, which OpenSearch does not send.
type openSearchTransport struct{ next http.RoundTripper }

func (t openSearchTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	for _, h := range []string{"Accept", "Content-Type"} {
		if strings.Contains(req.Header.Get(h), "vnd.elasticsearch") {
			if strings.Contains(req.URL.Path, "_bulk") && h == "Content-Type" {
				req.Header.Set(h, "application/x-ndjson")
			} else {
				req.Header.Set(h, "application/json")
			}
		}
	}
	res, err := t.next.RoundTrip(req)
	if err == nil && res.Header.Get("X-Elastic-Product") == "" {
		res.Header.Set("X-Elastic-Product", "Elasticsearch")
	}
	return res, err
}

// Prefix returns the prefix of the engine's index, alias and template names.
func (e *Engine) Prefix() string { return e.prefix }

// alias is the name reads and writes use for a kind.
func (e *Engine) alias(kind string) string { return e.prefix + kind }

// target is the index or alias documents of kind are read from and written to.
func (e *Engine) target(kind string) string {
	if e.build != "" {
		return e.alias(kind) + "-" + e.build
	}
	return e.alias(kind)
}

// install puts the kind's template and, when its alias is missing, creates version 1
// with the alias, else adds the template's new fields to the current version. Nodes starting together may race: an index that already exists is
// no error.
func (e *Engine) install(ctx context.Context, kind string) error {
	body, err := json.Marshal(map[string]any{
		"index_patterns": []string{e.alias(kind) + "-v*"},
		"template":       templates[kind](e.icu),
		"_meta":          map[string]any{"owner": "herd"},
	})
	if err != nil {
		return err
	}
	if _, err := e.call(esapi.IndicesPutIndexTemplateRequest{Name: e.alias(kind), Body: bytes.NewReader(body)}.Do(ctx, e.es)); err != nil {
		return fmt.Errorf("search: template %s: %w", kind, err)
	}
	res, err := esapi.IndicesExistsAliasRequest{Name: []string{e.alias(kind)}}.Do(ctx, e.es)
	if err != nil {
		return fmt.Errorf("search: alias %s: %w", kind, err)
	}
	res.Body.Close()
	if res.StatusCode == http.StatusOK {
		return e.addFields(ctx, kind)
	}
	err = e.create(ctx, kind, e.alias(kind)+"-v1", true)
	if err != nil && strings.Contains(err.Error(), "resource_already_exists_exception") {
		return nil
	}
	return err
}

// addFields puts the template's mapping on the kind's current index, so that fields
// added since it was created (has:link's and has:embed's) are known to its strict
// mapping; a field whose mapping changed needs Reindex, and is an error here.
func (e *Engine) addFields(ctx context.Context, kind string) error {
	mappings, _ := templates[kind](e.icu)["mappings"].(map[string]any)
	body, err := json.Marshal(map[string]any{"properties": mappings["properties"]})
	if err != nil {
		return err
	}
	if _, err := e.call(esapi.IndicesPutMappingRequest{Index: []string{e.alias(kind)}, Body: bytes.NewReader(body)}.Do(ctx, e.es)); err != nil {
		return fmt.Errorf("search: mapping of %s (run herd admin search reindex if it changed): %w", kind, err)
	}
	return nil
}

// create makes a versioned index of kind; with alias, it carries the kind's alias.
func (e *Engine) create(ctx context.Context, kind, index string, alias bool) error {
	body := map[string]any{}
	if alias {
		body["aliases"] = map[string]any{e.alias(kind): map[string]any{"is_write_index": true}}
	}
	b, _ := json.Marshal(body)
	if _, err := e.call(esapi.IndicesCreateRequest{Index: index, Body: bytes.NewReader(b)}.Do(ctx, e.es)); err != nil {
		return fmt.Errorf("search: create %s: %w", index, err)
	}
	return nil
}

// errorBody is the shape of an error answer.
type errorBody struct {
	Error struct {
		Type   string `json:"type"`
		Reason string `json:"reason"`
	} `json:"error"`
}

// call reads an answer, turning an error status into an error that names its type.
func (e *Engine) call(res *esapi.Response, err error) ([]byte, error) {
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, err
	}
	if res.IsError() {
		var eb errorBody
		if json.Unmarshal(b, &eb) == nil && eb.Error.Type != "" {
			return nil, fmt.Errorf("%s: %s: %s", res.Status(), eb.Error.Type, eb.Error.Reason)
		}
		return nil, fmt.Errorf("%s: %s", res.Status(), bytes.TrimSpace(b))
	}
	return b, nil
}

func (e *Engine) check() error {
	if e.closed.Load() {
		return search.ErrClosed
	}
	return nil
}

// Close implements search.Engine; the indexes stay on the server.
func (e *Engine) Close() error {
	e.closed.Store(true)
	return nil
}

// bulkOp is one action of a bulk request: a document to index (Doc set) or an id to
// delete.
type bulkOp struct {
	ID  string
	Doc any
}

// bulk sends the actions on kind's alias in one request, refreshing before it
// answers. Deleting a missing document is no error.
func (e *Engine) bulk(ctx context.Context, kind string, ops []bulkOp) error {
	if err := e.check(); err != nil {
		return err
	}
	if len(ops) == 0 {
		return ctx.Err()
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, op := range ops {
		action := "delete"
		if op.Doc != nil {
			action = "index"
		}
		if err := enc.Encode(map[string]any{action: map[string]any{"_id": op.ID}}); err != nil {
			return err
		}
		if op.Doc != nil {
			if err := enc.Encode(op.Doc); err != nil {
				return err
			}
		}
	}
	b, err := e.call(esapi.BulkRequest{Index: e.target(kind), Body: &buf, Refresh: "true"}.Do(ctx, e.es))
	if err != nil {
		return fmt.Errorf("search: bulk %s: %w", kind, err)
	}
	var res struct {
		Errors bool `json:"errors"`
		Items  []map[string]struct {
			ID     string          `json:"_id"`
			Status int             `json:"status"`
			Error  json.RawMessage `json:"error"`
		} `json:"items"`
	}
	if err := json.Unmarshal(b, &res); err != nil {
		return fmt.Errorf("search: bulk %s: %w", kind, err)
	}
	if !res.Errors {
		return nil
	}
	var errs []error
	for _, item := range res.Items {
		for action, r := range item {
			if r.Status < 300 || (action == "delete" && r.Status == http.StatusNotFound) {
				continue
			}
			errs = append(errs, fmt.Errorf("%s %s: %d %s", action, r.ID, r.Status, r.Error))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("search: bulk %s: %w", kind, errors.Join(errs...))
	}
	return nil
}

// hits are the documents a search found, best first.
type hits struct {
	Hits struct {
		Hits []struct {
			ID string `json:"_id"`
		} `json:"hits"`
	} `json:"hits"`
}

// find runs a search on kind's alias and returns the ids of its hits.
func (e *Engine) find(ctx context.Context, kind string, body map[string]any) ([]string, error) {
	if err := e.check(); err != nil {
		return nil, err
	}
	b, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	out, err := e.call(esapi.SearchRequest{Index: []string{e.target(kind)}, Body: bytes.NewReader(b)}.Do(ctx, e.es))
	if err != nil {
		return nil, fmt.Errorf("search: %s: %w", kind, err)
	}
	var h hits
	if err := json.Unmarshal(out, &h); err != nil {
		return nil, fmt.Errorf("search: %s: %w", kind, err)
	}
	ids := make([]string, len(h.Hits.Hits))
	for i, hit := range h.Hits.Hits {
		ids[i] = hit.ID
	}
	return ids, nil
}
