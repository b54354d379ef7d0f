package search

import (
	"strings"
	"sync"

	"github.com/pemistahl/lingua-go"
)

// detected are the languages detection may answer: those some engine has an analyzer
// for, and the ones most often mistaken for them (a Ukrainian post is better left to
// the language-independent field than stemmed as Russian). Fewer languages keep the
// models small: about 30 MB of heap in lingua's low-accuracy mode.
var detected = []lingua.Language{
	lingua.Arabic, lingua.Armenian, lingua.Basque, lingua.Bengali, lingua.Bokmal, lingua.Bulgarian,
	lingua.Catalan, lingua.Chinese, lingua.Croatian, lingua.Czech, lingua.Danish, lingua.Dutch,
	lingua.English, lingua.Finnish, lingua.French, lingua.German, lingua.Greek, lingua.Hindi,
	lingua.Hungarian, lingua.Indonesian, lingua.Irish, lingua.Italian, lingua.Japanese, lingua.Korean,
	lingua.Latvian, lingua.Nynorsk, lingua.Persian, lingua.Polish, lingua.Portuguese, lingua.Romanian,
	lingua.Russian, lingua.Spanish, lingua.Swedish, lingua.Thai, lingua.Turkish,
	// Often mistaken for the above; no engine stems them.
	lingua.Ukrainian, lingua.Belarusian, lingua.Serbian, lingua.Macedonian, lingua.Bosnian,
	lingua.Slovak, lingua.Slovene, lingua.Estonian, lingua.Lithuanian, lingua.Malay, lingua.Tagalog,
	lingua.Hebrew, lingua.Urdu, lingua.Vietnamese, lingua.Afrikaans, lingua.Icelandic,
}

// detectLimit bounds the text detection reads: the start of a long post tells its
// language as well as all of it.
const detectLimit = 1000

// detector is built on first use, in low-accuracy mode (trigrams only: a sixth of a
// millisecond a post and a twentieth of the memory of the full models, at the cost of
// accuracy on posts of a few words, which the language-independent field still finds).
var detector = sync.OnceValue(func() lingua.LanguageDetector {
	return lingua.NewLanguageDetectorBuilder().FromLanguages(detected...).
		WithLowAccuracyMode().WithPreloadedLanguageModels().Build()
})

// AnalysisLanguage is the language whose analyzer indexes st: the one its author set
// (ISO 639-1, lower case), else the one detected from its text, else "".
func AnalysisLanguage(st Status) string {
	if st.Language != "" {
		return strings.ToLower(st.Language)
	}
	return DetectLanguage(st.Text)
}

// DetectLanguage returns the ISO 639-1 code of text's language, "" when it cannot tell.
func DetectLanguage(text string) string {
	if r := []rune(text); len(r) > detectLimit {
		text = string(r[:detectLimit])
	}
	if strings.TrimSpace(text) == "" {
		return ""
	}
	l, ok := detector().DetectLanguageOf(text)
	if !ok {
		return ""
	}
	return strings.ToLower(l.IsoCode639_1().String())
}
