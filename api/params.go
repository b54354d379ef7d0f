package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/valyala/fasthttp"
)

// params holds a request's parameters from the query string and the body (form,
// multipart or JSON), flattened into Rails-style names: `a[b]`, `a[]`, `a[0][b]`.
type params map[string][]string

// maxJSONDepth bounds nesting of JSON bodies.
const maxJSONDepth = 8

func parseParams(ctx *fasthttp.RequestCtx) (params, error) {
	p := params{}
	ctx.QueryArgs().VisitAll(func(k, v []byte) { p.add(string(k), string(v)) })
	if ctx.IsGet() || ctx.IsHead() {
		return p, nil
	}
	ct := string(ctx.Request.Header.ContentType())
	switch {
	case strings.HasPrefix(ct, "application/json"):
		body := bytes.TrimSpace(ctx.PostBody())
		if len(body) == 0 {
			return p, nil
		}
		var v any
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("malformed JSON body: %w", err)
		}
		if err := p.flatten("", v, 0); err != nil {
			return nil, err
		}
	case strings.HasPrefix(ct, "multipart/form-data"):
		form, err := ctx.MultipartForm()
		if err != nil {
			return nil, fmt.Errorf("malformed multipart body: %w", err)
		}
		for k, vs := range form.Value {
			for _, v := range vs {
				p.add(k, v)
			}
		}
	default:
		ctx.PostArgs().VisitAll(func(k, v []byte) { p.add(string(k), string(v)) })
	}
	return p, nil
}

func (p params) add(k, v string) { p[k] = append(p[k], v) }

func (p params) flatten(prefix string, v any, depth int) error {
	if depth > maxJSONDepth {
		return fmt.Errorf("JSON body is nested too deeply")
	}
	switch t := v.(type) {
	case map[string]any:
		for k, val := range t {
			name := k
			if prefix != "" {
				name = prefix + "[" + k + "]"
			}
			if err := p.flatten(name, val, depth+1); err != nil {
				return err
			}
		}
	case []any:
		for i, val := range t {
			switch val.(type) {
			case map[string]any, []any:
				if err := p.flatten(prefix+"["+strconv.Itoa(i)+"]", val, depth+1); err != nil {
					return err
				}
			default:
				if err := p.flatten(prefix+"[]", val, depth+1); err != nil {
					return err
				}
			}
		}
	case nil:
		p.add(prefix, "")
	case bool:
		p.add(prefix, strconv.FormatBool(t))
	case json.Number:
		p.add(prefix, t.String())
	case string:
		p.add(prefix, t)
	}
	return nil
}

// str returns the first value of name, or "".
func (p params) str(name string) string {
	if v := p[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// has reports whether name was given at all.
func (p params) has(name string) bool {
	_, ok := p[name]
	return ok
}

// opt returns a pointer to the value of name, nil when absent.
func (p params) opt(name string) *string {
	if !p.has(name) {
		return nil
	}
	v := p.str(name)
	return &v
}

// list returns every value of `name[]` and `name`, as Rails accepts both.
func (p params) list(name string) []string {
	out := append([]string(nil), p[name+"[]"]...)
	out = append(out, p[name]...)
	for i := 0; ; i++ { // indexed form: name[0], name[1]
		v, ok := p[name+"["+strconv.Itoa(i)+"]"]
		if !ok {
			break
		}
		out = append(out, v...)
	}
	return out
}

// boolean reads a Rails-style boolean: true, 1, on, yes and t are true.
func parseBool(v string) bool {
	switch strings.ToLower(v) {
	case "true", "1", "on", "yes", "t":
		return true
	}
	return false
}

func (p params) boolean(name string) bool { return parseBool(p.str(name)) }

// optBool returns a pointer to the boolean value of name, nil when absent.
func (p params) optBool(name string) *bool {
	if !p.has(name) {
		return nil
	}
	b := p.boolean(name)
	return &b
}
