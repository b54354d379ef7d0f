package bus

import "sync"

// Gate is the open or closed state every engine keeps: calls enter it while it is
// open, and Shut tells running consumers to stop (Closing), waits for every call in
// flight, then releases the engine, once.
type Gate struct {
	closing chan struct{} // closed when Shut starts
	closed  chan struct{} // closed when Shut has finished
	active  sync.WaitGroup
	mu      sync.Mutex
	shut    bool
}

// NewGate returns an open gate.
func NewGate() *Gate {
	return &Gate{closing: make(chan struct{}), closed: make(chan struct{})}
}

// Enter lets one call in, or returns ErrClosed; call Leave when it returns nil.
func (g *Gate) Enter() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.shut {
		return ErrClosed
	}
	g.active.Add(1)
	return nil
}

// Leave ends a call that Enter let in.
func (g *Gate) Leave() { g.active.Done() }

// Closing is closed when Shut starts: running consumers stop on it.
func (g *Gate) Closing() <-chan struct{} { return g.closing }

// Shut closes the gate, waits for the calls in flight, and returns release's error.
// Later calls wait for the first to finish and return nil.
func (g *Gate) Shut(release func() error) error {
	g.mu.Lock()
	if g.shut {
		g.mu.Unlock()
		<-g.closed
		return nil
	}
	g.shut = true
	close(g.closing)
	g.mu.Unlock()

	defer close(g.closed)
	g.active.Wait()
	return release()
}
