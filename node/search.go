package node

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/herd-social/herd/search"
	searchbleve "github.com/herd-social/herd/search/bleve"
	"github.com/herd-social/herd/search/elastic"
	"github.com/herd-social/herd/search/indexer"
)

// Search engine names, as search.engine takes them.
const (
	SearchBleve = "bleve"
	// SearchElastic is an Elasticsearch 8 or OpenSearch 2/3 server that every node
	// shares.
	SearchElastic = "elasticsearch"
)

// SearchConfig is the [search] table: the full-text search engine.
type SearchConfig struct {
	// Engine is "bleve" (default: indexes embedded under Dir, each node keeping a
	// whole index of its own).
	// "elasticsearch" is a server at URL (Elasticsearch 8 or OpenSearch 2/3) that
	// every node shares, its indexes named with Prefix.
	Engine string `toml:"engine" help:"full-text search engine: bleve or elasticsearch (default bleve)"`
	// Dir is the directory of the Bleve indexes; default <data>/search, and
	// <data>/search/node<node_id> in the cluster shape.
	Dir string `toml:"dir" help:"directory of the bleve search indexes (default <data>/search; <data>/search/node<node_id> in a cluster)"`
	// URL is the Elasticsearch or OpenSearch server, such as http://127.0.0.1:9200.
	URL string `toml:"url" help:"address of the elasticsearch or opensearch server (engine elasticsearch)"`
	// Prefix starts the names of the server's indexes, aliases and templates.
	Prefix string `toml:"prefix" help:"prefix of the elasticsearch index names (default herd-)"`
	// Username and Password authenticate with HTTP basic authentication, when set.
	Username string `toml:"username" help:"elasticsearch user name (basic authentication)"`
	Password string `toml:"password" help:"elasticsearch password (basic authentication)" secret:"true"`
}

// searchDefaults fills the search engine's zero fields.
func (c Config) searchDefaults() Config {
	if c.Search.Engine == "" {
		c.Search.Engine = SearchBleve
	}
	if c.Search.Engine == SearchBleve && c.Search.Dir == "" {
		c.Search.Dir = filepath.Join(c.Data, "search")
		if c.Clustered() { // nodes on one machine may share the data directory
			c.Search.Dir = filepath.Join(c.Search.Dir, fmt.Sprintf("node%d", c.NodeID))
		}
	}
	return c
}

// validateSearch reports the search engine's unusable settings.
func (c Config) validateSearch() []error {
	switch c.Search.Engine {
	case SearchBleve:
		return nil
	case SearchElastic:
		u, err := url.Parse(c.Search.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return []error{fmt.Errorf("search.url %q must be an http or https address with search.engine elasticsearch", c.Search.URL)}
		}
		if c.Search.Prefix != strings.ToLower(c.Search.Prefix) || strings.ContainsAny(c.Search.Prefix, `*,"\/ `) {
			return []error{fmt.Errorf("search.prefix %q must be lower case without *, \", \\, / or spaces", c.Search.Prefix)}
		}
		return nil
	}
	return []error{fmt.Errorf("search.engine %q must be bleve or elasticsearch", c.Search.Engine)}
}

// openSearch opens the search engine the configuration names.
func openSearch(cfg Config) (search.Engine, error) {
	if cfg.Search.Engine == SearchElastic {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		e, err := elastic.Open(ctx, elastic.Config{URL: cfg.Search.URL, Prefix: cfg.Search.Prefix,
			Username: cfg.Search.Username, Password: cfg.Search.Password})
		if err != nil {
			return nil, fmt.Errorf("node: open search: %w", err)
		}
		return e, nil
	}
	e, err := searchbleve.Open(cfg.Search.Dir)
	if err != nil {
		return nil, fmt.Errorf("node: open search: %w", err)
	}
	return e, nil
}

// DropSearch deletes the indexes of the search server the configuration names, those
// of its prefix, for tests that give each their own prefix. Bleve's indexes are files
// of the data directory, left as they are.
func DropSearch(ctx context.Context, cfg Config) error {
	if cfg.Search.Engine != SearchElastic {
		return nil
	}
	e, err := elastic.Open(ctx, elastic.Config{URL: cfg.Search.URL, Prefix: cfg.Search.Prefix,
		Username: cfg.Search.Username, Password: cfg.Search.Password})
	if err != nil {
		return fmt.Errorf("node: open search: %w", err)
	}
	return e.Drop(ctx)
}

// OpenSearch opens the search engine of the [search] table alone, for tools that
// measure it (herd bench search); cfg.Data is Bleve's default directory's parent.
func OpenSearch(cfg Config) (search.Engine, error) {
	return openSearch(cfg.searchDefaults())
}

// SearchGroup is the indexer's consumer group: an embedded engine is one per node, so
// each node consumes every event in a group of its own; a server's indexes are shared,
// so the nodes share one group and each event is indexed once.
func (c Config) SearchGroup() string {
	if c.Search.Engine == SearchElastic {
		return indexer.Group
	}
	return fmt.Sprintf("%s.%d", indexer.Group, c.NodeID)
}

// closeSearch closes the search engine, if it was opened.
func (n *Node) closeSearch() error {
	if n.index == nil {
		return nil
	}
	return n.index.Close()
}

// SearchReindexCursor is the file that keeps where `herd admin search reindex` stands:
// in the data directory, one per consumer group (a Bleve index is one per node).
func SearchReindexCursor(cfg Config) indexer.FileCursor {
	cfg = cfg.searchDefaults()
	return indexer.FileCursor(filepath.Join(cfg.Data, "search-reindex."+cfg.SearchGroup()+".json"))
}

// ClearEmbeddedSearch deletes the Bleve indexes of the configuration, so that a
// reindex starts from empty ones (built with the current mapping); nothing for a
// search server. The node must be stopped.
func ClearEmbeddedSearch(cfg Config) error {
	cfg = cfg.searchDefaults()
	if cfg.Search.Engine != SearchBleve {
		return nil
	}
	if err := os.RemoveAll(cfg.Search.Dir); err != nil {
		return fmt.Errorf("node: clear the search indexes: %w", err)
	}
	return nil
}

// AdminSearchReindex rebuilds the search engine from the store, from the state cur
// holds (a rebuild stopped halfway resumes there), calling progress after each page
// of accounts (indexer.Service.Reindex). A search server is rebuilt into fresh
// indexes that replace the current ones in one step at the end; a Bleve index is
// rebuilt in place. The cursor is cleared when the rebuild is done.
func (n *Node) AdminSearchReindex(ctx context.Context, cur indexer.Cursor, progress func(indexer.RebuildState)) error {
	rb, _ := n.index.(search.Rebuilder) // n.Indexer's engine is wrapped (timed)
	return n.Indexer.Reindex(ctx, rb, n.Accounts, cur, progress)
}
