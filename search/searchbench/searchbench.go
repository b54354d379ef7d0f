// Package searchbench measures a search engine: it indexes generated multilingual
// statuses in batches (statuses per second, and how the index grows) and then runs
// generated queries one after another (latency percentiles). The statuses are in
// eight languages, a fifth without a language (detected), most public, each with a
// few readers; the queries are single words, pairs, phrases and operator filters
// drawn from the same vocabulary. It must not depend on any engine: `herd bench
// search` gives it Bleve or an Elasticsearch/OpenSearch server.
package searchbench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/herd-social/herd/search"
)

// Options size a run.
type Options struct {
	// Statuses to index (default 20,000), in batches of Batch (default 500).
	Statuses, Batch int
	// Queries to time after indexing (default 2,000).
	Queries int
	// Accounts author the statuses and read them (default 1,000).
	Accounts int
	// Seed makes the generated data the same from run to run.
	Seed uint64
	// Checkpoint, when set, is called after every tenth of the statuses.
	Checkpoint func(indexed int, elapsed time.Duration)
}

// Result is what a run measured.
type Result struct {
	Statuses       int
	IndexTime      time.Duration
	StatusesPerSec float64
	Queries        int
	// Hits is the mean number of ids a query returned (at most 20).
	Hits          float64
	P50, P99, Max time.Duration
}

func (o Options) withDefaults() Options {
	for _, d := range []struct {
		v   *int
		def int
	}{{&o.Statuses, 20000}, {&o.Batch, 500}, {&o.Queries, 2000}, {&o.Accounts, 1000}} {
		if *d.v <= 0 {
			*d.v = d.def
		}
	}
	return o
}

// Run indexes the statuses into e, then times the queries.
func Run(ctx context.Context, e search.Engine, o Options) (Result, error) {
	o = o.withDefaults()
	r := rand.New(rand.NewPCG(o.Seed, 1))
	g := &generator{r: r, zipf: rand.NewZipf(r, 1.1, 2, 3000), accounts: o.Accounts}
	res := Result{Statuses: o.Statuses, Queries: o.Queries}
	start := time.Now()
	next := o.Statuses / 10
	for done := 0; done < o.Statuses; {
		n := min(o.Batch, o.Statuses-done)
		docs := make([]search.Status, n)
		for i := range docs {
			docs[i] = g.status(uint64(done + i + 1))
		}
		if err := e.IndexStatuses(ctx, docs...); err != nil {
			return res, fmt.Errorf("searchbench: index: %w", err)
		}
		done += n
		if o.Checkpoint != nil && (done >= next || done == o.Statuses) {
			o.Checkpoint(done, time.Since(start))
			next += o.Statuses / 10
		}
	}
	res.IndexTime = time.Since(start)
	res.StatusesPerSec = float64(o.Statuses) / res.IndexTime.Seconds()
	lat := make([]time.Duration, o.Queries)
	hits := 0
	for i := range lat {
		q := g.query()
		t0 := time.Now()
		ids, err := e.Statuses(ctx, q)
		lat[i] = time.Since(t0)
		if err != nil {
			return res, fmt.Errorf("searchbench: query %+v: %w", q, err)
		}
		hits += len(ids)
	}
	slices.Sort(lat)
	res.P50, res.P99, res.Max = lat[len(lat)/2], lat[len(lat)*99/100], lat[len(lat)-1]
	res.Hits = float64(hits) / float64(o.Queries)
	return res, nil
}

// generator makes statuses and queries from the vocabularies.
type generator struct {
	r        *rand.Rand
	zipf     *rand.Zipf
	accounts int
}

// word draws a word of lang, the common ones most often.
func (g *generator) word(lang string) string {
	v := vocab[lang]
	return v[int(g.zipf.Uint64())%len(v)]
}

var langs = []string{"en", "de", "fr", "es", "pt", "ru", "ja", "zh"}

var base = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func (g *generator) status(id uint64) search.Status {
	lang := langs[g.r.IntN(len(langs))]
	n := 6 + g.r.IntN(25)
	parts := make([]string, n)
	for i := range parts {
		parts[i] = g.word(lang)
	}
	sep := " "
	if lang == "ja" || lang == "zh" {
		sep = ""
	}
	st := search.Status{ID: id, AccountID: 1 + g.r.Uint64N(uint64(g.accounts)), Text: strings.Join(parts, sep),
		Language: lang, CreatedAt: base.Add(time.Duration(id) * time.Minute), Public: g.r.IntN(10) < 8,
		Reply: g.r.IntN(4) == 0, Media: g.r.IntN(5) == 0, Link: g.r.IntN(6) == 0}
	if g.r.IntN(5) == 0 {
		st.Language = "" // detected
	}
	st.Readers = []uint64{st.AccountID}
	for range g.r.IntN(4) {
		st.Readers = append(st.Readers, 1+g.r.Uint64N(uint64(g.accounts)))
	}
	return st
}

// query is a word (half), two words, a phrase or a word with a filter, by a viewer.
func (g *generator) query() search.StatusQuery {
	lang := langs[g.r.IntN(len(langs))]
	w := func() string { return g.word(lang) }
	q := search.StatusQuery{Viewer: 1 + g.r.Uint64N(uint64(g.accounts)), Limit: 20}
	switch k := g.r.IntN(10); {
	case k < 5:
		q.Text = w()
	case k < 7:
		q.Text = w() + " " + w()
	case k < 8 && lang != "ja" && lang != "zh":
		q.Phrases = []string{w() + " " + w()}
	default:
		yes := true
		q.Text, q.Language, q.Media = w(), lang, &yes
	}
	return q
}
