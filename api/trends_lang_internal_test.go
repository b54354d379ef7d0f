package api

import (
	"slices"
	"testing"

	"github.com/herd-social/herd/trends"
)

func TestTrendLocale(t *testing.T) {
	for in, want := range map[string]string{"pt-BR": "pt", "de": "de", "zh_Hant": "zh", "": "", "x": "", "en-GB": "en", "ZH-hant-TW": "zh"} {
		if got := baseLanguage(in); got != want {
			t.Errorf("baseLanguage(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"fr-CH, fr;q=0.9, en;q=0.8": "fr-CH", "en;q=0.5, de": "de", "": "", "*": "", "*, it;q=0.1": "it", ";;": ""} {
		if got := acceptLanguage(in); got != want {
			t.Errorf("acceptLanguage(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestPreferLanguages: items in the viewer's languages first, each part in its
// ranking; unknown languages are not preferred.
func TestPreferLanguages(t *testing.T) {
	ranked := []trends.Ranked{}
	langs := map[string]string{"a": "en", "b": "de", "c": "", "d": "DE", "e": "fr"}
	for _, k := range []string{"a", "b", "c", "d", "e"} {
		ranked = append(ranked, trends.Ranked{Item: &trends.Item{Key: k}})
	}
	keys := func(l []trends.Ranked) (out []string) {
		for _, it := range l {
			out = append(out, it.Key)
		}
		return out
	}
	langOf := func(it trends.Ranked) string { return langs[it.Key] }
	for _, tc := range []struct {
		prefer []string
		want   []string
	}{
		{[]string{"de"}, []string{"b", "d", "a", "c", "e"}},
		{[]string{"fr", "en"}, []string{"a", "e", "b", "c", "d"}},
		{[]string{"ja"}, []string{"a", "b", "c", "d", "e"}},
	} {
		if got := keys(preferLanguages(ranked, tc.prefer, langOf)); !slices.Equal(got, tc.want) {
			t.Errorf("prefer %v: %v, want %v", tc.prefer, got, tc.want)
		}
	}
}
