// Package bleve is the embedded search engine: three Bleve indexes (statuses,
// accounts, tags) under one directory of the node's data. A status's text goes to the
// field of its language's analyzer (stemming and stop words of the languages Bleve
// ships; Chinese, Japanese and Korean by bigrams) and to a language-independent field
// folded to ASCII and lower case, which also serves statuses whose language is not
// known. A query's words are each matched against every field, so a query finds
// statuses in any language without knowing its own. It imports only its contract.
package bleve

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/char/asciifolding"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/single"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"

	"github.com/herd-social/herd/search"
)

const (
	folded   = "herd_folded" // unicode words, ASCII-folded, lower case
	keywordL = "herd_keyword_lower"
)

// Engine is a search.Engine on Bleve indexes.
type Engine struct {
	statuses, accounts, tags bleve.Index
	// commits group the concurrent writes to each index.
	commits map[bleve.Index]*committer
	written writtenAccounts
	closed  atomic.Bool
}

var _ search.Engine = (*Engine)(nil)

// Open opens the indexes under dir, creating them when missing.
func Open(dir string) (*Engine, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	e := &Engine{}
	var err error
	if e.statuses, err = openIndex(filepath.Join(dir, "statuses"), statusMapping); err != nil {
		return nil, err
	}
	if e.accounts, err = openAccounts(filepath.Join(dir, "accounts")); err != nil {
		_ = e.statuses.Close()
		return nil, err
	}
	if e.tags, err = openIndex(filepath.Join(dir, "tags"), tagMapping); err != nil {
		_ = e.statuses.Close()
		_ = e.accounts.Close()
		return nil, err
	}
	e.commits = map[bleve.Index]*committer{}
	for _, idx := range []bleve.Index{e.statuses, e.accounts, e.tags} {
		e.commits[idx] = newCommitter(idx)
	}
	return e, nil
}

// config is the indexes' runtime configuration. Another process holding an index
// makes Open fail after bolt_timeout, not hang. Segments of fewer documents than
// FloorSegmentSize are merged as if they had that many: with Bleve's default (2,000),
// an index fed small batches (an event log's) merged its one growing segment again
// with every few new ones, and merging was the largest cost of posting; with a low
// floor, segments merge by tiers of their real size.
func config() map[string]any {
	return map[string]any{
		"bolt_timeout":           "10s",
		"scorchMergePlanOptions": map[string]any{"FloorSegmentSize": 100},
	}
}

func openIndex(path string, build func() (*mapping.IndexMappingImpl, error)) (bleve.Index, error) {
	idx, err := bleve.OpenUsing(path, config())
	if errors.Is(err, bleve.ErrorIndexPathDoesNotExist) {
		m, merr := build()
		if merr != nil {
			return nil, fmt.Errorf("search: mapping of %s: %w", path, merr)
		}
		idx, err = bleve.NewUsing(path, m, bleve.Config.DefaultIndexType, bleve.Config.DefaultKVStore, config())
	}
	if err != nil {
		return nil, fmt.Errorf("search: open %s: %w", path, err)
	}
	return idx, nil
}

// openAccounts opens the accounts index, made again empty when its mapping has no
// note field (an index from before bios were indexed): Bleve adds no field to an
// index's mapping, so its documents would never carry one. Its accounts are found
// again once indexed again (an account's next change, or herd admin search reindex).
func openAccounts(path string) (bleve.Index, error) {
	idx, err := openIndex(path, accountMapping)
	if err != nil {
		return nil, err
	}
	if m, ok := idx.Mapping().(*mapping.IndexMappingImpl); !ok || m.DefaultMapping.Properties["note"] != nil {
		return idx, nil
	}
	if err := idx.Close(); err != nil {
		return nil, fmt.Errorf("search: close %s: %w", path, err)
	}
	if err := os.RemoveAll(path); err != nil {
		return nil, fmt.Errorf("search: remove %s: %w", path, err)
	}
	return openIndex(path, accountMapping)
}

// baseMapping has the shared analyzers and a strict default document mapping.
func baseMapping() (*mapping.IndexMappingImpl, *mapping.DocumentMapping, error) {
	m := bleve.NewIndexMapping()
	if err := m.AddCustomAnalyzer(folded, map[string]any{
		"type": custom.Name, "char_filters": []any{asciifolding.Name},
		"tokenizer": unicode.Name, "token_filters": []any{lowercase.Name},
	}); err != nil {
		return nil, nil, err
	}
	if err := m.AddCustomAnalyzer(keywordL, map[string]any{
		"type": custom.Name, "tokenizer": single.Name, "token_filters": []any{lowercase.Name},
	}); err != nil {
		return nil, nil, err
	}
	doc := bleve.NewDocumentStaticMapping()
	m.DefaultMapping = doc
	m.StoreDynamic = false
	m.IndexDynamic = false
	return m, doc, nil
}

func textField(analyzer string) *mapping.FieldMapping {
	f := bleve.NewTextFieldMapping()
	f.Analyzer = analyzer
	f.Store = false
	f.IncludeTermVectors = false
	return f
}

func keywordField() *mapping.FieldMapping {
	f := bleve.NewKeywordFieldMapping()
	f.Store = false
	f.IncludeTermVectors = false
	return f
}

func numberField() *mapping.FieldMapping {
	f := bleve.NewNumericFieldMapping()
	f.Store = false
	return f
}

func boolField() *mapping.FieldMapping {
	f := bleve.NewBooleanFieldMapping()
	f.Store = false
	return f
}

func accountMapping() (*mapping.IndexMappingImpl, error) {
	m, doc, err := baseMapping()
	if err != nil {
		return nil, err
	}
	doc.AddFieldMappingsAt("username", textField(folded))
	doc.AddFieldMappingsAt("username_exact", keywordField())
	doc.AddFieldMappingsAt("display_name", textField(folded))
	doc.AddFieldMappingsAt("domain", textField(folded))
	doc.AddFieldMappingsAt("discoverable", boolField())
	note := textField(folded)
	note.Store = true // read back as more_like_this reads a liked document (SimilarAccounts)
	stemmed := textField(en.AnalyzerName)
	stemmed.Name = "note_stemmed"
	doc.AddFieldMappingsAt("note", note, stemmed)
	doc.AddFieldMappingsAt("bot", boolField())
	doc.AddFieldMappingsAt("verified", boolField())
	return m, nil
}

func tagMapping() (*mapping.IndexMappingImpl, error) {
	m, doc, err := baseMapping()
	if err != nil {
		return nil, err
	}
	doc.AddFieldMappingsAt("name", textField(keywordL))
	doc.AddFieldMappingsAt("uses", numberField())
	return m, nil
}

// Close closes the indexes.
func (e *Engine) Close() error {
	if e.closed.Swap(true) {
		return nil
	}
	return errors.Join(e.statuses.Close(), e.accounts.Close(), e.tags.Close())
}

func (e *Engine) batch(ctx context.Context, idx bleve.Index, fill func(*bleve.Batch) error) error {
	if e.closed.Load() {
		return search.ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	b := idx.NewBatch()
	if err := fill(b); err != nil {
		return err
	}
	return e.commits[idx].apply(b)
}

func docID(id uint64) string { return strconv.FormatUint(id, 10) }

// IndexAccounts implements search.Engine. A document the index holds already, as the
// engine last wrote it, is not written again (the indexer writes a status's author
// with every status).
func (e *Engine) IndexAccounts(ctx context.Context, docs ...search.Account) error {
	e.written.mu.Lock()
	defer e.written.mu.Unlock()
	var changed []search.Account
	for _, a := range docs {
		if held, ok := e.written.accounts[a.ID]; !ok || held != a {
			changed = append(changed, a)
		}
	}
	if len(changed) == 0 {
		return nil
	}
	err := e.batch(ctx, e.accounts, func(b *bleve.Batch) error {
		for _, a := range changed {
			if err := b.Index(docID(a.ID), map[string]any{
				"username": a.Username, "username_exact": lower(a.Username), "display_name": a.DisplayName,
				"domain": a.Domain, "discoverable": a.Discoverable, "note": note(a), "bot": a.Bot, "verified": a.Verified,
			}); err != nil {
				return err
			}
		}
		return nil
	})
	for _, a := range changed {
		if err != nil {
			delete(e.written.accounts, a.ID) // written or not: unknown
		} else {
			e.written.remember(a)
		}
	}
	return err
}

// note is what is indexed of an account's bio: nothing unless it is discoverable.
func note(a search.Account) string {
	if !a.Discoverable {
		return ""
	}
	return a.Note
}

// DeleteAccounts implements search.Engine.
func (e *Engine) DeleteAccounts(ctx context.Context, ids ...uint64) error {
	e.written.mu.Lock()
	defer e.written.mu.Unlock()
	for _, id := range ids {
		delete(e.written.accounts, id)
	}
	return e.batch(ctx, e.accounts, func(b *bleve.Batch) error {
		for _, id := range ids {
			b.Delete(docID(id))
		}
		return nil
	})
}

// maxWritten bounds the account documents an engine remembers writing.
const maxWritten = 50_000

// writtenAccounts are the account documents the engine wrote last, by id: the index
// holds them as they are, since the engine is its only writer. The lock is held across
// a write, so that what is remembered is what the index holds.
type writtenAccounts struct {
	mu       sync.Mutex
	accounts map[uint64]search.Account
}

func (w *writtenAccounts) remember(a search.Account) {
	if w.accounts == nil || len(w.accounts) >= maxWritten {
		w.accounts = map[uint64]search.Account{} // forgotten: written again once
	}
	w.accounts[a.ID] = a
}

// IndexTags implements search.Engine.
func (e *Engine) IndexTags(ctx context.Context, docs ...search.Tag) error {
	return e.batch(ctx, e.tags, func(b *bleve.Batch) error {
		for _, t := range docs {
			if err := b.Index(lower(t.Name), map[string]any{"name": lower(t.Name), "uses": float64(t.Uses)}); err != nil {
				return err
			}
		}
		return nil
	})
}

// Tags implements search.Engine.
func (e *Engine) Tags(ctx context.Context, prefix string, offset, limit int) ([]string, error) {
	if e.closed.Load() {
		return nil, search.ErrClosed
	}
	offset, limit = search.Clamp(offset, limit)
	p := bleve.NewPrefixQuery(lower(prefix))
	p.SetField("name")
	// The tag named exactly so comes first, then the others by use.
	exact := bleve.NewDocIDQuery([]string{lower(prefix)})
	exact.SetBoost(100)
	q := bleve.NewBooleanQuery()
	q.AddMust(p)
	q.AddShould(exact)
	req := bleve.NewSearchRequestOptions(q, limit, offset, false)
	req.SortBy([]string{"-_score", "-uses", "_id"})
	res, err := e.tags.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("search: tags: %w", err)
	}
	out := make([]string, 0, len(res.Hits))
	for _, h := range res.Hits {
		out = append(out, h.ID)
	}
	return out, nil
}
