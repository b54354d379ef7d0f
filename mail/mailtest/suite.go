package mailtest

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/herd-social/herd/mail"
)

// Case is one behaviour every Sender shows, checked against what the server received.
type Case struct {
	Name string
	Run  func(t *testing.T, s mail.Sender, in *Inbox)
}

// Cases are the suite.
var Cases = []Case{
	{"PlainText", plainText},
	{"TextAndHTML", textAndHTML},
	{"Unicode", unicode},
	{"LongLinkSurvives", longLink},
	{"RenderedConfirmation", renderedConfirmation},
	{"InvalidRecipientIsPermanent", invalidRecipient},
	{"HeaderInjectionRefused", headerInjection},
}

// Run runs every case on the Sender that newSender makes, which sends to the server
// in reads.
func Run(t *testing.T, newSender func(t *testing.T) mail.Sender, in *Inbox) {
	for _, c := range Cases {
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			c.Run(t, newSender(t), in)
		})
	}
}

func send(t *testing.T, s mail.Sender, m mail.Message) {
	t.Helper()
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatalf("send: %v", err)
	}
}

func plainText(t *testing.T, s mail.Sender, in *Inbox) {
	to := NewAddress("plain")
	send(t, s, mail.Message{To: to, Subject: "Plain", Text: "Just text.\n"})
	got := in.Await(t, to, 1)[0]
	if got.Subject != "Plain" || strings.TrimSpace(got.Text) != "Just text." || got.HTML != "" {
		t.Errorf("received %q / %q / html %q", got.Subject, got.Text, got.HTML)
	}
	if len(got.To) != 1 || got.To[0].Address != to {
		t.Errorf("to %+v, want %s", got.To, to)
	}
	if got.MessageID == "" || len(got.Headers["Date"]) != 1 {
		t.Errorf("message id %q, date %v: want both", got.MessageID, got.Headers["Date"])
	}
	if ct := strings.Join(got.Headers["Content-Type"], ""); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("content type %q, want text/plain", ct)
	}
}

func textAndHTML(t *testing.T, s mail.Sender, in *Inbox) {
	to := NewAddress("alt")
	send(t, s, mail.Message{To: to, Subject: "Both", Text: "The text part.\n",
		HTML: "<p>The <strong>HTML</strong> part.</p>"})
	got := in.Await(t, to, 1)[0]
	if strings.TrimSpace(got.Text) != "The text part." || !strings.Contains(got.HTML, "<strong>HTML</strong>") {
		t.Errorf("text %q, html %q", got.Text, got.HTML)
	}
	if ct := strings.Join(got.Headers["Content-Type"], ""); !strings.HasPrefix(ct, "multipart/alternative") {
		t.Errorf("content type %q, want multipart/alternative", ct)
	}
	if a := strings.Join(got.Headers["Auto-Submitted"], ""); a != "auto-generated" {
		t.Errorf("Auto-Submitted %q", a)
	}
}

func unicode(t *testing.T, s mail.Sender, in *Inbox) {
	to := NewAddress("unicode")
	subj, body := "Bienvenue à Herd — ✓ 日本語", "Grüße, Ελλάδα, 🐘.\n"
	send(t, s, mail.Message{To: to, Subject: subj, Text: body, HTML: "<p>" + body + "</p>"})
	got := in.Await(t, to, 1)[0]
	if got.Subject != subj || strings.TrimSpace(got.Text) != strings.TrimSpace(body) {
		t.Errorf("subject %q text %q", got.Subject, got.Text)
	}
}

// longLink checks that a token link longer than a mail line comes back whole.
func longLink(t *testing.T, s mail.Sender, in *Inbox) {
	to := NewAddress("link")
	link := "https://herd.example/auth/confirmation?confirmation_token=" + strings.Repeat("aB3-_", 30)
	send(t, s, mail.Message{To: to, Subject: "Link", Text: "Open " + link + "\n", HTML: `<a href="` + link + `">x</a>`})
	got := in.Await(t, to, 1)[0]
	if !strings.Contains(got.Text, link) || !strings.Contains(got.HTML, link) {
		t.Errorf("link broken: text %q html %q", got.Text, got.HTML)
	}
}

func renderedConfirmation(t *testing.T, s mail.Sender, in *Inbox) {
	to := NewAddress("confirm")
	link := "https://herd.example/auth/confirmation?confirmation_token=abc&x=<y>"
	m, err := mail.Render(mail.Job{Kind: mail.Confirmation, To: to, Username: "alice", Link: link,
		Instance: mail.Instance{Title: "Herd & Co", Domain: "herd.example", URL: "https://herd.example"}})
	if err != nil {
		t.Fatal(err)
	}
	send(t, s, m)
	got := in.Await(t, to, 1)[0]
	if got.Subject != "Herd & Co: Confirmation instructions for herd.example" {
		t.Errorf("subject %q", got.Subject)
	}
	if !strings.Contains(got.Text, link) || !strings.Contains(got.Text, "@alice") {
		t.Errorf("text %q lacks the link or the user", got.Text)
	}
	if !strings.Contains(got.HTML, "Herd &amp; Co") || !strings.Contains(got.HTML, "x=%3cy%3e") {
		t.Errorf("html %q: want the title and the link escaped", got.HTML)
	}
}

func invalidRecipient(t *testing.T, s mail.Sender, _ *Inbox) {
	for _, to := range []string{"", "not an address", "a@b.c\r\nBcc: x@y.z"} {
		err := s.Send(context.Background(), mail.Message{To: to, Subject: "x", Text: "x"})
		if !errors.Is(err, mail.ErrInvalid) {
			t.Errorf("to %q: %v, want ErrInvalid", to, err)
		}
	}
}

func headerInjection(t *testing.T, s mail.Sender, _ *Inbox) {
	err := s.Send(context.Background(), mail.Message{To: NewAddress("inject"), Subject: "x\r\nBcc: victim@herd.test", Text: "x"})
	if !errors.Is(err, mail.ErrInvalid) {
		t.Errorf("subject with a line break: %v, want ErrInvalid", err)
	}
}
