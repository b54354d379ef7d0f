package node

import (
	"fmt"
	"net/url"

	"github.com/herd-social/herd/translate"
)

// TranslationConfig is the [translation] table: the service that translates
// statuses (POST /api/v1/statuses/:id/translate), as Mastodon's DEEPL_* and
// LIBRE_TRANSLATE_* settings. DeepL is used when its key is set, else
// LibreTranslate when its endpoint is; without either nothing is translated.
type TranslationConfig struct {
	DeepLKey  string `toml:"deepl_api_key" help:"DeepL API key (default none)" secret:"true"`
	DeepLPlan string `toml:"deepl_plan" help:"DeepL plan: free (api-free.deepl.com) or pro (default pro)"`
	// DeepLEndpoint replaces DeepL's address (a proxy speaking its API).
	DeepLEndpoint string `toml:"deepl_endpoint" help:"base URL of DeepL's API (default the plan's)"`
	LibreEndpoint string `toml:"libretranslate_endpoint" help:"base URL of a LibreTranslate server (default none)"`
	LibreKey      string `toml:"libretranslate_api_key" help:"LibreTranslate API key (default none)" secret:"true"`
}

// backend is the configured service, nil for none.
func (c TranslationConfig) backend() translate.Backend {
	switch {
	case c.DeepLKey != "":
		return translate.DeepL{Key: c.DeepLKey, Plan: c.DeepLPlan, URL: c.DeepLEndpoint}
	case c.LibreEndpoint != "":
		return translate.LibreTranslate{URL: c.LibreEndpoint, Key: c.LibreKey}
	}
	return nil
}

func (c TranslationConfig) validate() []error {
	var errs []error
	for key, v := range map[string]string{"deepl_endpoint": c.DeepLEndpoint, "libretranslate_endpoint": c.LibreEndpoint} {
		if v == "" {
			continue
		}
		if u, err := url.Parse(v); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("translation.%s %q must be an http or https URL", key, v))
		}
	}
	if p := c.DeepLPlan; p != "" && p != "free" && p != "pro" {
		errs = append(errs, fmt.Errorf("translation.deepl_plan %q must be free or pro", p))
	}
	return errs
}

// service is the translation service of the API: one per node, so that each
// keeps its own results.
func (c TranslationConfig) service() *translate.Service { return translate.New(c.backend()) }
