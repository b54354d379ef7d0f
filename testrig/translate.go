package testrig

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
)

// No machine translation service installs on the test machines (LibreTranslate
// downloads its language models from its own index), so LibreTranslateServer plays
// one: a loopback server speaking LibreTranslate's API (GET /languages, POST
// /translate with format html) that "translates" by upper-casing the text outside
// tags and outside elements marked translate="no", which shows what the caller
// protected.
type LibreTranslateServer struct {
	URL string
	// Calls counts the translation requests.
	Calls atomic.Int64
	// Status, when not zero, is what /translate answers instead of translating.
	Status atomic.Int64
}

// LibreTranslate starts a LibreTranslateServer knowing English (to French and
// German) and French (to English), stopped when the test ends.
func LibreTranslate(t testing.TB) *LibreTranslateServer {
	t.Helper()
	l := &LibreTranslateServer{}
	srv := httptest.NewServer(http.HandlerFunc(l.serve))
	t.Cleanup(srv.Close)
	l.URL = srv.URL
	return l
}

func (l *LibreTranslateServer) serve(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/languages":
		_, _ = w.Write([]byte(`[{"code":"en","name":"English","targets":["en","fr","de"]},{"code":"fr","name":"French","targets":["en","fr"]}]`))
	case "/translate":
		l.Calls.Add(1)
		if code := l.Status.Load(); code != 0 {
			w.WriteHeader(int(code))
			return
		}
		var in struct {
			Q      []string `json:"q"`
			Format string   `json:"format"`
		}
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.Format != "html" {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		out := map[string]any{"translatedText": []string{}, "detectedLanguage": []map[string]any{}}
		for _, q := range in.Q {
			out["translatedText"] = append(out["translatedText"].([]string), Shout(q))
			out["detectedLanguage"] = append(out["detectedLanguage"].([]map[string]any), map[string]any{"language": "en", "confidence": 90})
		}
		_ = json.NewEncoder(w).Encode(out)
	default:
		w.WriteHeader(http.StatusNotFound)
	}
}

var protectedOrTag = regexp.MustCompile(`(?s)<[^>]*translate="no"[^>]*>.*?</(span|a)>|<[^>]+>`)

// Shout upper-cases the text of an HTML fragment outside tags and outside elements
// marked translate="no": LibreTranslateServer's translation.
func Shout(s string) string {
	var b strings.Builder
	last := 0
	for _, m := range protectedOrTag.FindAllStringIndex(s, -1) {
		b.WriteString(strings.ToUpper(s[last:m[0]]))
		b.WriteString(s[m[0]:m[1]])
		last = m[1]
	}
	b.WriteString(strings.ToUpper(s[last:]))
	return b.String()
}
