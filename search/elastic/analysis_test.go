package elastic_test

import (
	"encoding/json"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/herd-social/herd/search"
	"github.com/herd-social/herd/search/elastic"
	"github.com/herd-social/herd/search/searchtest"
)

// nodeHasICU asks the node named by HERD_OPENSEARCH for its plugins itself, so that
// the tests below do not take the engine's word for it.
func nodeHasICU(t *testing.T) bool {
	t.Helper()
	url := os.Getenv("HERD_OPENSEARCH")
	if url == "" {
		t.Skip("HERD_OPENSEARCH is not set; `make test-cluster` starts OpenSearch")
	}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url+"/_cat/plugins?format=json", nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var plugins []struct{ Component string }
	if err := json.NewDecoder(res.Body).Decode(&plugins); err != nil {
		t.Fatalf("_cat/plugins: %v", err)
	}
	return slices.ContainsFunc(plugins, func(p struct{ Component string }) bool {
		return strings.Contains(strings.ToLower(p.Component), "icu")
	})
}

// unspaced are statuses in scripts written without spaces between words, with a word
// from inside each: no engine has a language analyzer for Lao, Khmer or Burmese, and
// the Thai one is mislabelled English, so only the language-independent field can
// find them, and only if it splits the words by dictionary, as ICU does.
var unspaced = []struct {
	status search.Status
	word   string
}{
	{search.Status{ID: 1, Text: "ຂ້ອຍມັກກິນເຂົ້າໜຽວຫຼາຍ", Language: "lo"}, "ຫຼາຍ"},
	{search.Status{ID: 2, Text: "ខ្ញុំចូលចិត្តញ៉ាំបាយ", Language: "km"}, "ចូលចិត្ត"},
	{search.Status{ID: 3, Text: "ကျွန်တော်ထမင်းစားချင်တယ်", Language: "my"}, "ကျွန်တော်"},
	{search.Status{ID: 4, Text: "ฉันชอบกินข้าวผัดมาก", Language: "en"}, "ข้าวผัด"},
}

// findUnspaced indexes the unspaced statuses and returns the words each query found.
func findUnspaced(t *testing.T, e *elastic.Engine) map[string][]uint64 {
	t.Helper()
	ctx := t.Context()
	for _, u := range unspaced {
		u.status.AccountID, u.status.Public = 1, true
		if err := e.IndexStatuses(ctx, u.status); err != nil {
			t.Fatal(err)
		}
	}
	found := map[string][]uint64{}
	for _, u := range unspaced {
		got, err := e.Statuses(ctx, search.StatusQuery{Text: u.word})
		if err != nil {
			t.Fatal(err)
		}
		found[u.word] = got
	}
	return found
}

// TestICUAnalysis: where the node has the ICU analysis plugin, the engine uses it, and
// a word inside a Lao, Khmer, Burmese or mislabelled Thai sentence is found; with the
// standard analysis, on the same node, none is (each sentence is one token).
func TestICUAnalysis(t *testing.T) {
	if !nodeHasICU(t) {
		t.Skip("the node has no ICU analysis plugin (ops/engines/opensearch.sh loads it)")
	}
	t.Run("icu", func(t *testing.T) {
		t.Parallel()
		e := open(t)
		if !e.ICU() {
			t.Fatal("the node has the ICU plugin but the engine does not use it")
		}
		found := findUnspaced(t, e)
		for _, u := range unspaced {
			if !slices.Equal(found[u.word], []uint64{u.status.ID}) {
				t.Errorf("%q (lang %s) found %v, want [%d]", u.word, u.status.Language, found[u.word], u.status.ID)
			}
		}
	})
	t.Run("standard", func(t *testing.T) {
		t.Parallel()
		e := openWith(t, elastic.WithoutICU)
		if e.ICU() {
			t.Fatal("the engine uses ICU when told not to")
		}
		for w, got := range findUnspaced(t, e) {
			if len(got) != 0 {
				t.Errorf("the standard analysis found %q in %v: the ICU test proves nothing", w, got)
			}
		}
	})
}

// TestConformanceStandardAnalysis runs the suite on the standard analysis too when
// the node has ICU's, as an Elasticsearch or managed OpenSearch without it would have
// (TestConformance covers it on nodes without the plugin).
func TestConformanceStandardAnalysis(t *testing.T) {
	if !nodeHasICU(t) {
		t.Skip("the node has no ICU plugin: TestConformance ran the standard analysis")
	}
	searchtest.Run(t, func(t *testing.T) search.Engine {
		t.Parallel()
		return openWith(t, elastic.WithoutICU)
	})
}
