package node

import (
	"context"
	"fmt"
	"time"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/mail"
	"github.com/herd-social/herd/moderation"
)

// SMTPConfig is the [smtp] table: the mail server that Herd sends confirmations and
// password resets through. With no address, no mail is sent and new accounts are
// confirmed at once.
type SMTPConfig struct {
	// Address is the server's host:port, such as smtp.example.com:587.
	Address string `toml:"address" help:"SMTP server host:port (default none: no mail; accounts are confirmed at once)"`
	// From is the sender, with or without a display name; default
	// "<title> <notifications@<domain without port>>".
	From string `toml:"from" help:"sender address of the mail (default notifications@ the domain, named after the title)"`
	// Username and Password authenticate with the server, when Username is set.
	Username string `toml:"username" help:"SMTP user name (default none: no authentication)"`
	Password string `toml:"password" help:"SMTP password" secret:"true"`
	// TLS is starttls (default: STARTTLS required), tls (implicit TLS, port 465),
	// opportunistic (STARTTLS when offered) or none (never; a relay on loopback).
	TLS string `toml:"tls" help:"starttls (default), tls, opportunistic or none"`
}

// MailConfigured reports whether the node sends mail.
func (c Config) MailConfigured() bool { return c.SMTP.Address != "" }

// smtpOptions are the SMTP engine's options of the configuration.
func (c Config) smtpOptions() mail.SMTPOptions {
	from := c.SMTP.From
	if from == "" {
		host := c.Domain
		if h, _, err := splitHostPort(c.Domain); err == nil {
			host = h
		}
		from = fmt.Sprintf("%q <notifications@%s>", c.Title, host)
	}
	return mail.SMTPOptions{Addr: c.SMTP.Address, From: from, Username: c.SMTP.Username, Password: c.SMTP.Password,
		TLS: c.SMTP.TLS, Timeout: 15 * time.Second}
}

// validateSMTP reports the mail settings' unusable values.
func (c Config) validateSMTP() []error {
	if !c.MailConfigured() {
		return nil
	}
	if err := c.smtpOptions().Validate(); err != nil {
		return []error{fmt.Errorf("smtp: %w", err)}
	}
	return nil
}

// buildMail makes the mail queue when SMTP is configured, and the account service's
// mail options that turn on confirmation and password resets; nil without SMTP.
func (n *Node) buildMail() (*account.MailOptions, error) {
	if !n.cfg.MailConfigured() {
		return nil, nil
	}
	sender, err := mail.NewSMTP(n.cfg.smtpOptions())
	if err != nil {
		return nil, fmt.Errorf("node: %w", err)
	}
	n.Mail = mail.NewQueue(n.bus, sender, mail.QueueOptions{DeadLetters: n.DeadLetters, Logger: n.log})
	base := n.cfg.Scheme + "://" + n.cfg.Domain
	return &account.MailOptions{Queue: n.Mail,
		Instance: mail.Instance{Title: n.cfg.Title, Domain: n.cfg.Domain, URL: base}}, nil
}

// runMail sends the queued mail; without SMTP there is nothing to send.
func (n *Node) runMail(ctx context.Context) error {
	if n.Mail == nil {
		<-ctx.Done()
		return nil
	}
	return n.Mail.Run(ctx)
}

// warningMail is how moderators' warnings are mailed: through the mail queue when
// SMTP is configured, nil otherwise.
func warningMail(m *account.MailOptions) *moderation.WarningMail {
	if m == nil {
		return nil
	}
	return &moderation.WarningMail{Queue: m.Queue, Instance: m.Instance}
}
