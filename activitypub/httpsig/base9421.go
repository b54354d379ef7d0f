package httpsig

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/dunglas/httpsfv"
)

// signatureBase builds the RFC 9421 signature base (section 2.5): one line per
// covered component, then the @signature-params line, which is the signature input
// serialized again as a structured inner list.
func signatureBase(r *Request, input httpsfv.InnerList, components []string) ([]byte, error) {
	var b bytes.Buffer
	for _, c := range components {
		v, err := componentValue(r, c)
		if err != nil {
			return nil, err
		}
		b.WriteByte('"')
		b.WriteString(c)
		b.WriteString(`": `)
		b.WriteString(v)
		b.WriteByte('\n')
	}
	params, err := httpsfv.Marshal(input)
	if err != nil {
		return nil, fmt.Errorf("serialize @signature-params: %w", err)
	}
	b.WriteString(`"@signature-params": `)
	b.WriteString(params)
	return b.Bytes(), nil
}

// componentValue derives one component's value: the derived components a request
// has (section 2.2, without @query-param) or a header field without parameters
// (section 2.1).
func componentValue(r *Request, name string) (string, error) {
	switch name {
	case "@method":
		return r.Method, nil
	case "@target-uri":
		return r.scheme() + "://" + r.authority() + r.requestTarget(), nil
	case "@authority":
		return r.authority(), nil
	case "@scheme":
		return r.scheme(), nil
	case "@request-target":
		return r.requestTarget(), nil
	case "@path":
		return r.path(), nil
	case "@query":
		return "?" + r.Query, nil
	}
	if strings.HasPrefix(name, "@") {
		return "", fmt.Errorf("derived component %q is not supported", name)
	}
	if !isToken(name) || name != strings.ToLower(name) {
		return "", fmt.Errorf("component %q is not a lower-case field name", name)
	}
	vals := r.values(name)
	if len(vals) == 0 {
		return "", fmt.Errorf("covered field %q is absent", name)
	}
	var b strings.Builder
	for i, v := range vals {
		if strings.ContainsAny(v, "\r\n") {
			return "", errors.New("field value with a line break")
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strings.TrimSpace(v))
	}
	return b.String(), nil
}

// authority is the request's host in lower case, without the scheme's default port.
func (r *Request) authority() string {
	h := r.Host
	if h == "" {
		h = r.Header.Get("Host")
	}
	h = strings.ToLower(h)
	switch r.scheme() {
	case "https":
		h = strings.TrimSuffix(h, ":443")
	case "http":
		h = strings.TrimSuffix(h, ":80")
	}
	return h
}

func (r *Request) path() string {
	if r.Path == "" {
		return "/"
	}
	return r.Path
}

// requestTarget is the path and, when there is one, the query.
func (r *Request) requestTarget() string {
	if r.Query == "" {
		return r.path()
	}
	return r.path() + "?" + r.Query
}
