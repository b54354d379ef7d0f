package mail_test

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/herd-social/herd/mail"
	"github.com/herd-social/herd/mail/mailtest"
)

// TestConformance runs the Sender suite on the SMTP engine against Mailpit.
func TestConformance(t *testing.T) {
	addr, in := mailtest.FromEnv(t)
	mailtest.Run(t, func(t *testing.T) mail.Sender {
		s, err := mail.NewSMTP(mail.SMTPOptions{Addr: addr, From: "Herd <notifications@herd.test>", TLS: mail.TLSNone,
			Username: "herd", Password: "secret"})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}, in)
}

// TestSMTPServerDown: a refused connection is an error to retry, not ErrInvalid.
func TestSMTPServerDown(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	s, err := mail.NewSMTP(mail.SMTPOptions{Addr: addr, From: "h@herd.test", TLS: mail.TLSNone, Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	err = s.Send(context.Background(), mail.Message{To: "a@herd.test", Subject: "x", Text: "x"})
	if err == nil || errors.Is(err, mail.ErrInvalid) {
		t.Fatalf("send to a closed port: %v, want a transient error", err)
	}
}

func TestSMTPOptionsValidate(t *testing.T) {
	for _, c := range []struct {
		name string
		o    mail.SMTPOptions
		ok   bool
	}{
		{"minimal", mail.SMTPOptions{Addr: "smtp.example:587", From: "a@example.com"}, true},
		{"display name", mail.SMTPOptions{Addr: "smtp.example:465", From: "Herd <a@example.com>", TLS: mail.TLSImplicit}, true},
		{"no port", mail.SMTPOptions{Addr: "smtp.example", From: "a@example.com"}, false},
		{"bad port", mail.SMTPOptions{Addr: "smtp.example:0", From: "a@example.com"}, false},
		{"bad from", mail.SMTPOptions{Addr: "smtp.example:25", From: "nobody"}, false},
		{"from with a line break", mail.SMTPOptions{Addr: "smtp.example:25", From: "a@example.com\r\nBcc: b@c.d"}, false},
		{"bad tls", mail.SMTPOptions{Addr: "smtp.example:25", From: "a@example.com", TLS: "ssl"}, false},
		{"password alone", mail.SMTPOptions{Addr: "smtp.example:25", From: "a@example.com", Password: "x"}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			if err := c.o.Validate(); (err == nil) != c.ok {
				t.Errorf("Validate: %v, want ok=%v", err, c.ok)
			}
		})
	}
}
