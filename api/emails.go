package api

import (
	"errors"
	"html/template"
	"strings"

	"github.com/herd-social/herd/account"
)

// Email confirmation and password reset, when the node sends mail
// (account.Service.MailConfigured): the API's resend of the confirmation, and the
// pages the mailed links open, as Mastodon's Devise pages (/auth/confirmation,
// /auth/password/new, /auth/password/edit). Without mail the pages answer 404 and
// every user is confirmed, so the resend answers 403.

var (
	errUnconfirmed  = httpErr(403, "Your login is missing a confirmed e-mail address")
	errNotSignUpApp = httpErr(403,
		"This method is only available to the application the user originally signed-up with")
	errNotAwaitingConfirmation = httpErr(403, "This method is only available while the e-mail is awaiting confirmation")
)

// Devise's messages, as Mastodon shows them.
const (
	msgUnconfirmedSignIn = "You have to confirm your email address before continuing."
	msgConfirmed         = "Your email address has been successfully confirmed."
	msgConfirmInvalid    = "Confirmation token is invalid."
	msgConfirmExpired    = "Confirmation token has expired, please request a new one."
	msgResetSent         = "If your email address exists in our database, you will receive a password recovery link at your email address in a few minutes."
	msgResetInvalid      = "Reset password token is invalid."
	msgResetExpired      = "Reset password token has expired, please request a new one."
	msgResetMismatch     = "Password confirmation doesn't match Password."
	msgPasswordChanged   = "Your password has been changed successfully. You can now sign in with it in your apps."
)

func (s *Server) routeEmails() {
	s.handle("POST", "/api/v1/emails/confirmations", token("write:accounts"), s.resendConfirmation)
	s.handle("GET", account.ConfirmationPath, public, s.confirmationPage)
	s.handle("GET", "/auth/password/new", public, s.passwordNewPage)
	s.handle("POST", "/auth/password", public, s.passwordSubmit)
	s.handle("PUT", "/auth/password", public, s.passwordUpdate)
	s.handle("PATCH", "/auth/password", public, s.passwordUpdate)
	s.handle("GET", account.ResetPath, public, s.passwordEditPage)
}

// resendConfirmation is POST /api/v1/emails/confirmations: only the app the user
// signed up with, only while the address awaits confirmation; `email` names a new
// address to confirm instead.
func (s *Server) resendConfirmation(r *req) error {
	if r.viewer == 0 {
		return errNotSignUpApp
	}
	u, err := s.d.Accounts.User(r.context(), r.viewer)
	if errors.Is(err, account.ErrNotFound) {
		return errInvalidToken
	}
	if err != nil {
		return err
	}
	if u.AppID != r.token.AppID {
		return errNotSignUpApp
	}
	err = s.d.Accounts.SendConfirmation(r.context(), r.viewer, strings.TrimSpace(r.p.str("email")))
	if errors.Is(err, account.ErrAlreadyConfirmed) {
		return errNotAwaitingConfirmation
	}
	if err != nil {
		return err
	}
	return r.json(struct{}{})
}

type notice struct{ Title, Message, Error string }

var noticePage = template.Must(template.New("notice").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>{{.Title}}</title>` + pageStyle + `</head><body><main>
<h1>{{.Title}}</h1>{{if .Message}}<p role="status">{{.Message}}</p>{{end}}
{{if .Error}}<p class="error" role="alert">{{.Error}}</p>{{end}}</main></body></html>`))

var resetRequestPage = template.Must(template.New("reset").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Forgot your password?</title>` + pageStyle + `</head><body><main>
<h1>Forgot your password?</h1>
{{if .Message}}<p role="status">{{.Message}}</p>{{end}}{{if .Error}}<p class="error" role="alert">{{.Error}}</p>{{end}}
<form method="post" action="/auth/password">
<label for="email">E-mail address</label>
<input type="text" id="email" name="email" autocomplete="email" autofocus>
<button type="submit">Reset password</button>
</form></main></body></html>`))

var resetEditPage = template.Must(template.New("edit").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Set a new password</title>` + pageStyle + `</head><body><main>
<h1>Set a new password</h1>
{{if .Error}}<p class="error" role="alert">{{.Error}}</p>{{end}}
<form method="post" action="/auth/password">
<input type="hidden" name="_method" value="put">
<input type="hidden" name="reset_password_token" value="{{.Token}}">
<label for="password">New password</label>
<input type="password" id="password" name="password" autocomplete="new-password" autofocus>
<label for="password_confirmation">Confirm new password</label>
<input type="password" id="password_confirmation" name="password_confirmation" autocomplete="new-password">
<button type="submit">Change password</button>
</form></main></body></html>`))

// confirmationPage confirms the address of the token in the link.
func (s *Server) confirmationPage(r *req) error {
	if !s.d.Accounts.MailConfigured() {
		return errNotFound
	}
	_, err := s.d.Accounts.ConfirmEmail(r.context(), r.p.str("confirmation_token"))
	switch {
	case errors.Is(err, account.ErrTokenInvalid):
		return renderPage(r, 400, noticePage, notice{Title: "Confirm your email address", Error: msgConfirmInvalid})
	case errors.Is(err, account.ErrTokenExpired):
		return renderPage(r, 400, noticePage, notice{Title: "Confirm your email address", Error: msgConfirmExpired})
	case errors.Is(err, account.ErrEmailTaken):
		return renderPage(r, 422, noticePage, notice{Title: "Confirm your email address",
			Error: "Email has already been taken."})
	case err != nil:
		return err
	}
	return renderPage(r, 200, noticePage, notice{Title: "Email address confirmed", Message: msgConfirmed})
}

func (s *Server) passwordNewPage(r *req) error {
	if !s.d.Accounts.MailConfigured() {
		return errNotFound
	}
	return renderPage(r, 200, resetRequestPage, notice{})
}

// passwordSubmit asks for a reset link (the form of /auth/password/new), or, with
// _method=put as Rails forms send it, sets the new password.
func (s *Server) passwordSubmit(r *req) error {
	if strings.EqualFold(r.p.str("_method"), "put") || strings.EqualFold(r.p.str("_method"), "patch") {
		return s.passwordUpdate(r)
	}
	if !s.d.Accounts.MailConfigured() {
		return errNotFound
	}
	email := strings.TrimSpace(r.p.str("email"))
	if err := s.limits.passwordReset(r, strings.ToLower(email)); err != nil {
		return renderPage(r, 429, resetRequestPage, notice{Error: "Too many requests. Please wait and try again."})
	}
	if err := s.d.Accounts.SendPasswordReset(r.context(), email); err != nil {
		return err
	}
	return renderPage(r, 200, resetRequestPage, notice{Message: msgResetSent})
}

type resetForm struct{ Token, Error string }

func (s *Server) passwordEditPage(r *req) error {
	if !s.d.Accounts.MailConfigured() {
		return errNotFound
	}
	if msg := resetTokenProblem(s.d.Accounts.CheckResetToken(r.context(), r.p.str("reset_password_token"))); msg != "" {
		return renderPage(r, 400, resetRequestPage, notice{Error: msg})
	}
	return renderPage(r, 200, resetEditPage, resetForm{Token: r.p.str("reset_password_token")})
}

// resetTokenProblem is the page's message for a token's error, or "" for none or
// another error.
func resetTokenProblem(err error) string {
	switch {
	case errors.Is(err, account.ErrTokenInvalid):
		return msgResetInvalid
	case errors.Is(err, account.ErrTokenExpired):
		return msgResetExpired
	}
	return ""
}

// passwordUpdate sets the new password of a reset token, then signs the user out
// everywhere: every token of theirs is revoked, as Mastodon does after a reset.
func (s *Server) passwordUpdate(r *req) error {
	if !s.d.Accounts.MailConfigured() {
		return errNotFound
	}
	f := resetForm{Token: r.p.str("reset_password_token")}
	password := r.p.str("password")
	if password != r.p.str("password_confirmation") {
		f.Error = msgResetMismatch
		return renderPage(r, 422, resetEditPage, f)
	}
	u, err := s.d.Accounts.ResetPassword(r.context(), f.Token, password)
	var v *account.Validation
	switch {
	case resetTokenProblem(err) != "":
		return renderPage(r, 400, resetRequestPage, notice{Error: resetTokenProblem(err)})
	case errors.As(err, &v):
		f.Error = v.Msg + "."
		return renderPage(r, 422, resetEditPage, f)
	case err != nil:
		return err
	}
	if err := s.auth.RevokeAccount(r.context(), u.AccountID); err != nil {
		return err
	}
	return renderPage(r, 200, noticePage, notice{Title: "Password changed", Message: msgPasswordChanged})
}
