package mail

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"strconv"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// TLS modes of an SMTP connection, as smtp.tls takes them.
const (
	// TLSStartTLS upgrades the connection with STARTTLS and refuses a server that
	// cannot (port 587).
	TLSStartTLS = "starttls"
	// TLSOpportunistic upgrades with STARTTLS when the server offers it, and sends in
	// the clear otherwise.
	TLSOpportunistic = "opportunistic"
	// TLSImplicit speaks TLS from the first byte (port 465, "SMTPS").
	TLSImplicit = "tls"
	// TLSNone never encrypts: a relay on loopback or a private network, or a test
	// server. A password is then sent in the clear (PLAIN).
	TLSNone = "none"
)

// SMTPOptions configure the SMTP engine. Zero fields take the documented defaults.
type SMTPOptions struct {
	// Addr is the server's host:port.
	Addr string
	// From is the sender's address, with or without a display name
	// ("Herd <notifications@example.com>").
	From string
	// Username and Password authenticate when Username is set, with the strongest
	// mechanism the server offers (PLAIN when TLS is "none").
	Username, Password string
	// TLS is one of the TLS modes; default TLSStartTLS.
	TLS string
	// Timeout bounds connecting and each command; default 15s.
	Timeout time.Duration
	// HELO is the name the client gives in EHLO; default the library's (the host's
	// name).
	HELO string
	// TLSConfig, if set, is used for STARTTLS and implicit TLS (tests trust their
	// own authority with it); default the system's roots and the server's host name.
	TLSConfig *tls.Config
}

func (o SMTPOptions) withDefaults() SMTPOptions {
	if o.TLS == "" {
		o.TLS = TLSStartTLS
	}
	if o.Timeout == 0 {
		o.Timeout = 15 * time.Second
	}
	return o
}

// Validate reports the first unusable option.
func (o SMTPOptions) Validate() error {
	o = o.withDefaults()
	if _, _, err := splitAddr(o.Addr); err != nil {
		return err
	}
	if _, err := parseFrom(o.From); err != nil {
		return fmt.Errorf("mail: from %q: %w", o.From, err)
	}
	switch o.TLS {
	case TLSStartTLS, TLSOpportunistic, TLSImplicit, TLSNone:
	default:
		return fmt.Errorf("mail: tls %q must be starttls, opportunistic, tls or none", o.TLS)
	}
	if o.Password != "" && o.Username == "" {
		return fmt.Errorf("mail: a password without a username")
	}
	return nil
}

func splitAddr(addr string) (string, int, error) {
	host, p, err := net.SplitHostPort(addr)
	if err != nil || host == "" {
		return "", 0, fmt.Errorf("mail: address %q must be host:port", addr)
	}
	port, err := strconv.Atoi(p)
	if err != nil || port < 1 || port > 65535 {
		return "", 0, fmt.Errorf("mail: address %q has no valid port", addr)
	}
	return host, port, nil
}

// SMTP is the Sender that submits to one SMTP server, a connection per message.
type SMTP struct {
	opts SMTPOptions
	host string
	port int
}

// NewSMTP returns the engine, or the error of Validate.
func NewSMTP(opts SMTPOptions) (*SMTP, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	opts = opts.withDefaults()
	host, port, _ := splitAddr(opts.Addr)
	return &SMTP{opts: opts, host: host, port: port}, nil
}

func (s *SMTP) client() (*gomail.Client, error) {
	o := []gomail.Option{gomail.WithPort(s.port), gomail.WithTimeout(s.opts.Timeout)}
	switch s.opts.TLS {
	case TLSStartTLS:
		o = append(o, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case TLSOpportunistic:
		o = append(o, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	case TLSImplicit:
		o = append(o, gomail.WithSSL())
	case TLSNone:
		o = append(o, gomail.WithTLSPolicy(gomail.NoTLS))
	}
	if s.opts.TLSConfig != nil {
		o = append(o, gomail.WithTLSConfig(s.opts.TLSConfig))
	}
	if s.opts.HELO != "" {
		o = append(o, gomail.WithHELO(s.opts.HELO))
	}
	if s.opts.Username != "" {
		// The library refuses to send a password unencrypted; with TLS "none" the
		// operator chose to (a relay on loopback), and PLAIN is used.
		auth := gomail.SMTPAuthAutoDiscover
		if s.opts.TLS == TLSNone {
			auth = gomail.SMTPAuthPlainNoEnc
		}
		o = append(o, gomail.WithSMTPAuth(auth),
			gomail.WithUsername(s.opts.Username), gomail.WithPassword(s.opts.Password))
	}
	c, err := gomail.NewClient(s.host, o...)
	if err != nil {
		return nil, fmt.Errorf("mail: smtp client: %w", err)
	}
	return c, nil
}

// Send submits m: a multipart/alternative message when it has HTML, plain text
// otherwise, with a Message-ID and the date.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	if err := m.Validate(); err != nil {
		return err
	}
	msg := gomail.NewMsg()
	if err := msg.From(s.opts.From); err != nil {
		return fmt.Errorf("mail: from: %w", err)
	}
	if err := msg.To(m.To); err != nil {
		return fmt.Errorf("%w: to %q: %v", ErrInvalid, m.To, err)
	}
	msg.Subject(m.Subject)
	msg.SetMessageID()
	msg.SetDate()
	// Mastodon marks its notifications as sent by a program, so that servers answer
	// them with no vacation replies.
	msg.SetGenHeader("Auto-Submitted", "auto-generated")
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	c, err := s.client()
	if err != nil {
		return err
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("mail: send to %s via %s: %w", m.To, s.opts.Addr, err)
	}
	return nil
}
