// Package mail owns the email Herd sends, as Mastodon sends it: the confirmation of a
// new sign-up, the instructions to reset a password and moderators' warnings. It renders each message (plain
// text and HTML, named after the instance) and hands it to a Sender; the SMTP engine
// (smtp.go) speaks to a mail server through github.com/wneessen/go-mail.
//
// Sending never happens on a request's path: the account use cases publish a Job to
// the event log's mail topic (queue.go) and a consumer renders and sends it, retrying
// while the server fails. The package must not know HTTP or the accounts' records; a
// Job carries the address, the link and the instance's names.
package mail

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
)

// ErrInvalid is returned for a message that no server could take (no recipient, an
// address that does not parse, an empty subject or body).
var ErrInvalid = errors.New("mail: invalid message")

// Message is one email: one recipient, a subject, a plain-text body and, if set, an
// HTML alternative of it.
type Message struct {
	To      string
	Subject string
	Text    string
	HTML    string
}

// Validate reports whether m can be sent.
func (m Message) Validate() error {
	if _, err := mail.ParseAddress(m.To); err != nil || strings.ContainsAny(m.To, "\r\n") {
		return fmt.Errorf("%w: recipient %q", ErrInvalid, m.To)
	}
	if strings.TrimSpace(m.Subject) == "" || strings.ContainsAny(m.Subject, "\r\n") {
		return fmt.Errorf("%w: subject %q", ErrInvalid, m.Subject)
	}
	if strings.TrimSpace(m.Text) == "" {
		return fmt.Errorf("%w: empty body", ErrInvalid)
	}
	return nil
}

// Sender sends one message. Send returns once a server accepted it; an error wrapping
// ErrInvalid means that sending it again cannot succeed.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// parseFrom checks a sender's address, with or without a display name.
func parseFrom(from string) (*mail.Address, error) {
	if strings.ContainsAny(from, "\r\n") {
		return nil, errors.New("a line break in the address")
	}
	return mail.ParseAddress(from)
}
