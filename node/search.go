package node

import (
	"fmt"
	"path/filepath"

	"github.com/herd-social/herd/search"
	searchbleve "github.com/herd-social/herd/search/bleve"
	"github.com/herd-social/herd/search/indexer"
)

// Search engine names, as search.engine takes them.
const (
	SearchBleve = "bleve"
)

// SearchConfig is the [search] table: the full-text search engine.
type SearchConfig struct {
	// Engine is "bleve" (default: indexes embedded under Dir, each node keeping a
	// whole index of its own).
	Engine string `toml:"engine" help:"full-text search engine: bleve (default bleve)"`
	// Dir is the directory of the Bleve indexes; default <data>/search, and
	// <data>/search/node<node_id> in the cluster shape.
	Dir string `toml:"dir" help:"directory of the bleve search indexes (default <data>/search; <data>/search/node<node_id> in a cluster)"`
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
	if c.Search.Engine != SearchBleve {
		return []error{fmt.Errorf("search.engine %q must be bleve", c.Search.Engine)}
	}
	return nil
}

// openSearch opens the search engine the configuration names.
func openSearch(cfg Config) (search.Engine, error) {
	e, err := searchbleve.Open(cfg.Search.Dir)
	if err != nil {
		return nil, fmt.Errorf("node: open search: %w", err)
	}
	return e, nil
}

// searchGroup is the indexer's consumer group: an embedded engine is one per node, so
// each node consumes every event in a group of its own.
func (c Config) searchGroup() string {
	return fmt.Sprintf("%s.%d", indexer.Group, c.NodeID)
}

// closeSearch closes the search engine, if it was opened.
func (n *Node) closeSearch() error {
	if n.index == nil {
		return nil
	}
	return n.index.Close()
}
