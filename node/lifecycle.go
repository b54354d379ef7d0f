package node

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/herd-social/herd/bus"
)

// A node's life: starting (Open, then Start until it serves, runs its consumers and
// has joined the cluster), ready, draining (Close). Readiness, which load balancers
// ask (/health/ready on the API, /ops/ready on the ops endpoint), is true only when
// ready; liveness (/health, /ops/health) is true whenever the node answers.
//
// Close drains in this order: readiness turns false and the node serves on for
// shutdown_delay, so that the load balancer's checks take it out of rotation; the
// streaming connections are closed with a reconnect hint (WebSocket close 1001, an
// SSE retry field); the HTTP listener closes (new connections are refused) and the
// requests in flight are answered; the node leaves the cluster; the consumers stop
// fetching and finish the batch in hand, which their engine then commits; the ops
// endpoint stops last. shutdown_timeout bounds the whole drain after the delay: a
// batch still running when it passes sees its context cancelled, is not committed
// and is delivered again (to another node, or after the restart).

// lifeState is where a node is in its life.
type lifeState int32

const (
	lifeStarting lifeState = iota
	lifeReady
	lifeDraining
)

func (s lifeState) String() string {
	switch s {
	case lifeReady:
		return "ready"
	case lifeDraining:
		return "draining"
	}
	return "starting"
}

// lifecycle is a node's state and the contexts its drain is told by.
type lifecycle struct {
	state atomic.Int32 // a lifeState
	// draining is done when Close begins; hard when the drain's deadline passes
	// (or Close ends).
	draining, hard         context.Context
	stopDraining, stopHard context.CancelFunc
}

func newLifecycle() *lifecycle {
	l := &lifecycle{}
	l.draining, l.stopDraining = context.WithCancel(context.Background())
	l.hard, l.stopHard = context.WithCancel(context.Background())
	return l
}

func (l *lifecycle) get() lifeState { return lifeState(l.state.Load()) }

// Ready reports whether the node serves and wants traffic: started, not stopping.
func (n *Node) Ready() bool { return n.life.get() == lifeReady }

// beginDrain turns readiness false and waits shutdown_delay while the node serves on.
func (n *Node) beginDrain() {
	if n.life.state.Swap(int32(lifeDraining)) == int32(lifeReady) && n.cfg.ShutdownDelay > 0 {
		n.log.Info("node: not ready; serving on before draining", "delay", n.cfg.ShutdownDelay)
		time.Sleep(n.cfg.ShutdownDelay)
	}
	n.life.stopDraining()
}

// drainingBus is the event log as the node's consumers see it: once the node drains,
// a handler's context is no longer cancelled with its Consume call's (which stops
// fetching), so that the batch in hand finishes and is committed; it is cancelled
// when the drain's deadline passes. Before the drain, a handler's context is
// cancelled as the engine cancels it (a partition taken away, the engine closed).
// During the drain a batch whose partition is taken away also runs to its end; its
// commit may then be refused and the new owner handle it again, which the handlers'
// idempotence allows.
type drainingBus struct {
	bus.Bus
	life *lifecycle
}

// Consume runs h with a context that outlives ctx while the node drains.
func (b drainingBus) Consume(ctx context.Context, group, topic string, opts bus.ConsumeOptions, h bus.Handler) error {
	return b.Bus.Consume(ctx, group, topic, opts, func(hctx context.Context, msgs []bus.Message) error {
		bctx, cancel := context.WithCancel(context.WithoutCancel(hctx))
		defer cancel()
		stop := context.AfterFunc(hctx, func() {
			if b.life.draining.Err() == nil {
				cancel()
				return
			}
			select {
			case <-b.life.hard.Done():
				cancel()
			case <-bctx.Done():
			}
		})
		defer stop()
		return h(bctx, msgs)
	})
}

// unwrapBus returns the engine under the node's bus.
func unwrapBus(b bus.Bus) bus.Bus {
	for {
		switch w := b.(type) {
		case drainingBus:
			b = w.Bus
		case tracingBus:
			b = w.Bus
		case requestBus:
			b = w.Bus
		default:
			return b
		}
	}
}

// Close drains the node as above: readiness false, streams closed with a
// reconnect hint, HTTP drained, the cluster left, the consumers' batches in hand
// finished; then it closes the engines.
func (n *Node) Close() error {
	n.beginDrain()
	n.api.CloseStreams() // hijacked connections: the HTTP shutdown does not wait for them
	ctx, cancel := context.WithTimeout(context.Background(), n.cfg.ShutdownTimeout)
	defer cancel()
	context.AfterFunc(ctx, n.life.stopHard) // batches still running then are cancelled
	defer n.life.stopHard()
	if n.srv != nil {
		if err := n.srv.ShutdownWithContext(ctx); err != nil {
			n.log.Error("node: http shutdown", "err", err)
		}
	}
	n.closeTLS(ctx)
	var errs []error
	if n.cluster != nil {
		if err := n.cluster.leave(); err != nil {
			errs = append(errs, fmt.Errorf("node: leave cluster: %w", err))
		}
	}
	if n.cancel != nil {
		n.cancel()
	}
	n.wg.Wait()
	// Otherwise the next start republishes the events of the rows left (harmless, but noise).
	if err := n.Statuses.ClearOutbox(ctx); err != nil {
		n.log.Warn("node: clear status outbox", "err", err)
	}
	if n.ops != nil { // last: /ops/ready says "draining" until the drain ends
		if err := n.ops.Shutdown(ctx); err != nil {
			n.log.Error("node: ops shutdown", "err", err)
		}
		n.opsWG.Wait()
	} else if n.opsLn != nil { // bound, but the node never joined
		n.opsLn.Close()
	}
	return errors.Join(append(errs, n.closeEngines())...)
}

func (n *Node) closeEngines() error {
	return errors.Join(n.bus.Close(), n.store.Close(), n.files.Close(), n.closeSearch(), n.tracing.shutdown())
}
