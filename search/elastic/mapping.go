package elastic

import (
	"slices"
)

// analyzers maps a status's language (ISO 639-1) to the built-in analyzer of its
// field: the language analyzers that Elasticsearch 8 and OpenSearch 2 both ship
// (stemming and stop words); Chinese, Japanese and Korean by bigrams (cjk).
var analyzers = map[string]string{
	"ar": "arabic", "hy": "armenian", "eu": "basque", "bn": "bengali", "bg": "bulgarian",
	"ca": "catalan", "cs": "czech", "da": "danish", "nl": "dutch", "en": "english",
	"fi": "finnish", "fr": "french", "gl": "galician", "de": "german", "el": "greek",
	"hi": "hindi", "hu": "hungarian", "id": "indonesian", "ga": "irish", "it": "italian",
	"lv": "latvian", "no": "norwegian", "nb": "norwegian", "nn": "norwegian", "fa": "persian",
	"pt": "portuguese", "ro": "romanian", "ru": "russian", "ckb": "sorani", "es": "spanish",
	"sv": "swedish", "tr": "turkish", "th": "thai",
	"ja": "cjk", "zh": "cjk", "ko": "cjk",
}

// textFields are the language fields, one per analyzer, and the independent one first.
var textFields = func() []string {
	var fields []string
	for _, a := range analyzers {
		if f := "text_" + a; !slices.Contains(fields, f) {
			fields = append(fields, f)
		}
	}
	slices.Sort(fields)
	return append([]string{"text"}, fields...)
}()

const folded = "herd_folded" // standard words, lower case, ASCII-folded

// settings are every index's: one shard (scores and paging stay exact on one node's
// statistics), no replica (a test or small cluster has one node; raise it on a real
// cluster with the index settings API), and the folded analyzer.
func settings() map[string]any {
	return map[string]any{
		"number_of_shards": 1, "number_of_replicas": 0,
		"analysis": map[string]any{
			"analyzer": map[string]any{
				folded: map[string]any{"type": "custom", "tokenizer": "standard",
					"filter": []string{"lowercase", "asciifolding"}},
			},
			"normalizer": map[string]any{
				"herd_lower": map[string]any{"type": "custom", "filter": []string{"lowercase"}},
			},
		},
	}
}

func textField(analyzer string) map[string]any {
	return map[string]any{"type": "text", "analyzer": analyzer, "norms": true}
}

var (
	keyword   = map[string]any{"type": "keyword"}
	long      = map[string]any{"type": "long"}
	boolean   = map[string]any{"type": "boolean"}
	epochDate = map[string]any{"type": "date", "format": "epoch_millis"}
)

// templates give each kind's index template body.
var templates = map[string]func() map[string]any{
	Statuses: func() map[string]any {
		props := map[string]any{
			"id": long, "account": keyword, "readers": keyword, "lang": keyword, "created": epochDate,
			"public": boolean, "reply": boolean, "media": boolean, "poll": boolean, "sensitive": boolean,
			"link": boolean, "embed": boolean,
			"text": textField(folded),
		}
		for _, f := range textFields[1:] {
			props[f] = textField(f[len("text_"):])
		}
		return map[string]any{"settings": settings(),
			"mappings": map[string]any{"dynamic": "strict", "properties": props}}
	},
	Accounts: func() map[string]any {
		return map[string]any{"settings": settings(), "mappings": map[string]any{"dynamic": "strict",
			"properties": map[string]any{
				"id": long, "username": textField(folded), "display_name": textField(folded),
				"domain": textField(folded), "discoverable": boolean,
				"username_exact": map[string]any{"type": "keyword", "normalizer": "herd_lower"},
			}}}
	},
	Tags: func() map[string]any {
		return map[string]any{"settings": settings(), "mappings": map[string]any{"dynamic": "strict",
			"properties": map[string]any{"name": keyword, "uses": long}}}
	},
}
