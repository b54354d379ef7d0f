package delivery_test

import (
	"net/http"
	"runtime"
	"strings"
	"testing"

	"github.com/herd-social/herd/delivery"
)

// TestDoubleKnock: a Knocker signer is told each answer; a 401 to the first knock it
// asks to repeat is signed again and sent at once, within the same attempt, and its
// answer is the attempt's. A 401 to the second knock is an ordinary failure, retried
// later; a Knocker that asks nothing has nothing sent twice.
func TestDoubleKnock(t *testing.T) {
	before := runtime.NumGoroutine()
	t.Run("second knock taken", func(t *testing.T) {
		r := newRig(t, delivery.Options{}, func(p post) int {
			if strings.HasSuffix(p.Signature, ",scheme=second") {
				return http.StatusAccepted
			}
			return http.StatusUnauthorized
		})
		r.signer.knock.Store(true)
		r.enqueue("knock", "http://picky.example/inbox")
		r.waitResult("knock", delivery.Delivered, 1)
		r.shutdown()
		posts := r.sink.posts()
		if len(posts) != 2 || !strings.HasSuffix(posts[0].Signature, ",scheme=first") || posts[0].Status != 401 ||
			!strings.HasSuffix(posts[1].Signature, ",scheme=second") || posts[1].Status != 202 {
			t.Fatalf("posts %+v, want a refused first knock then an accepted second", posts)
		}
		if n := r.rec.countResult(delivery.Retried); n != 0 {
			t.Errorf("%d retried outcomes, want 0", n)
		}
		if n := r.signer.asked.Load(); n != 2 {
			t.Errorf("the signer was told %d answers, want 2", n)
		}
	})
	t.Run("both refused", func(t *testing.T) {
		r := newRig(t, delivery.Options{MaxAttempts: 1}, answer(http.StatusUnauthorized))
		r.signer.knock.Store(true)
		r.enqueue("refused", "http://closed.example/inbox")
		r.waitResult("refused", delivery.DeadLettered, 1)
		r.shutdown()
		if n := r.sink.total(); n != 2 {
			t.Fatalf("%d POSTs, want 2 (one knock of each scheme)", n)
		}
	})
	t.Run("knocking off", func(t *testing.T) {
		r := newRig(t, delivery.Options{MaxAttempts: 1}, answer(http.StatusUnauthorized))
		r.enqueue("once", "http://closed.example/inbox")
		r.waitResult("once", delivery.DeadLettered, 1)
		r.shutdown()
		if n := r.sink.total(); n != 1 {
			t.Fatalf("%d POSTs, want 1", n)
		}
	})
	checkNoLeak(t, before)
}
