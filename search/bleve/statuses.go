package bleve

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/lang/ar"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/analysis/lang/ckb"
	"github.com/blevesearch/bleve/v2/analysis/lang/da"
	"github.com/blevesearch/bleve/v2/analysis/lang/de"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/lang/es"
	"github.com/blevesearch/bleve/v2/analysis/lang/fa"
	"github.com/blevesearch/bleve/v2/analysis/lang/fi"
	"github.com/blevesearch/bleve/v2/analysis/lang/fr"
	"github.com/blevesearch/bleve/v2/analysis/lang/hi"
	"github.com/blevesearch/bleve/v2/analysis/lang/hr"
	"github.com/blevesearch/bleve/v2/analysis/lang/hu"
	"github.com/blevesearch/bleve/v2/analysis/lang/it"
	"github.com/blevesearch/bleve/v2/analysis/lang/nl"
	"github.com/blevesearch/bleve/v2/analysis/lang/no"
	"github.com/blevesearch/bleve/v2/analysis/lang/pl"
	"github.com/blevesearch/bleve/v2/analysis/lang/pt"
	"github.com/blevesearch/bleve/v2/analysis/lang/ro"
	"github.com/blevesearch/bleve/v2/analysis/lang/ru"
	"github.com/blevesearch/bleve/v2/analysis/lang/sv"
	"github.com/blevesearch/bleve/v2/analysis/lang/tr"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/herd-social/herd/search"
)

// analyzers maps a status's language (ISO 639-1) to the Bleve analyzer of its field.
var analyzers = map[string]string{
	"ar": ar.AnalyzerName, "ckb": ckb.AnalyzerName, "da": da.AnalyzerName, "de": de.AnalyzerName,
	"en": en.AnalyzerName, "es": es.AnalyzerName, "fa": fa.AnalyzerName, "fi": fi.AnalyzerName,
	"fr": fr.AnalyzerName, "hi": hi.AnalyzerName, "hr": hr.AnalyzerName, "hu": hu.AnalyzerName,
	"it": it.AnalyzerName, "nl": nl.AnalyzerName, "no": no.AnalyzerName, "nb": no.AnalyzerName,
	"nn": no.AnalyzerName, "pl": pl.AnalyzerName, "pt": pt.AnalyzerName, "ro": ro.AnalyzerName,
	"ru": ru.AnalyzerName, "sv": sv.AnalyzerName, "tr": tr.AnalyzerName,
	"ja": cjk.AnalyzerName, "zh": cjk.AnalyzerName, "ko": cjk.AnalyzerName,
}

// textFields are the language fields, one per analyzer, and the independent one.
var textFields = func() []string {
	seen := map[string]bool{}
	fields := []string{"text"}
	for _, a := range analyzers {
		if !seen[a] {
			seen[a] = true
			fields = append(fields, "text_"+a)
		}
	}
	slices.Sort(fields[1:])
	return fields
}()

func statusMapping() (*mapping.IndexMappingImpl, error) {
	m, doc, err := baseMapping()
	if err != nil {
		return nil, err
	}
	text := textField(folded)
	text.IncludeTermVectors = true // word positions, for phrases
	doc.AddFieldMappingsAt("text", text)
	for _, f := range textFields[1:] {
		doc.AddFieldMappingsAt(f, textField(strings.TrimPrefix(f, "text_")))
	}
	for _, f := range []string{"account", "readers", "lang", "sid"} {
		doc.AddFieldMappingsAt(f, keywordField())
	}
	doc.AddFieldMappingsAt("created", numberField())
	for _, f := range []string{"public", "reply", "media", "poll", "sensitive", "link", "embed"} {
		doc.AddFieldMappingsAt(f, boolField())
	}
	return m, nil
}

// IndexStatuses implements search.Engine.
func (e *Engine) IndexStatuses(ctx context.Context, docs ...search.Status) error {
	return e.batch(ctx, e.statuses, func(b *bleve.Batch) error {
		for _, st := range docs {
			readers := make([]string, len(st.Readers))
			for i, r := range st.Readers {
				readers[i] = docID(r)
			}
			lang := search.AnalysisLanguage(st)
			d := map[string]any{
				"sid": sortableID(st.ID), "text": st.Text, "account": docID(st.AccountID), "readers": readers, "lang": lang,
				"created": float64(st.CreatedAt.UnixMilli()), "public": st.Public, "reply": st.Reply,
				"media": st.Media, "poll": st.Poll, "sensitive": st.Sensitive, "link": st.Link, "embed": st.Embed,
			}
			if a, ok := analyzers[lang]; ok {
				d["text_"+a] = st.Text
			}
			if err := b.Index(docID(st.ID), d); err != nil {
				return err
			}
		}
		return nil
	})
}

// DeleteStatuses implements search.Engine.
func (e *Engine) DeleteStatuses(ctx context.Context, ids ...uint64) error {
	return e.batch(ctx, e.statuses, func(b *bleve.Batch) error {
		for _, id := range ids {
			b.Delete(docID(id))
		}
		return nil
	})
}

// Statuses implements search.Engine.
func (e *Engine) Statuses(ctx context.Context, q search.StatusQuery) ([]uint64, error) {
	if e.closed.Load() {
		return nil, search.ErrClosed
	}
	offset, limit := search.Clamp(q.Offset, q.Limit)
	must := textQueries(q)
	must = append(must, access(q))
	if len(q.Accounts) > 0 {
		must = append(must, terms("account", q.Accounts))
	}
	if q.Language != "" {
		must = append(must, keyword("lang", lower(q.Language)))
	}
	if r := createdRange(q); r != nil {
		must = append(must, r)
	}
	if q.MinID != 0 || q.MaxID != 0 {
		must = append(must, idRange(q.MinID, q.MaxID))
	}
	for field, v := range flags(q) {
		if v != nil {
			must = append(must, boolQ(field, *v))
		}
	}
	b := bleve.NewBooleanQuery()
	b.AddMust(must...)
	b.AddMustNot(exclusions(q)...)
	req := bleve.NewSearchRequestOptions(b, limit, offset, false)
	req.SortBy([]string{"-_score", "-created", "-_id"})
	res, err := e.statuses.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("search: statuses: %w", err)
	}
	return hitIDs(res)
}

// flags are the boolean fields q filters on, by field name.
func flags(q search.StatusQuery) map[string]*bool {
	return map[string]*bool{"reply": q.Reply, "media": q.Media, "poll": q.Poll, "sensitive": q.Sensitive,
		"link": q.Link, "embed": q.Embed}
}

// textQueries are the queries of q's words and phrases, or one matching everything.
func textQueries(q search.StatusQuery) []query.Query {
	var must []query.Query
	for _, w := range strings.Fields(q.Text) {
		must = append(must, wordQuery(w))
	}
	for _, p := range q.Phrases {
		must = append(must, phraseQuery(p))
	}
	if len(must) == 0 {
		must = append(must, bleve.NewMatchAllQuery())
	}
	return must
}

// wordQuery matches a word in any language's field.
func wordQuery(w string) query.Query {
	var either []query.Query
	for _, f := range textFields {
		m := bleve.NewMatchQuery(w)
		m.SetField(f)
		m.SetOperator(query.MatchQueryOperatorAnd)
		either = append(either, m)
	}
	return bleve.NewDisjunctionQuery(either...)
}

// phraseQuery matches words in order in the language-independent field.
func phraseQuery(p string) query.Query {
	m := bleve.NewMatchPhraseQuery(p)
	m.SetField("text")
	return m
}

// exclusions are the queries whose statuses q drops.
func exclusions(q search.StatusQuery) []query.Query {
	var not []query.Query
	for _, x := range q.Exclude {
		if len(strings.Fields(x)) > 1 {
			not = append(not, phraseQuery(x))
		} else if x != "" {
			not = append(not, wordQuery(x))
		}
	}
	if len(q.ExcludeAccounts) > 0 {
		not = append(not, terms("account", q.ExcludeAccounts))
	}
	for _, l := range q.ExcludeLanguages {
		not = append(not, keyword("lang", lower(l)))
	}
	for _, d := range q.ExcludeDays {
		lo, hi := float64(d.UnixMilli()), float64(d.Add(24*time.Hour).UnixMilli())
		t, f := true, false
		r := bleve.NewNumericRangeInclusiveQuery(&lo, &hi, &t, &f)
		r.SetField("created")
		not = append(not, r)
	}
	return not
}

// createdRange bounds the creation time by q's After and Before (exclusive), nil when
// it has neither.
func createdRange(q search.StatusQuery) query.Query {
	if q.After.IsZero() && q.Before.IsZero() {
		return nil
	}
	var lo, hi *float64
	if !q.After.IsZero() {
		v := float64(q.After.UnixMilli())
		lo = &v
	}
	if !q.Before.IsZero() {
		v := float64(q.Before.UnixMilli())
		hi = &v
	}
	f := false
	r := bleve.NewNumericRangeInclusiveQuery(lo, hi, &f, &f)
	r.SetField("created")
	return r
}

// sortableID is an id as a keyword whose byte order is the ids' order.
func sortableID(id uint64) string { return fmt.Sprintf("%020d", id) }

// idRange bounds the status id, exclusive; zero is no bound.
func idRange(minID, maxID uint64) query.Query {
	lo, hi := "", ""
	if minID != 0 {
		lo = sortableID(minID)
	}
	if maxID != 0 {
		hi = sortableID(maxID)
	}
	f := false
	r := bleve.NewTermRangeInclusiveQuery(lo, hi, &f, &f)
	r.SetField("sid")
	return r
}

func keyword(field, v string) query.Query {
	t := bleve.NewTermQuery(v)
	t.SetField(field)
	return t
}

// access is the privacy rule: public statuses, or ones the viewer reads, or Also.
func access(q search.StatusQuery) query.Query {
	var either []query.Query
	if !q.LibraryOnly {
		either = append(either, boolQ("public", true))
	}
	if !q.PublicOnly {
		if q.Viewer != 0 {
			t := bleve.NewTermQuery(docID(q.Viewer))
			t.SetField("readers")
			either = append(either, t)
		}
		if len(q.Also) > 0 {
			ids := make([]string, len(q.Also))
			for i, id := range q.Also {
				ids[i] = docID(id)
			}
			either = append(either, bleve.NewDocIDQuery(ids))
		}
	}
	if len(either) == 0 {
		return bleve.NewMatchNoneQuery()
	}
	return bleve.NewDisjunctionQuery(either...)
}

func boolQ(field string, v bool) query.Query {
	b := bleve.NewBoolFieldQuery(v)
	b.SetField(field)
	return b
}

func terms(field string, ids []uint64) query.Query {
	var either []query.Query
	for _, id := range ids {
		t := bleve.NewTermQuery(docID(id))
		t.SetField(field)
		either = append(either, t)
	}
	return bleve.NewDisjunctionQuery(either...)
}

func hitIDs(res *bleve.SearchResult) ([]uint64, error) {
	out := make([]uint64, 0, len(res.Hits))
	for _, h := range res.Hits {
		id, err := strconv.ParseUint(h.ID, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("search: document id %q: %w", h.ID, err)
		}
		out = append(out, id)
	}
	return out, nil
}

func lower(s string) string { return strings.ToLower(s) }
