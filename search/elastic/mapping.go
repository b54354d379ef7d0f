package elastic

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/elastic/go-elasticsearch/v8/esapi"
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

// folded is the analyzer of the language-independent field and of account names:
// words by Unicode's rules, folded to lower case without accents. Where every node has
// the ICU analysis plugin, words are found by ICU's dictionaries too (Thai, Lao, Khmer,
// Myanmar, Chinese and Japanese, which are written without spaces) and folded by ICU
// (case, accents of every script, width); elsewhere they are the standard tokenizer's,
// folded to ASCII. The name is the same either way, so the mapping is too, and an
// index keeps the analysis it was created with until a reindex.
const folded = "herd_folded"

// settings are every index's: one shard (scores and paging stay exact on one node's
// statistics), no replica (a test or small cluster has one node; raise it on a real
// cluster with the index settings API), and the folded analyzer.
func settings(icu bool) map[string]any {
	analyzer := map[string]any{"type": "custom", "tokenizer": "standard",
		"filter": []string{"lowercase", "asciifolding"}}
	if icu {
		analyzer = map[string]any{"type": "custom", "tokenizer": "icu_tokenizer",
			"filter": []string{"icu_folding"}}
	}
	return map[string]any{
		"number_of_shards": 1, "number_of_replicas": 0,
		"analysis": map[string]any{
			"analyzer": map[string]any{folded: analyzer},
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

// templates give each kind's index template body, with ICU analysis or without.
var templates = map[string]func(icu bool) map[string]any{
	Statuses: func(icu bool) map[string]any {
		props := map[string]any{
			"id": long, "account": keyword, "readers": keyword, "lang": keyword, "created": epochDate,
			"public": boolean, "reply": boolean, "media": boolean, "poll": boolean, "sensitive": boolean,
			"link": boolean, "embed": boolean,
			"text": textField(folded),
		}
		for _, f := range textFields[1:] {
			props[f] = textField(f[len("text_"):])
		}
		return map[string]any{"settings": settings(icu),
			"mappings": map[string]any{"dynamic": "strict", "properties": props}}
	},
	Accounts: func(icu bool) map[string]any {
		return map[string]any{"settings": settings(icu), "mappings": map[string]any{"dynamic": "strict",
			"properties": map[string]any{
				"id": long, "username": textField(folded), "display_name": textField(folded),
				"domain": textField(folded), "discoverable": boolean,
				"note": map[string]any{"type": "text", "analyzer": folded, "norms": true,
					"fields": map[string]any{"stemmed": textField("english")}},
				"bot": boolean, "verified": boolean,
				"username_exact": map[string]any{"type": "keyword", "normalizer": "herd_lower"},
			}}}
	},
	Tags: func(icu bool) map[string]any {
		return map[string]any{"settings": settings(icu), "mappings": map[string]any{"dynamic": "strict",
			"properties": map[string]any{"name": keyword, "uses": long}}}
	},
}

// hasICU asks the cluster whether every node has the ICU analysis plugin (named
// analysis-icu when installed, or by its class when loaded from the classpath, as
// ops/engines/opensearch.sh does). A server that will not say (a managed service may
// refuse the nodes API) is taken to lack it.
func (e *Engine) hasICU(ctx context.Context) (bool, error) {
	res, err := esapi.NodesInfoRequest{Metric: []string{"plugins"},
		FilterPath: []string{"nodes.*.plugins.name", "nodes.*.plugins.classname", "nodes.*.modules.name",
			"nodes.*.modules.classname"}}.Do(ctx, e.es)
	if err != nil {
		return false, fmt.Errorf("search: plugins: %w", err)
	}
	defer res.Body.Close()
	if res.IsError() {
		return false, nil
	}
	type plugin struct{ Name, Classname string }
	var info struct {
		Nodes map[string]struct{ Plugins, Modules []plugin } `json:"nodes"`
	}
	if err := json.NewDecoder(res.Body).Decode(&info); err != nil {
		return false, fmt.Errorf("search: plugins: %w", err)
	}
	for _, n := range info.Nodes {
		if !slices.ContainsFunc(append(n.Plugins, n.Modules...), func(p plugin) bool {
			return p.Name == "analysis-icu" || strings.HasSuffix(strings.ToLower(p.Classname), ".analysisicuplugin")
		}) {
			return false, nil
		}
	}
	return len(info.Nodes) > 0, nil
}

// ICU reports whether the engine creates its indexes with ICU analysis: the nodes all
// have the plugin when it opened. Indexes created before keep theirs until a reindex.
func (e *Engine) ICU() bool { return e.icu }
