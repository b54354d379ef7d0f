package openapi

import (
	"fmt"
	"maps"
	"mime"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// methods are the operation keys of an OpenAPI path item.
var methods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// operation is one method on one path template, with what the description says about
// its responses.
type operation struct {
	name      string               // "GET /api/v1/accounts/{id}"
	ptr       string               // JSON pointer to the operation object
	responses map[string]*response // by status key: "200", "4XX", "default"
}

// response is one declared response: its media types, and whether each has a schema.
type response struct {
	key    string
	schema map[string]bool // by media type
}

// indexRoutes reads the paths of the description into routes.
func indexRoutes(doc map[string]any) ([]*route, error) {
	paths, ok := doc["paths"].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("openapi: description has no paths object")
	}
	var routes []*route
	for tmpl, item := range paths {
		item, ok := item.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("openapi: path %q is not an object", tmpl)
		}
		rt := &route{template: tmpl, segs: splitPath(tmpl), ops: make(map[string]*operation)}
		for _, m := range methods {
			if op, ok := item[m].(map[string]any); ok {
				rt.ops[strings.ToUpper(m)] = indexOperation(tmpl, m, op)
			}
		}
		routes = append(routes, rt)
	}
	return routes, nil
}

func indexOperation(tmpl, method string, op map[string]any) *operation {
	o := &operation{
		name:      strings.ToUpper(method) + " " + tmpl,
		ptr:       "/paths/" + escapeToken(tmpl) + "/" + method,
		responses: make(map[string]*response),
	}
	resps, _ := op["responses"].(map[string]any)
	for key, r := range resps {
		r, _ := r.(map[string]any)
		content, _ := r["content"].(map[string]any)
		resp := &response{key: key, schema: make(map[string]bool)}
		for mt, media := range content {
			media, _ := media.(map[string]any)
			_, has := media["schema"]
			resp.schema[strings.ToLower(mt)] = has
		}
		o.responses[strings.ToUpper(key)] = resp
	}
	return o
}

// response returns the response declared for status: the exact code, else its range
// ("2XX"), else "default"; nil when there is none.
func (o *operation) response(status int) *response {
	code := strconv.Itoa(status)
	for _, key := range []string{code, code[:1] + "XX", "DEFAULT"} {
		if r, ok := o.responses[key]; ok {
			return r
		}
	}
	return nil
}

// schemaPointer picks the schema of r for a response sent with contentType. It returns
// "" with no error when there is nothing to check (no content declared, no schema, or a
// media type that is not JSON), and an error when the description expects JSON and the
// response says it is something else.
func (o *operation) schemaPointer(r *response, contentType string) (string, error) {
	if len(r.schema) == 0 {
		return "", nil
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		mt = strings.ToLower(strings.TrimSpace(contentType))
	}
	for _, key := range []string{mt, majorType(mt) + "/*", "*/*"} {
		has, ok := r.schema[key]
		if !ok {
			continue
		}
		if !has || !isJSON(mt) {
			return "", nil
		}
		return o.ptr + "/responses/" + escapeToken(r.key) + "/content/" + escapeToken(key) + "/schema", nil
	}
	declared := slices.Sorted(maps.Keys(r.schema))
	if !slices.ContainsFunc(declared, isJSON) {
		return "", nil
	}
	return "", fmt.Errorf("content type %q, want %s", contentType, strings.Join(declared, " or "))
}

func majorType(mt string) string {
	major, _, _ := strings.Cut(mt, "/")
	return major
}

// isJSON reports whether a media type is JSON: application/json or a +json type.
func isJSON(mt string) bool {
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

// escapeToken escapes one JSON pointer token (RFC 6901: "~" and "/") and then for use in
// a URL fragment, where the schema library unescapes it again ("{" and "}" in path
// templates).
func escapeToken(tok string) string {
	tok = strings.ReplaceAll(tok, "~", "~0")
	tok = strings.ReplaceAll(tok, "/", "~1")
	return url.PathEscape(tok)
}
