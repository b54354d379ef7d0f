// Package openapi validates API responses against Mastodon's OpenAPI 3.1 description
// (testdata/schema.json, from abraham/mastodon-openapi), so that a response of the wrong
// shape — a missing field, a number where a string belongs, a null the description
// forbids — fails a test.
//
// It is for tests only: it must not be imported by production code, and it never changes
// a response, only judges it. Where the description is stricter than Mastodon itself, the
// adjustments are listed in quirks.go; Mastodon's real behaviour wins.
package openapi

import (
	"bytes"
	_ "embed"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

//go:embed testdata/schema.json
var schemaJSON []byte

// docURL is the address under which the description is known to the schema compiler.
// Nothing is fetched from it.
const docURL = "https://herd.invalid/mastodon-openapi/schema.json"

// Validator checks responses against the description. It is safe for concurrent use;
// schemas are compiled on first use, one operation at a time, and kept.
type Validator struct {
	router router
	ops    []string // every "METHOD /template", sorted

	mu struct {
		sync.Mutex
		compiler *jsonschema.Compiler
		schemas  map[string]*jsonschema.Schema // by JSON pointer into the description
		seen     map[string]struct{}           // operations matched so far
	}
}

// Load parses the embedded description and returns a Validator for it. Schemas are
// compiled lazily, so Load itself only parses and indexes.
func Load() (*Validator, error) {
	raw, err := jsonschema.UnmarshalJSON(bytes.NewReader(schemaJSON))
	if err != nil {
		return nil, fmt.Errorf("openapi: parse description: %w", err)
	}
	doc, ok := raw.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("openapi: description is not an object")
	}
	if err := applyQuirks(doc); err != nil {
		return nil, err
	}
	routes, err := indexRoutes(doc)
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	if err := c.AddResource(docURL, doc); err != nil {
		return nil, fmt.Errorf("openapi: add description: %w", err)
	}
	v := &Validator{router: newRouter(routes)}
	for _, rt := range routes {
		for _, op := range rt.ops {
			v.ops = append(v.ops, op.name)
		}
	}
	slices.Sort(v.ops)
	v.mu.compiler = c
	v.mu.schemas = make(map[string]*jsonschema.Schema)
	v.mu.seen = make(map[string]struct{})
	return v, nil
}

// shared is the one Validator of Default; the description it holds never changes.
var shared = sync.OnceValues(Load)

// Default returns a Validator shared by the whole test binary, loaded on first use. Its
// Seen list therefore covers every test that used it.
func Default() (*Validator, error) { return shared() }

// Validate checks one response. path is the request path as sent (a query string and a
// trailing slash are ignored), status and contentType are the response's, body is its
// body. It returns nil when the description declares no operation for the method and
// path, or no schema for the status (exact code, then "2XX", then "default"), or a media
// type other than JSON. Otherwise it returns an *Error listing every mismatch, or an
// error if the description itself cannot be compiled.
func (v *Validator) Validate(method, path string, status int, contentType string, body []byte) error {
	rt := v.router.match(path)
	if rt == nil {
		return nil
	}
	op := rt.ops[strings.ToUpper(method)]
	if op == nil {
		return nil
	}
	v.markSeen(op.name)
	resp := op.response(status)
	if resp == nil {
		return nil
	}
	fail := func(p ...Problem) error { return &Error{Operation: op.name, Status: status, Problems: p} }
	ptr, err := op.schemaPointer(resp, contentType)
	if err != nil {
		return fail(Problem{Message: err.Error()})
	}
	if ptr == "" {
		return nil
	}
	sch, err := v.schema(ptr)
	if err != nil {
		return fmt.Errorf("openapi: %s %d: %w", op.name, status, err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		return fail(Problem{Message: fmt.Sprintf("body is not JSON: %v", err)})
	}
	if err := sch.Validate(inst); err != nil {
		return fail(problems(err)...)
	}
	return nil
}

// schema returns the compiled schema at a JSON pointer into the description.
func (v *Validator) schema(ptr string) (*jsonschema.Schema, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.schemaLocked(ptr)
}

func (v *Validator) schemaLocked(ptr string) (*jsonschema.Schema, error) {
	if sch, ok := v.mu.schemas[ptr]; ok {
		return sch, nil
	}
	sch, err := v.mu.compiler.Compile(docURL + "#" + ptr)
	if err != nil {
		return nil, fmt.Errorf("compile %s: %w", ptr, err)
	}
	v.mu.schemas[ptr] = sch
	return sch, nil
}

func (v *Validator) markSeen(op string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.mu.seen[op] = struct{}{}
}

// Seen returns the operations ("GET /api/v1/accounts/{id}") that Validate has matched so
// far, whatever their status, sorted.
func (v *Validator) Seen() []string {
	v.mu.Lock()
	defer v.mu.Unlock()
	out := make([]string, 0, len(v.mu.seen))
	for op := range v.mu.seen {
		out = append(out, op)
	}
	slices.Sort(out)
	return out
}

// Operations returns every operation the description declares, as "METHOD /template",
// sorted; with Seen it tells which ones the tests never reached.
func (v *Validator) Operations() []string { return slices.Clone(v.ops) }
