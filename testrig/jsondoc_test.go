package testrig

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// recorder is a testing.TB that records the failure of At instead of reporting it.
type recorder struct {
	testing.TB
	failed string
}

func (r *recorder) Helper() {}

func (r *recorder) Fatalf(format string, args ...any) {
	r.failed = fmt.Sprintf(format, args...)
	panic(r)
}

// at runs At on a recorder and returns its value, or the failure it reported.
func at[T any](t *testing.T, doc any, path ...any) (v T, failed string) {
	r := &recorder{TB: t}
	defer func() {
		if p := recover(); p != nil {
			if p != any(r) {
				panic(p)
			}
			failed = r.failed
		}
	}()
	return At[T](r, doc, path...), ""
}

func TestAt(t *testing.T) {
	var doc map[string]any
	if err := json.Unmarshal([]byte(`{"type":"Note","n":2,"tag":[{"name":"#herd"}],"inReplyTo":null}`), &doc); err != nil {
		t.Fatal(err)
	}
	if v, failed := at[string](t, doc, "tag", 0, "name"); failed != "" || v != "#herd" {
		t.Errorf(".tag[0].name: %q, failure %q", v, failed)
	}
	if v, failed := at[float64](t, doc, "n"); failed != "" || v != 2 {
		t.Errorf(".n: %v, failure %q", v, failed)
	}
	if v, failed := at[any](t, doc, "inReplyTo"); failed != "" || v != nil {
		t.Errorf(".inReplyTo: %v, failure %q", v, failed)
	}
	for _, tc := range []struct {
		path []any
		want string
	}{
		{[]any{"nope"}, "JSON at .nope is missing"},
		{[]any{"tag", 1}, "JSON at .tag[1] is missing: the list has 1 items"},
		{[]any{"type", "x"}, "JSON at .type is a string (\"Note\"), not an object"},
		{[]any{"n", 0}, "JSON at .n is a number (2), not a list"},
		{[]any{"inReplyTo"}, "JSON at .inReplyTo is null, not a string"},
		{[]any{"tag"}, "JSON at .tag is a list of 1, not a string"},
	} {
		_, failed := at[string](t, doc, tc.path...)
		if !strings.HasPrefix(failed, tc.want) || !strings.Contains(failed, `"type":"Note"`) {
			t.Errorf("%v: failure %q, want %q and the document", tc.path, failed, tc.want)
		}
	}
}
