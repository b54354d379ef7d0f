package bleve

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/herd-social/herd/search"
)

// similarFields are the fields of a bio that more_like_this compares, with their
// analyzers: its words folded, and their English stems (Mastodon's text and
// text.stemmed).
var similarFields = []struct{ name, analyzer string }{{"note", folded}, {"note_stemmed", en.AnalyzerName}}

// fieldTerm is a word of one of similarFields.
type fieldTerm struct{ field, term string }

// SimilarAccounts implements search.Engine. Bleve has no more_like_this query, so this
// is its equivalent built from the index: the stored bios of q.Like are analyzed as
// each of similarFields is, their words counted per field, kept as
// search.SimilarQuery states (Lucene's weight of a word: its count times
// 1 + ln(documents / (documents with it + 1)), the classic inverse document frequency
// more_like_this ranks words by, the weightiest of every field together), and asked
// for as a disjunction of those words in their fields with the minimum
// search.SimilarShould gives.
func (e *Engine) SimilarAccounts(ctx context.Context, q search.SimilarQuery) ([]uint64, error) {
	if e.closed.Load() {
		return nil, search.ErrClosed
	}
	if len(q.Like) == 0 {
		return nil, nil
	}
	words, err := e.likedWords(ctx, q.Like)
	if err != nil || len(words) == 0 {
		return nil, err
	}
	either := make([]query.Query, len(words))
	for i, w := range words {
		t := bleve.NewTermQuery(w.term)
		t.SetField(w.field)
		either[i] = t
	}
	mlt := bleve.NewDisjunctionQuery(either...)
	mlt.SetMin(float64(search.SimilarShould(len(words))))
	exclude := append(slices.Clone(q.Like), q.Exclude[:min(len(q.Exclude), search.MaxFollowed)]...)
	out := make([]string, len(exclude))
	for i, id := range exclude {
		out[i] = docID(id)
	}
	verified := boolQ("verified", true)
	verified.(*query.BoolFieldQuery).SetBoost(2)
	b := bleve.NewBooleanQuery()
	b.AddMust(mlt, boolQ("discoverable", true))
	b.AddMustNot(boolQ("bot", true), bleve.NewDocIDQuery(out))
	b.AddShould(verified)
	_, limit := search.Clamp(0, q.Limit)
	req := bleve.NewSearchRequestOptions(b, limit, 0, false)
	req.SortBy([]string{"-_score", "_id"})
	res, err := e.accounts.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("search: similar accounts: %w", err)
	}
	return hitIDs(res)
}

// likedWords returns the words of the bios of like that a more_like_this query would
// keep, those weighing most first.
func (e *Engine) likedWords(ctx context.Context, like []uint64) ([]fieldTerm, error) {
	freq := map[fieldTerm]int{}
	for _, id := range like {
		doc, err := e.accounts.Document(docID(id))
		if err != nil {
			return nil, fmt.Errorf("search: similar accounts: %w", err)
		}
		if doc == nil {
			continue
		}
		doc.VisitFields(func(f index.Field) {
			if f.Name() != "note" {
				return
			}
			for _, sf := range similarFields {
				for _, tok := range e.accounts.Mapping().AnalyzerNamed(sf.analyzer).Analyze(f.Value()) {
					freq[fieldTerm{sf.name, string(tok.Term)}]++
				}
			}
		})
	}
	idx, err := e.accounts.Advanced()
	if err != nil {
		return nil, fmt.Errorf("search: similar accounts: %w", err)
	}
	r, err := idx.Reader()
	if err != nil {
		return nil, fmt.Errorf("search: similar accounts: %w", err)
	}
	defer r.Close()
	docs, err := r.DocCount()
	if err != nil {
		return nil, fmt.Errorf("search: similar accounts: %w", err)
	}
	weight := map[fieldTerm]float64{}
	for w, n := range freq {
		if n < search.SimilarMinTermFreq {
			continue
		}
		tr, err := r.TermFieldReader(ctx, []byte(w.term), w.field, false, false, false)
		if err != nil {
			return nil, fmt.Errorf("search: similar accounts: %w", err)
		}
		df := tr.Count()
		_ = tr.Close()
		if df >= search.SimilarMinDocFreq {
			weight[w] = float64(n) * (1 + math.Log(float64(docs)/float64(df+1)))
		}
	}
	words := make([]fieldTerm, 0, len(weight))
	for w := range weight {
		words = append(words, w)
	}
	slices.SortFunc(words, func(a, b fieldTerm) int {
		return cmp.Or(cmp.Compare(weight[b], weight[a]), cmp.Compare(a.field, b.field), cmp.Compare(a.term, b.term))
	})
	return words[:min(len(words), search.SimilarMaxTerms)], nil
}
