package translate

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// maxAnswer bounds what is read of a service's answer.
const maxAnswer = 4 << 20

// client is the HTTP client of the backends: a service that does not answer in
// time is unavailable.
var client = &http.Client{Timeout: 20 * time.Second}

// call sends req and decodes a 2xx JSON answer into v; quota is the status the
// service answers when its quota is spent (403 for LibreTranslate, 456 for DeepL).
func call(req *http.Request, quota int, v any) error {
	res, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, maxAnswer))
	if err != nil {
		return fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	switch {
	case res.StatusCode == http.StatusTooManyRequests:
		return fmt.Errorf("%w: too many requests", ErrUnavailable)
	case res.StatusCode == quota:
		return fmt.Errorf("%w: quota exceeded", ErrUnavailable)
	case res.StatusCode < 200 || res.StatusCode > 299:
		return fmt.Errorf("%w: %s answered %d", ErrUnavailable, req.URL.Host, res.StatusCode)
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("%w: unreadable answer: %v", ErrUnavailable, err)
	}
	return nil
}

// LibreTranslate is a LibreTranslate server (or any server speaking its API).
type LibreTranslate struct {
	// URL is the server's base URL, such as http://127.0.0.1:5000.
	URL string
	// Key is its API key, if it asks one.
	Key string
}

// Translate implements Backend: one POST /translate with every text.
func (l LibreTranslate) Translate(ctx context.Context, texts []string, source, target string) ([]Text, error) {
	if source == "" {
		source = "auto"
	}
	body, err := json.Marshal(map[string]any{"q": texts, "source": source, "target": target, "format": "html", "api_key": l.Key})
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(l.URL, "/")+"/translate", strings.NewReader(string(body)))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	var out struct {
		TranslatedText   []string `json:"translatedText"`
		DetectedLanguage []struct {
			Language string `json:"language"`
		} `json:"detectedLanguage"`
	}
	if err := call(req, http.StatusForbidden, &out); err != nil {
		return nil, err
	}
	res := make([]Text, len(out.TranslatedText))
	for i, t := range out.TranslatedText {
		res[i] = Text{Text: t, DetectedSourceLanguage: source, Provider: "LibreTranslate"}
		if i < len(out.DetectedLanguage) && out.DetectedLanguage[i].Language != "" {
			res[i].DetectedSourceLanguage = out.DetectedLanguage[i].Language
		}
	}
	return res, nil
}

// Languages implements Backend: GET /languages, each language's targets but
// itself; a text of unknown language may go to any of them.
func (l LibreTranslate) Languages(ctx context.Context) (map[string][]string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(l.URL, "/")+"/languages", nil)
	if err != nil {
		return nil, err
	}
	var langs []struct {
		Code    string   `json:"code"`
		Targets []string `json:"targets"`
	}
	if err := call(req, http.StatusForbidden, &langs); err != nil {
		return nil, err
	}
	out := map[string][]string{}
	var all []string
	for _, l := range langs {
		var targets []string
		for _, t := range l.Targets {
			if t != l.Code {
				targets = append(targets, t)
			}
		}
		out[l.Code] = targets
		all = append(all, targets...)
	}
	out[""] = sortedUnique(all)
	return out, nil
}
