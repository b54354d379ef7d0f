package translate

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// DeepL is DeepL's API.
type DeepL struct {
	Key string
	// Plan is "free" (api-free.deepl.com) or anything else (api.deepl.com).
	Plan string
	// URL, if set, is the base URL to use instead (a proxy).
	URL string
}

func (d DeepL) base() string {
	switch {
	case d.URL != "":
		return strings.TrimSuffix(d.URL, "/")
	case d.Plan == "free":
		return "https://api-free.deepl.com"
	}
	return "https://api.deepl.com"
}

func (d DeepL) request(ctx context.Context, method, path string, form url.Values) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, method, d.base()+path, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "DeepL-Auth-Key "+d.Key)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return req, nil
}

// deeplQuota is the status DeepL answers when the quota is spent.
const deeplQuota = 456

// Translate implements Backend: one POST /v2/translate with every text, HTML
// tags handled.
func (d DeepL) Translate(ctx context.Context, texts []string, source, target string) ([]Text, error) {
	form := url.Values{"text": texts, "target_lang": {target}, "tag_handling": {"html"}}
	if source != "" {
		form.Set("source_lang", strings.ToUpper(source))
	}
	req, err := d.request(ctx, http.MethodPost, "/v2/translate", form)
	if err != nil {
		return nil, err
	}
	var out struct {
		Translations []struct {
			DetectedSourceLanguage string `json:"detected_source_language"`
			Text                   string `json:"text"`
		} `json:"translations"`
	}
	if err := call(req, deeplQuota, &out); err != nil {
		return nil, err
	}
	res := make([]Text, len(out.Translations))
	for i, t := range out.Translations {
		res[i] = Text{Text: t.Text, DetectedSourceLanguage: strings.ToLower(t.DetectedSourceLanguage), Provider: "DeepL.com"}
	}
	return res, nil
}

// Languages implements Backend from DeepL's source and target lists (lower-cased;
// en and pt, which DeepL takes as targets without listing them, added), each
// source going to every target but itself.
func (d DeepL) Languages(ctx context.Context) (map[string][]string, error) {
	sources, err := d.list(ctx, "source")
	if err != nil {
		return nil, err
	}
	targets, err := d.list(ctx, "target")
	if err != nil {
		return nil, err
	}
	targets = sortedUnique(append(targets, "en", "pt"))
	out := map[string][]string{"": targets}
	for _, s := range sources {
		out[s] = slices.DeleteFunc(slices.Clone(targets), func(t string) bool { return t == s })
	}
	return out, nil
}

func (d DeepL) list(ctx context.Context, kind string) ([]string, error) {
	req, err := d.request(ctx, http.MethodGet, "/v2/languages?type="+kind, nil)
	if err != nil {
		return nil, err
	}
	var langs []struct {
		Language string `json:"language"`
	}
	if err := call(req, deeplQuota, &langs); err != nil {
		return nil, err
	}
	out := make([]string, len(langs))
	for i, l := range langs {
		out[i] = strings.ToLower(l.Language)
	}
	return out, nil
}

func sortedUnique(xs []string) []string {
	slices.Sort(xs)
	return slices.Compact(xs)
}
