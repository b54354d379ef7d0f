package delivery

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/herd-social/herd/bus"
)

func TestBackoff(t *testing.T) {
	low := New(nil, nil, nil, Options{Rand: func() float64 { return 0 }})
	high := New(nil, nil, nil, Options{Rand: func() float64 { return 0.999999 }})
	for _, c := range []struct {
		n         int
		low, high time.Duration
	}{
		{1, 16 * time.Second, 36500 * time.Millisecond},        // 1 + 15, + 0.5 + 20
		{2, 31 * time.Second, 69 * time.Second},                // 16 + 15, + 8 + 30
		{15, 50640 * time.Second, 76112500 * time.Millisecond}, // 50625 + 15, + 25312.5 + 160
	} {
		if got := low.backoff(c.n); got != c.low {
			t.Errorf("backoff(%d) with rand 0 = %v, want %v", c.n, got, c.low)
		}
		if got := high.backoff(c.n); got > c.high || got < c.high-time.Second {
			t.Errorf("backoff(%d) with rand→1 = %v, want just under %v", c.n, got, c.high)
		}
	}
	var lo, hi time.Duration
	for n := 1; n <= Tiers; n++ {
		lo += low.backoff(n)
		hi += high.backoff(n)
	}
	if lo < 49*time.Hour || hi > 76*time.Hour {
		t.Errorf("all retries span %v to %v, want about 50 to 75 hours as Mastodon", lo, hi)
	}
}

func TestBackoffUnitScales(t *testing.T) {
	s := New(nil, nil, nil, Options{Rand: func() float64 { return 0 }, BackoffUnit: time.Millisecond})
	if got := s.backoff(3); got != 96*time.Millisecond {
		t.Errorf("backoff(3) = %v, want 96ms", got)
	}
}

func TestUnsalvageable(t *testing.T) {
	for code := 100; code < 600; code++ {
		want := (code >= 400 && code < 500 && code != 401 && code != 408 && code != 429) || code == 501
		if got := unsalvageable(code); got != want {
			t.Errorf("unsalvageable(%d) = %v, want %v", code, got, want)
		}
	}
	if unsalvageable(http.StatusServiceUnavailable) {
		t.Error("503 must be retried")
	}
}

func TestBreakers(t *testing.T) {
	b := newBreakers(3, time.Minute)
	t0 := time.Unix(1_700_000_000, 0)
	const in = "https://x.example/inbox"
	for i := range 2 {
		b.failure(in, t0)
		if !b.allow(in, t0) {
			t.Fatalf("open after %d failures, threshold 3", i+1)
		}
	}
	b.failure(in, t0)
	if b.allow(in, t0.Add(59*time.Second)) {
		t.Fatal("closed 59s after opening, cooldown 60s")
	}
	if b.allow("https://y.example/inbox", t0) == false {
		t.Fatal("another inbox is blocked")
	}
	t1 := t0.Add(time.Minute)
	if !b.allow(in, t1) {
		t.Fatal("still open after the cooldown")
	}
	b.failure(in, t1) // a failed trial opens it again at once
	if b.allow(in, t1) {
		t.Fatal("a failure after the cooldown did not reopen")
	}
	b.success(in)
	if !b.allow(in, t1) {
		t.Fatal("open after a success")
	}
	b.failure(in, t1)
	if !b.allow(in, t1) {
		t.Fatal("a success did not reset the consecutive count")
	}
}

func TestJobRoundTrip(t *testing.T) {
	j := Job{ID: "abc", Inbox: "https://x.example/inbox", Activity: []byte(`{"id":"a"}`), Signer: 7, Attempt: 3,
		NotBefore: time.Unix(1_700_000_000, 123)}
	v, err := encodeJob(j)
	if err != nil {
		t.Fatal(err)
	}
	got, err := decodeJob(v)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != j.ID || got.Inbox != j.Inbox || string(got.Activity) != string(j.Activity) ||
		got.Signer != j.Signer || got.Attempt != j.Attempt || !got.NotBefore.Equal(j.NotBefore) {
		t.Errorf("round trip %+v, want %+v", got, j)
	}
	if _, err := decodeJob([]byte("garbage")); err == nil {
		t.Error("garbage decoded")
	}
}

func TestOptionsValidate(t *testing.T) {
	for _, c := range []struct {
		name string
		o    Options
		ok   bool
	}{
		{"defaults", Options{}, true},
		{"max attempts 16", Options{MaxAttempts: 16}, true},
		{"max attempts 17", Options{MaxAttempts: 17}, false},
		{"negative attempts", Options{MaxAttempts: -1}, false},
		{"negative threshold", Options{BreakerThreshold: -1}, false},
		{"negative cooldown", Options{BreakerCooldown: -time.Second}, false},
		{"negative concurrency", Options{Concurrency: -1}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			if err := c.o.Validate(); (err == nil) != c.ok {
				t.Errorf("Validate = %v, want ok %v", err, c.ok)
			}
		})
	}
}

func TestParseInbox(t *testing.T) {
	for _, c := range []struct{ in, inbox, domain string }{
		{"https://Mastodon.Social/inbox", "https://mastodon.social/inbox", "mastodon.social"},
		{"https://example.com:8443/users/a/inbox#x", "https://example.com:8443/users/a/inbox", "example.com"},
		{"HTTP://example.com./inbox", "http://example.com./inbox", "example.com"},
		{"ftp://example.com/inbox", "", ""},
		{"https://user@example.com/inbox", "", ""},
		{"/inbox", "", ""},
		{"https:///inbox", "", ""},
		{"mailto:a@example.com", "", ""},
	} {
		inbox, domain, err := parseInbox(c.in)
		if (err == nil) != (c.inbox != "") || inbox != c.inbox || domain != c.domain {
			t.Errorf("parseInbox(%q) = %q, %q, %v; want %q, %q", c.in, inbox, domain, err, c.inbox, c.domain)
		}
	}
}

// FuzzParseInbox: inbox URLs come from remote actor documents.
func FuzzParseInbox(f *testing.F) {
	for _, s := range []string{"https://a.example/inbox", "http://[::1]:80/x", "https://%zz", "https://a.example:99999/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		inbox, domain, err := parseInbox(raw)
		if err != nil {
			return
		}
		if domain == "" || domainOf(inbox) != domain {
			t.Fatalf("parseInbox(%q) = %q, %q: domain does not round-trip", raw, inbox, domain)
		}
		again, domain2, err := parseInbox(inbox)
		if err != nil || again != inbox || domain2 != domain {
			t.Fatalf("parseInbox not idempotent on %q: %q, %q, %v", inbox, again, domain2, err)
		}
	})
}

// A message that is not a job, or a job due later than any tier schedules one (it
// would hold its partition until then), is refused as permanent; a job of the last
// tier is not.
func TestValidJob(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := New(nil, nil, nil, Options{Now: func() time.Time { return now }, Rand: func() float64 { return 0.999999 }})
	job := func(due time.Time) bus.Message {
		v, err := encodeJob(Job{ID: "j", Inbox: "https://example.com/inbox", NotBefore: due})
		if err != nil {
			t.Fatal(err)
		}
		return bus.Message{Value: v}
	}
	if _, err := s.validJob(job(now.Add(s.backoff(Tiers)))); err != nil {
		t.Errorf("last tier's job: %v", err)
	}
	for name, m := range map[string]bus.Message{"garbage": {Value: []byte("x")}, "far future": job(now.AddDate(1, 0, 0))} {
		if _, err := s.validJob(m); !errors.Is(err, bus.ErrPermanent) {
			t.Errorf("%s: %v, want a permanent error", name, err)
		}
	}
}
