package account

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/herd-social/herd/mail"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// Email confirmation and password reset, as Devise does them for Mastodon. With mail
// configured (Options.Mail), a new user is Unconfirmed until they follow the link
// mailed to them; a user may ask for a link to set a new password. Each link carries a
// random token, stored only as a hash in user_email_tokens, that names its user, its
// purpose, the address it was sent to and when it expires. The user record keeps the
// hash of the newest token of each purpose, so that a new one voids the older (as
// Devise's one token column does), and using one clears it: a token works once.
// Sending goes through the mail queue (package mail), never on the request's path.

var (
	// ErrTokenInvalid is returned for a confirmation or reset token that does not
	// exist, was used or was replaced by a newer one.
	ErrTokenInvalid = errors.New("account: token is invalid")
	// ErrTokenExpired is returned for a token past its time.
	ErrTokenExpired = errors.New("account: token has expired")
	// ErrAlreadyConfirmed is returned when asking to confirm a confirmed address.
	ErrAlreadyConfirmed = errors.New("account: email already confirmed")
	// ErrConfirmationNotSent is returned with the new account by Register when its
	// confirmation could not be queued: the account exists.
	ErrConfirmationNotSent = errors.New("account: confirmation mail not queued")
)

// Mailer is the part of the mail queue the service needs (mail.Queue).
type Mailer interface {
	Enqueue(ctx context.Context, j mail.Job) error
}

// MailOptions turn on email confirmation and password resets.
type MailOptions struct {
	// Queue takes the messages to send.
	Queue Mailer
	// Instance names the instance in messages; Instance.URL (scheme and domain, no
	// trailing slash) starts the links.
	Instance mail.Instance
	// ConfirmTTL is how long a confirmation link works; default 2 days.
	ConfirmTTL time.Duration
	// ResetTTL is how long a password reset link works; default 6 hours, as Mastodon.
	ResetTTL time.Duration
}

func (o *MailOptions) confirmTTL() time.Duration {
	if o.ConfirmTTL == 0 {
		return 48 * time.Hour
	}
	return o.ConfirmTTL
}

func (o *MailOptions) resetTTL() time.Duration {
	if o.ResetTTL == 0 {
		return 6 * time.Hour
	}
	return o.ResetTTL
}

// Paths of the pages the links open.
const (
	ConfirmationPath = "/auth/confirmation"
	ResetPath        = "/auth/password/edit"
)

const tEmailTokens = "user_email_tokens"

type tokenPurpose string

const (
	purposeConfirm tokenPurpose = "confirm"
	purposeReset   tokenPurpose = "reset"
)

type emailToken struct {
	Purpose   tokenPurpose `cbor:"1,keyasint"`
	AccountID shard.ID     `cbor:"2,keyasint"`
	Email     string       `cbor:"3,keyasint"`
	Expires   time.Time    `cbor:"4,keyasint"`
}

// MailConfigured reports whether new users must confirm their address.
func (s *Service) MailConfigured() bool { return s.opts.Mail != nil }

func newToken() (string, []byte) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	raw := base64.RawURLEncoding.EncodeToString(b)
	return raw, digest(raw)
}

func digest(raw string) []byte {
	h := sha256.Sum256([]byte(raw))
	return h[:]
}

// issue stores a token for u and sends its link to email; the caller saves u, whose
// digest of that purpose it set.
func (s *Service) issue(ctx context.Context, a *Account, u *User, p tokenPurpose, email string) error {
	m := s.opts.Mail
	ttl, kind, path, param := m.confirmTTL(), mail.Confirmation, ConfirmationPath, "confirmation_token"
	if p == purposeReset {
		ttl, kind, path, param = m.resetTTL(), mail.PasswordReset, ResetPath, "reset_password_token"
	}
	raw, d := newToken()
	b, err := store.Marshal(&emailToken{Purpose: p, AccountID: u.AccountID, Email: email,
		Expires: s.opts.Now().UTC().Add(ttl)})
	if err != nil {
		return err
	}
	if err := s.st.Put(ctx, tEmailTokens, d, empty, b, ttl); err != nil {
		return fmt.Errorf("save %s token: %w", p, err)
	}
	if p == purposeReset {
		u.ResetDigest = d
	} else {
		u.ConfirmDigest = d
	}
	if err := s.SaveUser(ctx, u); err != nil {
		return err
	}
	link := m.Instance.URL + path + "?" + url.Values{param: {raw}}.Encode()
	err = m.Queue.Enqueue(ctx, mail.Job{Kind: kind, To: email, Username: a.Username, Link: link,
		Instance: m.Instance, Hours: int(ttl.Hours())})
	if err != nil {
		return fmt.Errorf("queue %s mail: %w", p, err)
	}
	return nil
}

// SendConfirmation mails a new confirmation link to an unconfirmed user, at newEmail
// if it is not empty (the address then changes once confirmed), as Mastodon's
// resend_confirmation_instructions. ErrAlreadyConfirmed for a confirmed user.
func (s *Service) SendConfirmation(ctx context.Context, id shard.ID, newEmail string) error {
	if s.opts.Mail == nil {
		return ErrAlreadyConfirmed
	}
	u, err := s.User(ctx, id)
	if err != nil {
		return err
	}
	if !u.Unconfirmed {
		return ErrAlreadyConfirmed
	}
	if newEmail != "" && !strings.EqualFold(newEmail, u.Email) {
		if !validEmail(newEmail) {
			return invalid("Email is invalid")
		}
		if _, err := s.st.Get(ctx, tUserEmails, []byte(strings.ToLower(newEmail)), empty); err == nil {
			return ErrEmailTaken
		} else if !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("look up email: %w", err)
		}
		u.UnconfirmedEmail = newEmail
	}
	a, err := s.Get(ctx, id)
	if err != nil {
		return err
	}
	to := u.Email
	if u.UnconfirmedEmail != "" {
		to = u.UnconfirmedEmail
	}
	return s.issue(ctx, a, u, purposeConfirm, to)
}

// redeem reads the token raw of purpose p and its user, checking that it is the
// user's newest and has not expired.
func (s *Service) redeem(ctx context.Context, raw string, p tokenPurpose) (*emailToken, *User, error) {
	if raw == "" || len(raw) > 256 {
		return nil, nil, ErrTokenInvalid
	}
	d := digest(raw)
	b, err := s.st.Get(ctx, tEmailTokens, d, empty)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, ErrTokenInvalid
	}
	if err != nil {
		return nil, nil, fmt.Errorf("load %s token: %w", p, err)
	}
	var t emailToken
	if err := store.Unmarshal(b, &t); err != nil {
		return nil, nil, err
	}
	if t.Purpose != p {
		return nil, nil, ErrTokenInvalid
	}
	u, err := s.User(ctx, t.AccountID)
	if errors.Is(err, ErrNotFound) {
		return nil, nil, ErrTokenInvalid
	}
	if err != nil {
		return nil, nil, err
	}
	newest := u.ConfirmDigest
	if p == purposeReset {
		newest = u.ResetDigest
	}
	if subtle.ConstantTimeCompare(newest, d) != 1 {
		return nil, nil, ErrTokenInvalid
	}
	if !s.opts.Now().Before(t.Expires) {
		return nil, nil, ErrTokenExpired
	}
	return &t, u, nil
}

// ConfirmEmail confirms the address a confirmation token was sent to: the user is
// confirmed, and takes that address if it was a new one. The token is spent.
func (s *Service) ConfirmEmail(ctx context.Context, raw string) (*User, error) {
	t, u, err := s.redeem(ctx, raw, purposeConfirm)
	if err != nil {
		return nil, err
	}
	if !strings.EqualFold(t.Email, u.Email) {
		if err := s.moveEmail(ctx, u, t.Email); err != nil {
			return nil, err
		}
	}
	a, err := s.Get(ctx, u.AccountID)
	if err != nil {
		return nil, err
	}
	firstConfirmation := u.Unconfirmed
	u.Email, u.Unconfirmed, u.UnconfirmedEmail, u.ConfirmDigest = t.Email, false, "", nil
	if err := s.SaveUser(ctx, u); err != nil {
		return nil, err
	}
	if firstConfirmation { // search finds the account from now on
		s.written(ctx, a, a)
	}
	if err := s.st.Delete(ctx, tEmailTokens, digest(raw), empty); err != nil {
		return nil, fmt.Errorf("spend confirmation token: %w", err)
	}
	return u, nil
}

// moveEmail reserves a user's new address and frees the old one.
func (s *Service) moveEmail(ctx context.Context, u *User, to string) error {
	ok, _, err := s.st.PutIfAbsent(ctx, tUserEmails, []byte(strings.ToLower(to)), empty, u.AccountID.Bytes(), 0)
	if err != nil {
		return fmt.Errorf("reserve email: %w", err)
	}
	if !ok {
		return ErrEmailTaken
	}
	if err := s.st.Delete(ctx, tUserEmails, []byte(strings.ToLower(u.Email)), empty); err != nil {
		return fmt.Errorf("free email: %w", err)
	}
	return nil
}

// SendPasswordReset mails a reset link to the user whose address email is, if there
// is one; as Mastodon (Devise's paranoid mode) the caller says the same either way,
// so nil is returned for an unknown address too.
func (s *Service) SendPasswordReset(ctx context.Context, email string) error {
	if s.opts.Mail == nil {
		return errors.New("account: password reset: mail is not configured")
	}
	if !validEmail(email) {
		return nil
	}
	b, err := s.st.Get(ctx, tUserEmails, []byte(strings.ToLower(email)), empty)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("look up email: %w", err)
	}
	id := shard.FromBytes(b)
	u, err := s.User(ctx, id)
	if err != nil {
		return err
	}
	a, err := s.Get(ctx, id)
	if err != nil {
		return err
	}
	return s.issue(ctx, a, u, purposeReset, u.Email)
}

// CheckResetToken reports whether a reset token would be taken now (the page that
// asks for the new password checks it first, as Mastodon's).
func (s *Service) CheckResetToken(ctx context.Context, raw string) error {
	_, _, err := s.redeem(ctx, raw, purposeReset)
	return err
}

// ResetPassword sets a new password with a reset token, once. The caller revokes
// the user's sessions and tokens, as Mastodon does after a reset.
func (s *Service) ResetPassword(ctx context.Context, raw, password string) (*User, error) {
	if err := checkPassword(password); err != nil {
		return nil, err
	}
	_, u, err := s.redeem(ctx, raw, purposeReset)
	if err != nil {
		return nil, err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), s.cost())
	if err != nil {
		return nil, fmt.Errorf("hash password: %w", err)
	}
	u.PasswordHash, u.ResetDigest = hash, nil
	if err := s.SaveUser(ctx, u); err != nil {
		return nil, err
	}
	if err := s.st.Delete(ctx, tEmailTokens, digest(raw), empty); err != nil {
		return nil, fmt.Errorf("spend reset token: %w", err)
	}
	return u, nil
}
