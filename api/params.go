package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/valyala/fasthttp"

	"github.com/herd-social/herd/text"
)

// params holds a request's parameters from the query string and the body (form,
// multipart or JSON), flattened into Rails-style names: `a[b]`, `a[]`, `a[0][b]`.
type params map[string][]string

// maxJSONDepth bounds nesting of JSON bodies.
const maxJSONDepth = 8

// parseParams reads the query string and the body. Anything refused here reaches no
// handler: a malformed body is a 400, as Rails answers a body it cannot parse; text that
// is not valid UTF-8 or holds a NUL, in any name or value, is a 422 (checkInput).
func parseParams(ctx *fasthttp.RequestCtx) (params, error) {
	p := params{}
	ctx.QueryArgs().VisitAll(func(k, v []byte) { p.add(string(k), string(v)) })
	if !ctx.IsGet() && !ctx.IsHead() {
		if err := p.readBody(ctx); err != nil {
			return nil, err
		}
	}
	if err := p.checkInput(); err != nil {
		return nil, err
	}
	return p, nil
}

// readBody adds the parameters of the body, by its media type (in any case, with
// any parameters); a body of another type is read as a form, as before.
func (p params) readBody(ctx *fasthttp.RequestCtx) error {
	mt, mtParams, err := mime.ParseMediaType(string(ctx.Request.Header.ContentType()))
	if err != nil {
		mt = ""
	}
	switch mt {
	case "application/json":
		return p.readJSON(bytes.TrimSpace(ctx.PostBody()))
	case "multipart/form-data":
		form, err := multipart.NewReader(bytes.NewReader(ctx.PostBody()), mtParams["boundary"]).ReadForm(maxMultipartMemory)
		if err != nil {
			return badBody("malformed multipart body", err)
		}
		defer form.RemoveAll()
		for k, vs := range form.Value {
			for _, v := range vs {
				p.add(k, v)
			}
		}
		for k := range form.File {
			p.add(k, "")
		}
	default:
		ctx.PostArgs().VisitAll(func(k, v []byte) { p.add(string(k), string(v)) })
	}
	return nil
}

// maxMultipartMemory is what a multipart form may hold in memory; the body cap bounds
// the rest.
const maxMultipartMemory = 1 << 20

// readJSON adds the parameters of a JSON body: exactly one value, nothing after it.
// The body is checked before decoding because encoding/json silently turns invalid
// UTF-8 and unpaired surrogate escapes into U+FFFD, and \u0000 into a NUL.
func (p params) readJSON(body []byte) error {
	if len(body) == 0 {
		return nil
	}
	if !utf8.Valid(body) {
		return invalidText("the JSON body", text.ErrInvalidUTF8)
	}
	if err := checkJSONEscapes(body); err != nil {
		return invalidText("the JSON body", err)
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return badBody("malformed JSON body", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return badBody("malformed JSON body", errors.New("data after the JSON value"))
	}
	if err := p.flatten("", v, 0); err != nil {
		return badBody(err.Error(), err)
	}
	return nil
}

// checkJSONEscapes finds the escapes of a JSON text that decode to what CheckInput
// refuses: \u0000, and a surrogate escape that is not a high one followed by a low one.
func checkJSONEscapes(b []byte) error {
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' {
			continue
		}
		i++ // the escaped character; an escaped backslash is passed over whole
		if i >= len(b) || b[i] != 'u' {
			continue
		}
		r, ok := hex4(b[i+1:])
		if !ok {
			continue // the decoder refuses it
		}
		i += 4
		switch {
		case r == 0:
			return text.ErrNUL
		case r >= 0xDC00 && r <= 0xDFFF:
			return text.ErrInvalidUTF8
		case r >= 0xD800 && r <= 0xDBFF:
			if len(b) < i+7 || b[i+1] != '\\' || b[i+2] != 'u' {
				return text.ErrInvalidUTF8
			}
			lo, ok := hex4(b[i+3:])
			if !ok || lo < 0xDC00 || lo > 0xDFFF {
				return text.ErrInvalidUTF8
			}
			i += 6
		}
	}
	return nil
}

// hex4 reads four hexadecimal digits.
func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	n, err := strconv.ParseUint(string(b[:4]), 16, 16)
	return rune(n), err == nil
}

// checkURI applies text.CheckInput to the decoded path and to every name and value of
// the query: Handler calls it for every request, whichever package serves the route.
func checkURI(ctx *fasthttp.RequestCtx) error {
	if err := text.CheckInput(string(ctx.Path())); err != nil {
		return invalidText("the path", err)
	}
	var bad error
	ctx.QueryArgs().VisitAll(func(k, v []byte) {
		if bad != nil {
			return
		}
		if err := text.CheckInput(string(k)); err != nil {
			bad = invalidText("a parameter name", err)
		} else if err := text.CheckInput(string(v)); err != nil {
			bad = invalidText(string(k), err)
		}
	})
	return bad
}

// checkInput applies text.CheckInput to every name and value. Mastodon's Rails refuses
// invalid UTF-8 before any controller runs, and its PostgreSQL refuses NUL; Herd
// refuses both at this one boundary, so that no handler can store what cannot be read
// back.
func (p params) checkInput() error {
	for k, vs := range p {
		if err := text.CheckInput(k); err != nil {
			return invalidText("a parameter name", err)
		}
		for _, v := range vs {
			if err := text.CheckInput(v); err != nil {
				return invalidText(k, err)
			}
		}
	}
	return nil
}

func badBody(msg string, cause error) *HTTPError {
	return &HTTPError{Code: 400, Msg: msg, Cause: cause}
}

func invalidText(what string, cause error) *HTTPError {
	why := "is not valid UTF-8"
	if errors.Is(cause, text.ErrNUL) {
		why = "contains a NUL character"
	}
	return &HTTPError{Code: 422, Msg: fmt.Sprintf("Validation failed: %s %s", what, why), Cause: cause}
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
		if len(t) == 0 { // given, and empty: `media_ids: []` clears them on an edit
			if _, ok := p[prefix+"[]"]; !ok {
				p[prefix+"[]"] = []string{}
			}
		}
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
