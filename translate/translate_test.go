package translate_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/herd-social/herd/testrig"
	"github.com/herd-social/herd/translate"
)

// The LibreTranslate server is testrig's (no real one installs here); DeepL's is
// played below.

var post = translate.Source{
	Distributable: true,
	Language:      "en",
	Content: `<p>hello <span class="h-card" translate="no"><a href="https://x.example/@bob" class="u-url mention">@<span>bob</span></a></span> ` +
		`<a href="https://x.example/tags/tea" class="mention hashtag" rel="tag">#<span>tea</span></a> :blobcat: and :other: cats</p>`,
	SpoilerText: "tea & :blobcat:",
	PollOptions: []string{"green", "black :blobcat:"},
	Media:       []translate.Media{{ID: "1", Description: "a <cup>"}, {ID: "2"}},
	Emojis:      []string{"blobcat"},
}

func TestTranslateLibre(t *testing.T) {
	srv := testrig.LibreTranslate(t)
	s := translate.New(translate.LibreTranslate{URL: srv.URL})
	r, err := s.Translate(context.Background(), post, "fr")
	if err != nil {
		t.Fatal(err)
	}
	// The h-card keeps its class, not its translate="no", as Mastodon's.
	wantContent := `<p>HELLO <span class="h-card"><a class="u-url mention" href="https://x.example/@bob" rel="nofollow noopener" target="_blank">@<span>bob</span></a></span> ` +
		`<a class="mention hashtag" href="https://x.example/tags/tea" rel="nofollow noopener" target="_blank" translate="no">#<span>tea</span></a> :blobcat: AND :OTHER: CATS</p>`
	if r.Content != wantContent {
		t.Errorf("content\n%s\nwant\n%s", r.Content, wantContent)
	}
	if r.SpoilerText != "TEA & :blobcat:" {
		t.Errorf("spoiler %q", r.SpoilerText)
	}
	if len(r.PollOptions) != 2 || r.PollOptions[0] != "GREEN" || r.PollOptions[1] != "BLACK :blobcat:" {
		t.Errorf("poll options %q", r.PollOptions)
	}
	if len(r.Media) != 2 || r.Media[0] != (translate.Media{ID: "1", Description: "A <CUP>"}) || r.Media[1] != (translate.Media{ID: "2"}) {
		t.Errorf("media %+v", r.Media)
	}
	if r.Language != "fr" || r.DetectedSourceLanguage != "en" || r.Provider != "LibreTranslate" {
		t.Errorf("languages and provider %+v", r)
	}
	if _, err := s.Translate(context.Background(), post, "fr"); err != nil || srv.Calls.Load() != 1 {
		t.Errorf("again: %v, %d calls to the service, want 1 (kept)", err, srv.Calls.Load())
	}
}

func TestTranslateRefuses(t *testing.T) {
	srv := testrig.LibreTranslate(t)
	s := translate.New(translate.LibreTranslate{URL: srv.URL})
	ctx := context.Background()
	private := post
	private.Distributable = false
	empty := translate.Source{Distributable: true, Language: "en"}
	for name, c := range map[string]struct {
		src    translate.Source
		target string
	}{"private": {private, "fr"}, "nothing to translate": {empty, "fr"}, "no such pair": {post, "ja"}, "into its own language": {post, "en"}} {
		if _, err := s.Translate(ctx, c.src, c.target); !errors.Is(err, translate.ErrNotPermitted) {
			t.Errorf("%s: %v, want ErrNotPermitted", name, err)
		}
	}
	unknown := post
	unknown.Language = ""
	if _, err := s.Translate(ctx, unknown, "de"); err != nil {
		t.Errorf("a status of unknown language to any target: %v", err)
	}
	if _, err := translate.New(nil).Translate(ctx, post, "fr"); !errors.Is(err, translate.ErrNotConfigured) {
		t.Errorf("no service: %v", err)
	}
	for _, code := range []int{429, 403, 500} {
		failing := testrig.LibreTranslate(t)
		failing.Status.Store(int64(code))
		s := translate.New(translate.LibreTranslate{URL: failing.URL})
		if _, err := s.Translate(ctx, post, "fr"); !errors.Is(err, translate.ErrUnavailable) {
			t.Errorf("service answering %d: %v, want ErrUnavailable", code, err)
		}
	}
}

func TestLanguages(t *testing.T) {
	s := translate.New(translate.LibreTranslate{URL: testrig.LibreTranslate(t).URL})
	got, err := s.Languages(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(got)
	if want := `{"en":["fr","de"],"fr":["en"],"und":["de","en","fr"]}`; string(b) != want {
		t.Errorf("languages %s, want %s", b, want)
	}
	if got, err := translate.New(nil).Languages(context.Background()); err != nil || len(got) != 0 {
		t.Errorf("no service: %v %v", got, err)
	}
}

func TestTranslateDeepL(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "DeepL-Auth-Key k" {
			w.WriteHeader(403)
			return
		}
		switch {
		case r.URL.Path == "/v2/languages" && r.URL.Query().Get("type") == "source":
			_, _ = w.Write([]byte(`[{"language":"EN","name":"English"},{"language":"DE","name":"German"}]`))
		case r.URL.Path == "/v2/languages":
			_, _ = w.Write([]byte(`[{"language":"DE","name":"German"},{"language":"EN-GB","name":"English (British)"},{"language":"FR","name":"French"}]`))
		case r.URL.Path == "/v2/translate":
			_ = r.ParseForm()
			if r.PostForm.Get("tag_handling") != "html" || r.PostForm.Get("source_lang") != "EN" || r.PostForm.Get("target_lang") != "de" {
				w.WriteHeader(400)
				return
			}
			var tr []map[string]string
			for _, q := range r.PostForm["text"] {
				tr = append(tr, map[string]string{"detected_source_language": "EN", "text": testrig.Shout(q)})
			}
			_ = json.NewEncoder(w).Encode(map[string]any{"translations": tr})
		case r.URL.Path == "/quota":
			w.WriteHeader(456)
		}
	}))
	t.Cleanup(srv.Close)
	s := translate.New(translate.DeepL{Key: "k", URL: srv.URL})
	langs, err := s.Languages(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(langs)
	if want := `{"de":["en","en-gb","fr","pt"],"en":["de","en-gb","fr","pt"],"und":["de","en","en-gb","fr","pt"]}`; string(b) != want {
		t.Errorf("languages %s, want %s", b, want)
	}
	r, err := s.Translate(context.Background(), translate.Source{Distributable: true, Language: "en", Content: "<p>hello</p>"}, "de")
	if err != nil {
		t.Fatal(err)
	}
	if r.Content != "<p>HELLO</p>" || r.DetectedSourceLanguage != "en" || r.Provider != "DeepL.com" {
		t.Errorf("translation %+v", r)
	}
}
