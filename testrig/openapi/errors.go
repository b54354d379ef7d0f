package openapi

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Error is a response that does not fit the description.
type Error struct {
	Operation string // "GET /api/v1/accounts/{id}"
	Status    int
	Problems  []Problem
}

// Problem is one mismatch: where in the body, and what is wrong there.
type Problem struct {
	Pointer string // JSON pointer into the body; "" is the whole body
	Message string
}

func (p Problem) String() string {
	at := p.Pointer
	if at == "" {
		at = "(root)"
	}
	return "at " + at + ": " + p.Message
}

// Error reads like "GET /api/v1/accounts/{id} 200: at /followers_count: got string,
// want integer", with one "at" for each problem.
func (e *Error) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.String()
	}
	return fmt.Sprintf("%s %d: %s", e.Operation, e.Status, strings.Join(parts, "; "))
}

var printer = message.NewPrinter(language.English)

// problems flattens a schema library error into its leaves, the places that are wrong.
func problems(err error) []Problem {
	var verr *jsonschema.ValidationError
	if !errors.As(err, &verr) {
		return []Problem{{Message: err.Error()}}
	}
	var out []Problem
	collect(verr, "", &out)
	// The library walks properties in map order; sort so messages are stable.
	slices.SortStableFunc(out, func(a, b Problem) int {
		return cmp.Or(cmp.Compare(a.Pointer, b.Pointer), cmp.Compare(a.Message, b.Message))
	})
	return slices.Compact(out)
}

// collect appends the leaves of e. Where alternatives (oneOf, anyOf) all failed, each
// branch's problems are labelled with the branch ("as Status: ...").
func collect(e *jsonschema.ValidationError, label string, out *[]Problem) {
	if len(e.Causes) == 0 {
		msg := label + e.ErrorKind.LocalizedString(printer)
		*out = append(*out, Problem{Pointer: pointer(e.InstanceLocation), Message: msg})
		return
	}
	if !isAlternative(e.ErrorKind) {
		for _, c := range e.Causes {
			collect(c, label, out)
		}
		return
	}
	if merged, ok := mergeTypeMismatches(e.Causes); ok {
		merged.Message = label + merged.Message
		*out = append(*out, merged)
		return
	}
	// A failed "oneOf: [X, null]" says both that the value is not null and what is wrong
	// inside it as an X; only the second helps.
	var causes []int
	for i, c := range e.Causes {
		if typeMismatch(c) == nil {
			causes = append(causes, i)
		}
	}
	for _, i := range causes {
		l := label
		if len(causes) > 1 {
			l += "as " + branchName(e.Causes[i], i) + ": "
		}
		collect(e.Causes[i], l, out)
	}
}

// branchName names an alternative by the schema it refers to, else by its index.
func branchName(e *jsonschema.ValidationError, i int) string {
	if ref, ok := e.ErrorKind.(*kind.Reference); ok {
		if j := strings.LastIndexByte(ref.URL, '/'); j >= 0 {
			return ref.URL[j+1:]
		}
	}
	return fmt.Sprintf("alternative %d", i)
}

func isAlternative(k jsonschema.ErrorKind) bool {
	switch k.(type) {
	case *kind.OneOf, *kind.AnyOf:
		return true
	}
	return false
}

// typeMismatch returns the type error that e comes down to, if that is all it says.
func typeMismatch(e *jsonschema.ValidationError) *kind.Type {
	for len(e.Causes) == 1 {
		e = e.Causes[0]
	}
	if len(e.Causes) != 0 {
		return nil
	}
	t, _ := e.ErrorKind.(*kind.Type)
	return t
}

// mergeTypeMismatches turns alternatives that all failed on type alone into one problem:
// "got string, want object or null".
func mergeTypeMismatches(causes []*jsonschema.ValidationError) (Problem, bool) {
	var want []string
	got := ""
	for _, c := range causes {
		t := typeMismatch(c)
		if t == nil {
			return Problem{}, false
		}
		got = t.Got
		want = append(want, t.Want...)
	}
	want = slices.Compact(want)
	msg := fmt.Sprintf("got %s, want %s", got, strings.Join(want, " or "))
	return Problem{Pointer: pointer(causes[0].InstanceLocation), Message: msg}, true
}

// pointer writes an instance location as a JSON pointer (RFC 6901).
func pointer(tokens []string) string {
	var sb strings.Builder
	for _, tok := range tokens {
		tok = strings.ReplaceAll(tok, "~", "~0")
		tok = strings.ReplaceAll(tok, "/", "~1")
		sb.WriteString("/" + tok)
	}
	return sb.String()
}
