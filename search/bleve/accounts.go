package bleve

import (
	"context"
	"fmt"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/herd-social/herd/search"
)

// Accounts implements search.Engine: "@user@domain" (or "user@domain") is a prefix of
// both parts; other words are each a prefix of the username, a display-name word or the
// domain, or within search.Fuzziness edits of the username or a display-name word. An
// exact username, then followed accounts, then discoverable ones rank first.
func (e *Engine) Accounts(ctx context.Context, q search.AccountQuery) ([]uint64, error) {
	if e.closed.Load() {
		return nil, search.ErrClosed
	}
	offset, limit := search.Clamp(q.Offset, q.Limit)
	text := strings.TrimSpace(q.Text)
	var must []query.Query
	if user, domain, ok := strings.Cut(strings.TrimPrefix(text, "@"), "@"); ok && !strings.ContainsAny(text, " \t") {
		must = append(must, e.prefix("username", user))
		if domain != "" {
			must = append(must, e.prefix("domain", domain))
		}
	} else {
		for _, w := range strings.Fields(strings.TrimPrefix(text, "@")) {
			must = append(must, bleve.NewDisjunctionQuery(e.prefix("username", w), e.prefix("display_name", w),
				e.prefix("domain", w), e.fuzzy("username", w), e.fuzzy("display_name", w)))
		}
	}
	if len(must) == 0 {
		return nil, nil
	}
	exact := bleve.NewTermQuery(lower(strings.TrimPrefix(text, "@")))
	exact.SetField("username_exact")
	exact.SetBoost(20)
	disc := boolQ("discoverable", true)
	disc.(*query.BoolFieldQuery).SetBoost(2)
	b := bleve.NewBooleanQuery()
	b.AddMust(must...)
	b.AddShould(exact, disc)
	if len(q.Followed) > 0 {
		ids := make([]string, len(q.Followed[:min(len(q.Followed), search.MaxFollowed)]))
		for i, id := range q.Followed[:len(ids)] {
			ids[i] = docID(id)
		}
		followed := bleve.NewDocIDQuery(ids)
		followed.SetBoost(10)
		b.AddShould(followed)
	}
	req := bleve.NewSearchRequestOptions(b, limit, offset, false)
	req.SortBy([]string{"-_score", "_id"})
	res, err := e.accounts.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("search: accounts: %w", err)
	}
	return hitIDs(res)
}

// prefix matches the word, analyzed as the field is (folded, lower case), as a prefix
// of a term of the field.
func (e *Engine) prefix(field, word string) query.Query {
	var parts []query.Query
	for _, tok := range e.accounts.Mapping().AnalyzerNamed(folded).Analyze([]byte(word)) {
		p := bleve.NewPrefixQuery(string(tok.Term))
		p.SetField(field)
		parts = append(parts, p)
	}
	if len(parts) == 0 {
		return bleve.NewMatchNoneQuery()
	}
	return bleve.NewConjunctionQuery(parts...)
}

// fuzzy matches the word, analyzed as the field is, within search.Fuzziness edits of
// a term of the field (a typo); nothing for words too short to have one.
func (e *Engine) fuzzy(field, word string) query.Query {
	var parts []query.Query
	for _, tok := range e.accounts.Mapping().AnalyzerNamed(folded).Analyze([]byte(word)) {
		n := search.Fuzziness(string(tok.Term))
		if n == 0 {
			return bleve.NewMatchNoneQuery()
		}
		f := bleve.NewFuzzyQuery(string(tok.Term))
		f.SetFuzziness(n)
		f.SetField(field)
		f.SetBoost(0.5) // below a prefix
		parts = append(parts, f)
	}
	if len(parts) == 0 {
		return bleve.NewMatchNoneQuery()
	}
	return bleve.NewConjunctionQuery(parts...)
}
