package mail_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/herd-social/herd/deadletter"
	"github.com/herd-social/herd/mail"
	"github.com/herd-social/herd/testrig"
)

// flaky is a Sender that fails the first `fails` sends of each recipient, then
// records what it is given.
type flaky struct {
	fails int
	mu    sync.Mutex
	tries map[string]int
	sent  []mail.Message
}

func (f *flaky) Send(_ context.Context, m mail.Message) error {
	if err := m.Validate(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tries[m.To]++
	if f.tries[m.To] <= f.fails {
		return errors.New("421 try again later")
	}
	f.sent = append(f.sent, m)
	return nil
}

func (f *flaky) sentTo() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, m := range f.sent {
		out = append(out, m.To)
	}
	return out
}

// TestQueueRetriesAndSetsAside: a job whose server fails for a while is sent once it
// answers; a job that can never be sent (no such kind) becomes a dead letter and does
// not hold up the others.
func TestQueueRetriesAndSetsAside(t *testing.T) {
	e := testrig.NewEngines(t)
	st, b := e.OpenStore(deadletter.Schema()...), e.OpenBus()
	keeper := deadletter.New(st, deadletter.Options{MaxTries: 3})
	f := &flaky{fails: 2, tries: map[string]int{}}
	q := mail.NewQueue(b, f, mail.QueueOptions{DeadLetters: keeper})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- q.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	})
	inst := mail.Instance{Title: "Herd", Domain: "herd.test", URL: "https://herd.test"}
	for _, j := range []mail.Job{
		{Kind: mail.Confirmation, To: "a@herd.test", Username: "a", Link: "https://herd.test/x", Instance: inst},
		{Kind: "no-such-kind", To: "b@herd.test", Username: "b", Link: "https://herd.test/y", Instance: inst},
		{Kind: mail.PasswordReset, To: "c@herd.test", Username: "c", Link: "https://herd.test/z", Instance: inst, Hours: 6},
	} {
		if err := q.Enqueue(context.Background(), j); err != nil {
			t.Fatal(err)
		}
	}
	testrig.Eventually(t, "the two good jobs sent", func() error {
		got := f.sentTo()
		if len(got) != 2 {
			return fmt.Errorf("sent to %v", got)
		}
		return nil
	})
	testrig.Eventually(t, "the bad job set aside", func() error {
		l, err := keeper.List(context.Background(), mail.Group, 10)
		if err != nil || len(l) != 1 {
			return fmt.Errorf("letters %v, %v", l, err)
		}
		return nil
	})
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.tries["a@herd.test"] != 3 {
		t.Errorf("%d tries of the first job, want 3 (two failures)", f.tries["a@herd.test"])
	}
	for _, m := range f.sent {
		if m.To == "c@herd.test" && (!strings.Contains(m.Text, "within 6 hours") || !strings.Contains(m.Subject, "Reset password")) {
			t.Errorf("reset mail %q: %q", m.Subject, m.Text)
		}
	}
}

func TestRender(t *testing.T) {
	j := mail.Job{Kind: mail.Confirmation, To: "a@herd.test", Username: `<b>mallory</b>`, Link: "https://herd.test/c?t=1&u=2",
		Instance: mail.Instance{Title: `Herd "<i>"`, Domain: "herd.test", URL: "https://herd.test"}}
	m, err := mail.Render(j)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(m.HTML, "<b>mallory") || strings.Contains(m.HTML, "<i>") {
		t.Errorf("HTML interpolates markup: %s", m.HTML)
	}
	if !strings.Contains(m.Text, "https://herd.test/c?t=1&u=2") || !strings.Contains(m.HTML, `href="https://herd.test/c?t=1&amp;u=2"`) {
		t.Errorf("link: text %q html %q", m.Text, m.HTML)
	}
	if _, err := mail.Render(mail.Job{Kind: "other", To: "a@herd.test"}); !errors.Is(err, mail.ErrInvalid) {
		t.Errorf("unknown kind: %v", err)
	}
	if _, err := mail.Render(mail.Job{Kind: mail.PasswordReset, To: "nobody"}); !errors.Is(err, mail.ErrInvalid) {
		t.Errorf("bad recipient: %v", err)
	}
}
