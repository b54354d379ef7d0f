package node

import (
	"github.com/herd-social/herd/blob"
	"github.com/herd-social/herd/bus"
	"github.com/herd-social/herd/store"
)

// Addr is the address the node listens on (useful with port 0).
func (n *Node) Addr() string {
	if n.ln == nil {
		return n.cfg.Listen
	}
	return n.ln.Addr().String()
}

// Routes lists the HTTP routes the node serves, path templates by method.
func (n *Node) Routes() map[string][]string { return n.api.Routes() }

// Config returns the node's effective configuration.
func (n *Node) Config() Config { return n.cfg }

// Store and Bus return the node's engines, for operator tools and tests that write
// below the domain services (a message no service would publish).
func (n *Node) Store() store.Store { return n.store }

// Bus returns the node's event log; see Store.
func (n *Node) Bus() bus.Bus { return n.bus }

// MediaFiles returns the node's store of media files.
func (n *Node) MediaFiles() blob.Store { return n.files }
