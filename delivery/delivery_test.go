package delivery_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/herd-social/herd/delivery"
)

func zero() float64 { return 0 }

func answer(code int) func(post) int { return func(post) int { return code } }

func TestDeliverOncePerDistinctInbox(t *testing.T) {
	before := runtime.NumGoroutine()
	t.Run("deliver", func(t *testing.T) {
		r := newRig(t, delivery.Options{UserAgent: "HerdTest/1"}, nil)
		r.enqueue("hello",
			"http://a.example/inbox", "http://b.example/users/x/inbox", "http://A.EXAMPLE/inbox",
			"http://a.example/inbox#frag", "ftp://c.example/inbox", "not a url", "/inbox")
		r.waitResult("hello", delivery.Delivered, 2)
		r.shutdown()

		posts := r.sink.posts()
		if len(posts) != 2 {
			t.Fatalf("sink got %d POSTs, want 2 (one per distinct inbox): %+v", len(posts), posts)
		}
		want := activity("hello")
		inboxes := map[string]bool{}
		for _, p := range posts {
			inboxes[p.Host+p.Path] = true
			if !bytes.Equal(p.Body, want) {
				t.Errorf("body %q, want %q", p.Body, want)
			}
			if p.ContentType != "application/activity+json" {
				t.Errorf("Content-Type %q", p.ContentType)
			}
			if wantSig := fmt.Sprintf(`keyId="42",len=%d`, len(want)); p.Signature != wantSig {
				t.Errorf("Signature %q, want %q (set by the Signer)", p.Signature, wantSig)
			}
			if p.UserAgent != "HerdTest/1" {
				t.Errorf("User-Agent %q", p.UserAgent)
			}
		}
		if !inboxes["a.example/inbox"] || !inboxes["b.example/users/x/inbox"] {
			t.Errorf("inboxes reached %v", inboxes)
		}
		if n := r.signer.calls.Load(); n != 2 {
			t.Errorf("signer called %d times, want 2", n)
		}
		if n := r.rec.countResult(delivery.Retried) + r.rec.countResult(delivery.Dropped); n != 0 {
			t.Errorf("%d retried or dropped outcomes, want 0", n)
		}
	})
	checkNoLeak(t, before)
}

func TestFaultsRetriedUntilDeliveredOnce(t *testing.T) {
	const (
		activities = 40
		inboxes    = 2 // distinct inboxes per activity
		k          = 3 // 503s before a 202, per activity and inbox
	)
	r := newRig(t, delivery.Options{BackoffUnit: time.Millisecond, BreakerThreshold: 1 << 30}, func(p post) int {
		if p.earlier < k {
			return http.StatusServiceUnavailable
		}
		return http.StatusAccepted
	})
	for i := range activities {
		r.enqueue(fmt.Sprint("fault", i), "http://a.example/inbox", "http://b.example/inbox", "http://a.example/inbox")
	}
	jobs := activities * inboxes
	waitFor(t, "every job accepted", func() error {
		if got := r.sink.accepted(); got != jobs {
			return fmt.Errorf("%d of %d jobs accepted", got, jobs)
		}
		return nil
	})
	r.shutdown()

	if got := r.sink.accepted(); got != jobs {
		t.Errorf("sink accepted %d distinct activity ids, want %d", got, jobs)
	}
	if got, want := r.sink.total(), jobs*(k+1); got != want {
		t.Errorf("sink got %d raw POSTs, want %d (%d jobs × %d tries)", got, want, jobs, k+1)
	}
	for i := range activities {
		for _, host := range []string{"a.example", "b.example"} {
			if n := r.sink.count(host, "/inbox", fmt.Sprint("fault", i)); n != k+1 {
				t.Errorf("fault%d at %s: %d POSTs, want %d", i, host, n, k+1)
			}
		}
	}
	if n := r.rec.countResult(delivery.Retried); n != jobs*k {
		t.Errorf("%d retried outcomes, want %d", n, jobs*k)
	}
	if n := r.rec.countResult(delivery.DeadLettered); n != 0 {
		t.Errorf("%d dead letters, want 0", n)
	}
}

func TestUnsalvageableDroppedOthersRetried(t *testing.T) {
	cases := []struct {
		status  int
		retried bool
	}{
		{http.StatusNotFound, false},
		{http.StatusGone, false},
		{http.StatusBadRequest, false},
		{http.StatusForbidden, false},
		{http.StatusUnprocessableEntity, false},
		{http.StatusNotImplemented, false},
		{http.StatusTooManyRequests, true},
		{http.StatusUnauthorized, true},
		{http.StatusRequestTimeout, true},
		{http.StatusInternalServerError, true},
		{http.StatusBadGateway, true},
		{http.StatusFound, true}, // redirects are not followed
	}
	r := newRig(t, delivery.Options{BackoffUnit: time.Millisecond, Rand: zero}, func(p post) int {
		if p.earlier == 0 {
			var code int
			fmt.Sscanf(p.Path, "/status/%d", &code)
			return code
		}
		return http.StatusAccepted
	})
	name := func(code int) string { return fmt.Sprint("s", code) }
	for _, c := range cases {
		r.enqueue(name(c.status), fmt.Sprintf("http://s%d.example/status/%d", c.status, c.status))
	}
	for _, c := range cases {
		if c.retried {
			r.waitResult(name(c.status), delivery.Delivered, 1)
		} else {
			r.waitResult(name(c.status), delivery.Dropped, 1)
		}
	}
	r.shutdown()
	for _, c := range cases {
		t.Run(fmt.Sprint(c.status), func(t *testing.T) {
			n := r.sink.count(fmt.Sprintf("s%d.example", c.status), fmt.Sprintf("/status/%d", c.status), name(c.status))
			want, res := 1, delivery.Dropped
			if c.retried {
				want, res = 2, delivery.Retried
			}
			if n != want {
				t.Errorf("%d POSTs, want %d", n, want)
			}
			os := r.rec.find(name(c.status), res)
			if len(os) != 1 || os[0].Status != c.status {
				t.Fatalf("%v outcomes %+v, want one with status %d", res, os, c.status)
			}
			var se *delivery.StatusError
			if !errors.As(os[0].Err, &se) || se.Code != c.status {
				t.Errorf("outcome error %v, want a StatusError %d", os[0].Err, c.status)
			}
		})
	}
}

func TestDeadLetterAfterMaxAttempts(t *testing.T) {
	for _, maxAttempts := range []int{0, 3, 1} {
		tries := maxAttempts
		if tries == 0 {
			tries = 16
		}
		t.Run(fmt.Sprint("tries=", tries), func(t *testing.T) {
			r := newRig(t, delivery.Options{MaxAttempts: maxAttempts, BackoffUnit: time.Microsecond, Rand: zero,
				BreakerThreshold: 1000}, answer(http.StatusServiceUnavailable))
			r.enqueue("doomed", "http://gone.example/inbox")
			o := r.waitResult("doomed", delivery.DeadLettered, 1)[0]
			dls, err := r.svc.DeadLetters(context.Background(), "gone.example", 0)
			if err != nil {
				t.Fatal(err)
			}
			r.shutdown()

			if n := r.sink.total(); n != tries {
				t.Errorf("%d POSTs, want %d", n, tries)
			}
			if n := len(r.rec.find("doomed", delivery.Retried)); n != tries-1 {
				t.Errorf("%d retried outcomes, want %d", n, tries-1)
			}
			if len(dls) != 1 {
				t.Fatalf("%d dead letters, want 1", len(dls))
			}
			dl := dls[0]
			if dl.Job.ID != o.Job.ID || dl.Job.Inbox != "http://gone.example/inbox" || dl.Job.Attempt != tries-1 ||
				dl.Job.Signer != 42 || !bytes.Equal(dl.Job.Activity, activity("doomed")) {
				t.Errorf("dead letter job %+v", dl.Job)
			}
			if dl.Status != http.StatusServiceUnavailable || !strings.Contains(dl.Err, "503") || dl.At.IsZero() {
				t.Errorf("dead letter status %d, err %q, at %v", dl.Status, dl.Err, dl.At)
			}
		})
	}
}

func TestBreakerOpensAndCoolsDown(t *testing.T) {
	r := newRig(t, delivery.Options{MaxAttempts: 1, BreakerThreshold: 3, BreakerCooldown: time.Minute},
		answer(http.StatusServiceUnavailable))
	t0 := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	r.clock.Set(t0)
	const inbox = "http://flaky.example/inbox"
	for i := range 3 {
		r.enqueue(fmt.Sprint("fail", i), inbox)
		r.waitResult(fmt.Sprint("fail", i), delivery.DeadLettered, 1)
	}
	if n := r.sink.total(); n != 3 {
		t.Fatalf("%d POSTs before the breaker opened, want 3", n)
	}

	r.clock.Set(t0.Add(59 * time.Second))
	r.enqueue("held", inbox)
	o := r.waitResult("held", delivery.DeadLettered, 1)[0]
	if !errors.Is(o.Err, delivery.ErrBreakerOpen) {
		t.Errorf("held job failed with %v, want ErrBreakerOpen", o.Err)
	}
	if n := r.sink.total(); n != 3 {
		t.Errorf("%d POSTs while the breaker was open, want 3", n)
	}

	r.enqueue("other", "http://flaky.example/other-inbox") // breakers are per inbox
	if o := r.waitResult("other", delivery.DeadLettered, 1)[0]; o.Status != http.StatusServiceUnavailable {
		t.Errorf("other inbox: status %d, err %v; want a 503 answer", o.Status, o.Err)
	}

	r.clock.Set(t0.Add(time.Minute + time.Second))
	r.sink.setRespond(answer(http.StatusAccepted))
	r.enqueue("after", inbox)
	r.waitResult("after", delivery.Delivered, 1)
	if n := r.sink.count("flaky.example", "/inbox", "after"); n != 1 {
		t.Errorf("after cooldown: %d POSTs, want 1", n)
	}
}

func TestUnavailableDomain(t *testing.T) {
	ctx := context.Background()
	r := newRig(t, delivery.Options{MaxAttempts: 1, Concurrency: 1}, answer(http.StatusServiceUnavailable))
	const inbox = "http://down.example/inbox"
	day0 := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	job := 0
	failOn := func(day int) {
		t.Helper()
		r.clock.Set(day0.Add(time.Duration(day) * 24 * time.Hour))
		job++
		r.enqueue(fmt.Sprint("j", job), inbox)
		r.waitResult(fmt.Sprint("j", job), delivery.DeadLettered, 1)
	}
	unavailable := func(want bool) {
		t.Helper()
		got, err := r.svc.Unavailable(ctx, "DOWN.example")
		if err != nil || got != want {
			t.Fatalf("Unavailable = %v, %v; want %v", got, err, want)
		}
	}
	for _, d := range []int{0, 1, 2, 2, 3, 4, 5} { // six distinct days
		failOn(d)
	}
	unavailable(false)

	r.sink.setRespond(answer(http.StatusAccepted)) // a success clears the failure days
	r.enqueue("ok", inbox)
	r.waitResult("ok", delivery.Delivered, 1)
	r.sink.setRespond(answer(http.StatusServiceUnavailable))
	for d := 7; d < 13; d++ {
		failOn(d)
	}
	unavailable(false)
	failOn(13)
	unavailable(true)

	r.enqueue("skipped", inbox)
	if n := len(r.rec.find("skipped", delivery.Skipped)); n != 1 {
		t.Fatalf("Enqueue to an unavailable domain: %d skipped outcomes, want 1", n)
	}
	if err := r.svc.MarkAvailable(ctx, "down.example"); err != nil {
		t.Fatal(err)
	}
	unavailable(false)
	r.sink.setRespond(answer(http.StatusAccepted))
	r.enqueue("back", inbox)
	r.waitResult("back", delivery.Delivered, 1)
	// One POST at a time in log order: a "skipped" job in the log would have come first.
	if n := r.sink.count("down.example", "/inbox", "skipped"); n != 0 {
		t.Errorf("job enqueued while unavailable was sent %d times", n)
	}
}

func TestRestartKeepsPendingRetries(t *testing.T) {
	r := newRig(t, delivery.Options{BackoffUnit: time.Hour, Rand: zero}, answer(http.StatusServiceUnavailable))
	t0 := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	r.clock.Set(t0)
	const n = 20
	for i := range n {
		r.enqueue(fmt.Sprint("r", i), fmt.Sprintf("http://r%d.example/inbox", i%4))
	}
	waitFor(t, "every first attempt rescheduled", func() error {
		if got := r.rec.countResult(delivery.Retried); got != n {
			return fmt.Errorf("%d of %d rescheduled", got, n)
		}
		return nil
	})
	r.shutdown() // the tier-1 consumer is waiting 16 "hours" on its head job

	r.sink.setRespond(answer(http.StatusAccepted))
	r.clock.Set(t0.Add(17 * time.Hour))
	r.start()
	waitFor(t, "every job delivered after the restart", func() error {
		if got := r.rec.countResult(delivery.Delivered); got != n {
			return fmt.Errorf("%d of %d delivered", got, n)
		}
		return nil
	})
	r.shutdown()

	if got := r.sink.accepted(); got != n {
		t.Errorf("sink accepted %d distinct activity ids, want %d", got, n)
	}
	if got := r.sink.total(); got != 2*n {
		t.Errorf("%d raw POSTs, want %d (one 503 and one 202 per job)", got, 2*n)
	}
	if got := r.rec.countResult(delivery.Delivered); got != n {
		t.Errorf("%d delivered outcomes, want %d", got, n)
	}
	r.rec.mu.Lock()
	defer r.rec.mu.Unlock()
	for _, o := range r.rec.outcomes {
		if o.Result == delivery.Delivered && o.Job.Attempt != 1 {
			t.Errorf("job %s delivered at attempt %d, want 1", o.Job.ID, o.Job.Attempt)
		}
	}
}
