package elastic

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/herd-social/herd/search"
)

// IndexAccounts implements search.Engine.
func (e *Engine) IndexAccounts(ctx context.Context, docs ...search.Account) error {
	ops := make([]bulkOp, len(docs))
	for i, a := range docs {
		ops[i] = bulkOp{ID: docID(a.ID), Doc: obj{
			"id": a.ID, "username": a.Username, "username_exact": a.Username, "display_name": a.DisplayName,
			"domain": a.Domain, "discoverable": a.Discoverable, "note": note(a), "bot": a.Bot, "verified": a.Verified,
		}}
	}
	return e.bulk(ctx, Accounts, ops)
}

// note is what is indexed of an account's bio: nothing unless it is discoverable.
func note(a search.Account) string {
	if !a.Discoverable {
		return ""
	}
	return a.Note
}

// SimilarAccounts implements search.Engine with more_like_this over the bios of
// q.Like (their words folded, and their English stems: Mastodon's text and
// text.stemmed), its parameters those search.SimilarQuery states (more_like_this's defaults,
// given here all the same); a verified profile doubles its score, as Mastodon's
// query boosts it.
func (e *Engine) SimilarAccounts(ctx context.Context, q search.SimilarQuery) ([]uint64, error) {
	if len(q.Like) == 0 {
		return nil, e.check()
	}
	_, limit := search.Clamp(0, q.Limit)
	like := make([]obj, len(q.Like))
	for i, id := range q.Like {
		like[i] = obj{"_index": e.target(Accounts), "_id": docID(id)}
	}
	mlt := obj{"more_like_this": obj{"fields": []string{"note", "note.stemmed"}, "like": like,
		"min_term_freq": search.SimilarMinTermFreq, "min_doc_freq": search.SimilarMinDocFreq,
		"max_query_terms": search.SimilarMaxTerms, "minimum_should_match": fmt.Sprintf("%d%%", search.SimilarShouldMatch)}}
	exclude := q.Exclude[:min(len(q.Exclude), search.MaxFollowed)]
	found, err := e.find(ctx, Accounts, obj{
		"query": obj{"function_score": obj{
			"query": bools(obj{"must": []obj{mlt},
				"filter":   []obj{{"term": obj{"discoverable": true}}},
				"must_not": []obj{{"term": obj{"bot": true}}, {"ids": obj{"values": ids(append(slices.Clone(q.Like), exclude...))}}}}),
			"functions":  []obj{{"filter": obj{"term": obj{"verified": true}}, "weight": 2}},
			"boost_mode": "multiply",
		}},
		"size": limit, "_source": false, "track_total_hits": false,
		"sort": []obj{{"_score": "desc"}, {"id": "asc"}},
	})
	if err != nil {
		return nil, err
	}
	return parseIDs(found)
}

// DeleteAccounts implements search.Engine.
func (e *Engine) DeleteAccounts(ctx context.Context, idList ...uint64) error {
	ops := make([]bulkOp, len(idList))
	for i, id := range idList {
		ops[i] = bulkOp{ID: docID(id)}
	}
	return e.bulk(ctx, Accounts, ops)
}

// prefix matches the word, analyzed as the field is, with its last term as a prefix.
func prefix(field, word string) obj {
	return obj{"match_bool_prefix": obj{field: obj{"query": word, "operator": "and"}}}
}

// fuzzy matches the word, analyzed as the field is, within "AUTO" edits of a term of
// the field (a typo), scored below a prefix.
func fuzzy(field, word string) obj {
	return obj{"match": obj{field: obj{"query": word, "operator": "and", "fuzziness": "AUTO", "boost": 0.5}}}
}

// Accounts implements search.Engine, as search/bleve does: "@user@domain" (or
// "user@domain") is a prefix of both parts; other words are each a prefix of the
// username, a display-name word or the domain, or within "AUTO" edits (as
// search.Fuzziness) of the username or a display-name word. An exact username, then
// followed accounts, then discoverable ones rank first.
func (e *Engine) Accounts(ctx context.Context, q search.AccountQuery) ([]uint64, error) {
	offset, limit := search.Clamp(q.Offset, q.Limit)
	text := strings.TrimSpace(q.Text)
	var must []obj
	if user, domain, ok := strings.Cut(strings.TrimPrefix(text, "@"), "@"); ok && !strings.ContainsAny(text, " \t") {
		must = append(must, prefix("username", user))
		if domain != "" {
			must = append(must, prefix("domain", domain))
		}
	} else {
		for _, w := range strings.Fields(strings.TrimPrefix(text, "@")) {
			must = append(must, anyOf(prefix("username", w), prefix("display_name", w), prefix("domain", w),
				fuzzy("username", w), fuzzy("display_name", w)))
		}
	}
	if len(must) == 0 {
		return nil, e.check()
	}
	should := []obj{
		{"term": obj{"username_exact": obj{"value": strings.TrimPrefix(text, "@"), "boost": 20}}},
		{"term": obj{"discoverable": obj{"value": true, "boost": 2}}},
	}
	if len(q.Followed) > 0 {
		should = append(should, obj{"ids": obj{"values": ids(q.Followed[:min(len(q.Followed), search.MaxFollowed)]), "boost": 10}})
	}
	found, err := e.find(ctx, Accounts, obj{
		"query": bools(obj{"must": must, "should": should}),
		"from":  offset, "size": limit, "_source": false, "track_total_hits": false,
		"sort": []obj{{"_score": "desc"}, {"id": "asc"}},
	})
	if err != nil {
		return nil, err
	}
	return parseIDs(found)
}

// IndexTags implements search.Engine.
func (e *Engine) IndexTags(ctx context.Context, docs ...search.Tag) error {
	ops := make([]bulkOp, len(docs))
	for i, t := range docs {
		name := strings.ToLower(t.Name)
		ops[i] = bulkOp{ID: name, Doc: obj{"name": name, "uses": t.Uses}}
	}
	return e.bulk(ctx, Tags, ops)
}

// Tags implements search.Engine: the tag named exactly so first, then the others by
// use.
func (e *Engine) Tags(ctx context.Context, p string, offset, limit int) ([]string, error) {
	offset, limit = search.Clamp(offset, limit)
	p = strings.ToLower(p)
	return e.find(ctx, Tags, obj{
		"query": bools(obj{
			"filter": []obj{{"prefix": obj{"name": p}}},
			"should": []obj{{"term": obj{"name": obj{"value": p, "boost": 100}}}},
		}),
		"from": offset, "size": limit, "_source": false, "track_total_hits": false,
		"sort": []obj{{"_score": "desc"}, {"uses": "desc"}, {"name": "asc"}},
	})
}
