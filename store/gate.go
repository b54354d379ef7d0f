package store

import (
	"context"
	"errors"
	"sync"
)

// Gate is the open or closed state every engine keeps: operations enter it, and
// Shut waits for the running ones before it closes, so an engine is never torn down
// under an operation.
type Gate struct {
	mu     sync.RWMutex
	closed bool
}

// Enter checks ctx and lets one operation in; call Leave when it returns nil.
func (g *Gate) Enter(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	g.mu.RLock()
	if g.closed {
		g.mu.RUnlock()
		return ErrClosed
	}
	return nil
}

// Leave ends an operation that Enter let in.
func (g *Gate) Leave() { g.mu.RUnlock() }

// Shut closes the gate once the running operations have left. It reports false when
// the gate was closed already.
func (g *Gate) Shut() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return false
	}
	g.closed = true
	return true
}

// AnyKind asks CheckKind for a table of either kind.
const AnyKind Kind = 255

// ErrWrongKind is returned for a row operation on a counters table, or the reverse.
var ErrWrongKind = errors.New("store: wrong kind of table")

// CheckKind reports ErrWrongKind when a table declared of one kind is used as the
// other, for engines.
func CheckKind(declared, want Kind) error {
	if want != AnyKind && declared != want {
		return ErrWrongKind
	}
	return nil
}
