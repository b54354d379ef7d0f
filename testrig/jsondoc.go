package testrig

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// At reads the value at path in a decoded JSON document, as a T: each step of the
// path is an object key (a string) or a list index (an int). It is for documents that
// are not Mastodon entities (ActivityPub JSON-LD, WebFinger, NodeInfo) and for tests
// that look at the raw JSON on purpose. A step that is missing or of another kind, or
// a value that is not a T, fails the test with the path and the document, where a type
// assertion would panic:
//
//	pem := testrig.At[string](t, actor, "publicKey", "publicKeyPem")
//	first := testrig.At[map[string]any](t, page, "orderedItems", 0)
//
// JSON numbers are float64, lists []any and objects map[string]any.
func At[T any](t testing.TB, doc any, path ...any) T {
	t.Helper()
	v := doc
	for i, step := range path {
		switch s := step.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				failAt(t, doc, path[:i], fmt.Sprintf("is %s, not an object", kindOf(v)))
			}
			if v, ok = m[s]; !ok {
				failAt(t, doc, path[:i+1], "is missing")
			}
		case int:
			l, ok := v.([]any)
			if !ok {
				failAt(t, doc, path[:i], fmt.Sprintf("is %s, not a list", kindOf(v)))
			}
			if s < 0 || s >= len(l) {
				failAt(t, doc, path[:i+1], fmt.Sprintf("is missing: the list has %d items", len(l)))
			}
			v = l[s]
		default:
			t.Fatalf("At: step %v of %v is %T, neither a key nor an index", step, path, step)
		}
	}
	out, ok := v.(T)
	if !ok && v == nil && any(out) == nil {
		return out // null, read as an interface such as any
	}
	if !ok {
		failAt(t, doc, path, fmt.Sprintf("is %s, not %s", kindOf(v), kindName(out)))
	}
	return out
}

// Len is the length of the list at path in a decoded JSON document (see At).
func Len(t testing.TB, doc any, path ...any) int {
	t.Helper()
	return len(At[[]any](t, doc, path...))
}

func failAt(t testing.TB, doc any, path []any, what string) {
	t.Helper()
	b, err := json.Marshal(doc)
	if err != nil {
		b = []byte(fmt.Sprint(doc))
	}
	t.Fatalf("JSON at %s %s, in %.2000s", pathString(path), what, b)
}

// pathString writes a path as in jq: .orderedItems[0].object.
func pathString(path []any) string {
	if len(path) == 0 {
		return "."
	}
	var b strings.Builder
	for _, step := range path {
		if i, ok := step.(int); ok {
			fmt.Fprintf(&b, "[%d]", i)
		} else {
			fmt.Fprintf(&b, ".%v", step)
		}
	}
	return b.String()
}

// kindName names the JSON kind that a Go type of a decoded value holds.
func kindName(zero any) string {
	switch zero.(type) {
	case string:
		return "a string"
	case float64:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	default:
		return fmt.Sprintf("a %T", zero)
	}
}

// kindOf names the JSON kind of a decoded value.
func kindOf(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case string:
		return fmt.Sprintf("a string (%q)", v)
	case float64:
		return fmt.Sprintf("a number (%v)", v)
	case bool:
		return fmt.Sprintf("a boolean (%v)", v)
	case []any:
		return fmt.Sprintf("a list of %d", len(v))
	case map[string]any:
		return "an object"
	default:
		return fmt.Sprintf("a %T", v)
	}
}
