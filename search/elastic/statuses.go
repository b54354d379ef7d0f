package elastic

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/herd-social/herd/search"
)

func docID(id uint64) string { return strconv.FormatUint(id, 10) }

func ids(xs []uint64) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = docID(x)
	}
	return out
}

func parseIDs(s []string) ([]uint64, error) {
	out := make([]uint64, len(s))
	for i, id := range s {
		v, err := strconv.ParseUint(id, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("search: document id %q: %w", id, err)
		}
		out[i] = v
	}
	return out, nil
}

// IndexStatuses implements search.Engine.
func (e *Engine) IndexStatuses(ctx context.Context, docs ...search.Status) error {
	ops := make([]bulkOp, len(docs))
	for i, st := range docs {
		lang := search.AnalysisLanguage(st)
		d := map[string]any{
			"id": st.ID, "text": st.Text, "account": docID(st.AccountID), "readers": ids(st.Readers),
			"lang": lang, "created": st.CreatedAt.UnixMilli(), "public": st.Public, "reply": st.Reply,
			"media": st.Media, "poll": st.Poll, "sensitive": st.Sensitive, "link": st.Link, "embed": st.Embed,
		}
		if a, ok := analyzers[lang]; ok {
			d["text_"+a] = st.Text
		}
		ops[i] = bulkOp{ID: docID(st.ID), Doc: d}
	}
	return e.bulk(ctx, Statuses, ops)
}

// DeleteStatuses implements search.Engine.
func (e *Engine) DeleteStatuses(ctx context.Context, idList ...uint64) error {
	ops := make([]bulkOp, len(idList))
	for i, id := range idList {
		ops[i] = bulkOp{ID: docID(id)}
	}
	return e.bulk(ctx, Statuses, ops)
}

type obj = map[string]any

func term(field string, v any) obj  { return obj{"term": obj{field: v}} }
func bools(b obj) obj               { return obj{"bool": b} }
func anyOf(qs ...obj) obj           { return bools(obj{"should": qs, "minimum_should_match": 1}) }
func matchNone() obj                { return obj{"match_none": obj{}} }
func terms(field string, v any) obj { return obj{"terms": obj{field: v}} }

// Statuses implements search.Engine.
func (e *Engine) Statuses(ctx context.Context, q search.StatusQuery) ([]uint64, error) {
	offset, limit := search.Clamp(q.Offset, q.Limit)
	must := textQueries(q)
	filter := []obj{access(q)}
	if len(q.Accounts) > 0 {
		filter = append(filter, terms("account", ids(q.Accounts)))
	}
	if q.Language != "" {
		filter = append(filter, term("lang", strings.ToLower(q.Language)))
	}
	if !q.After.IsZero() || !q.Before.IsZero() {
		r := obj{}
		if !q.After.IsZero() {
			r["gt"] = q.After.UnixMilli()
		}
		if !q.Before.IsZero() {
			r["lt"] = q.Before.UnixMilli()
		}
		filter = append(filter, obj{"range": obj{"created": r}})
	}
	if q.MinID != 0 || q.MaxID != 0 {
		r := obj{}
		if q.MinID != 0 {
			r["gt"] = q.MinID
		}
		if q.MaxID != 0 {
			r["lt"] = q.MaxID
		}
		filter = append(filter, obj{"range": obj{"id": r}})
	}
	for field, v := range map[string]*bool{"reply": q.Reply, "media": q.Media, "poll": q.Poll, "sensitive": q.Sensitive,
		"link": q.Link, "embed": q.Embed} {
		if v != nil {
			filter = append(filter, term(field, *v))
		}
	}
	found, err := e.find(ctx, Statuses, obj{
		"query": bools(obj{"must": must, "filter": filter, "must_not": exclusions(q)}),
		"from":  offset, "size": limit, "_source": false, "track_total_hits": false,
		"sort": []obj{{"_score": "desc"}, {"created": "desc"}, {"id": "desc"}},
	})
	if err != nil {
		return nil, err
	}
	return parseIDs(found)
}

// textQueries are the queries of q's words and phrases, or one matching everything.
func textQueries(q search.StatusQuery) []obj {
	var must []obj
	for _, w := range strings.Fields(q.Text) {
		must = append(must, wordQuery(w))
	}
	for _, p := range q.Phrases {
		must = append(must, phraseQuery(p))
	}
	if len(must) == 0 {
		must = append(must, obj{"match_all": obj{}})
	}
	return must
}

// wordQuery matches a word in any language's field.
func wordQuery(w string) obj {
	either := make([]obj, len(textFields))
	for i, f := range textFields {
		either[i] = obj{"match": obj{f: obj{"query": w, "operator": "and"}}}
	}
	return anyOf(either...)
}

// phraseQuery matches words in order in the language-independent field.
func phraseQuery(p string) obj { return obj{"match_phrase": obj{"text": obj{"query": p}}} }

// exclusions are the queries whose statuses q drops.
func exclusions(q search.StatusQuery) []obj {
	not := []obj{}
	for _, x := range q.Exclude {
		if len(strings.Fields(x)) > 1 {
			not = append(not, phraseQuery(x))
		} else if x != "" {
			not = append(not, wordQuery(x))
		}
	}
	if len(q.ExcludeAccounts) > 0 {
		not = append(not, terms("account", ids(q.ExcludeAccounts)))
	}
	for _, l := range q.ExcludeLanguages {
		not = append(not, term("lang", strings.ToLower(l)))
	}
	for _, d := range q.ExcludeDays {
		not = append(not, obj{"range": obj{"created": obj{"gte": d.UnixMilli(), "lt": d.Add(24 * time.Hour).UnixMilli()}}})
	}
	return not
}

// access is the privacy rule: public statuses, or ones the viewer reads, or Also.
func access(q search.StatusQuery) obj {
	var either []obj
	if !q.LibraryOnly {
		either = append(either, term("public", true))
	}
	if !q.PublicOnly {
		if q.Viewer != 0 {
			either = append(either, term("readers", docID(q.Viewer)))
		}
		if len(q.Also) > 0 {
			either = append(either, obj{"ids": obj{"values": ids(q.Also)}})
		}
	}
	if len(either) == 0 {
		return matchNone()
	}
	return anyOf(either...)
}
