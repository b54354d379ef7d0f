package api

import (
	"html/template"
	"strings"

	"github.com/herd-social/herd/settings"
)

// The sign-up form, server-rendered as the sign-in page is: /auth/sign_up, and
// /invite/:code, the link of an invite, which carries its code. It posts to /auth,
// as Mastodon's registration form does, and goes through the rules of signUp; an
// account made there has no app, so no token: the user signs in from an app.

// Messages of the form, as Mastodon's (Devise's and its invites').
const (
	msgInviteInvalid   = "This invite link is not valid, or has expired."
	msgSignedUp        = "Welcome! You have signed up successfully. You can now sign in from your app."
	msgSignedUpConfirm = "A message with a confirmation link has been sent to your email address. Please follow the link to activate your account."
	msgSignedUpPending = "You have signed up successfully. Your application is being reviewed; you will be able to sign in once it is approved."
	msgPasswordsDiffer = "Password confirmation doesn't match Password."
)

type signUpView struct {
	Title, Error                                   string
	Username, Email, Reason, InviteCode, BirthDate string
	AskReason, AskBirthDate                        bool
	MinAge                                         int
}

var signUpTemplate = template.Must(template.New("signup").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>{{.Title}}</title>` + pageStyle + `</head><body><main>
<h1>{{.Title}}</h1>
{{if .Error}}<p class="error" role="alert">{{.Error}}</p>{{end}}
<form method="post" action="/auth">
{{if .InviteCode}}<input type="hidden" name="invite_code" value="{{.InviteCode}}">{{end}}
<label for="username">Username</label>
<input type="text" id="username" name="username" value="{{.Username}}" autocomplete="username" autofocus>
<label for="email">E-mail address</label>
<input type="text" id="email" name="email" value="{{.Email}}" autocomplete="email">
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="new-password">
<label for="password_confirmation">Confirm password</label>
<input type="password" id="password_confirmation" name="password_confirmation" autocomplete="new-password">
{{if .AskBirthDate}}<label for="date_of_birth">Date of birth (you must be at least {{.MinAge}})</label>
<input type="date" id="date_of_birth" name="date_of_birth" value="{{.BirthDate}}" autocomplete="bday">{{end}}
{{if .AskReason}}<label for="reason">Why do you want to join?</label>
<input type="text" id="reason" name="reason" value="{{.Reason}}">{{end}}
<label><input type="checkbox" name="agreement" value="1"> I agree to the server rules and terms of service</label>
<button type="submit">Sign up</button>
</form></main></body></html>`))

// signUpView is the empty form for an invite code (or none), under the registrations
// mode reg.
func (s *Server) signUpView(code string, invited bool, reg settings.Registrations) signUpView {
	return signUpView{Title: "Create an account", InviteCode: code, MinAge: s.d.Instance.MinAge,
		AskBirthDate: s.d.Instance.MinAge > 0, AskReason: reg.ApprovalRequired() && !invited}
}

// invitePage is /invite/:code: the form carrying the code of a usable invite, a 404
// page otherwise.
func (s *Server) invitePage(r *req) error {
	code, _ := r.ctx.UserValue("code").(string)
	inv, err := s.usableInvite(r, code)
	if err != nil {
		return err
	}
	if inv == nil {
		return renderPage(r, 404, noticePage, notice{Title: "Create an account", Error: msgInviteInvalid})
	}
	return renderPage(r, 200, signUpTemplate, s.signUpView(code, true, settings.Open)) // an invite asks no reason
}

// signUpPage is /auth/sign_up: the form, while registrations are open.
func (s *Server) signUpPage(r *req) error {
	reg, err := s.d.Settings.Registrations(r.context())
	if err != nil {
		return err
	}
	if !reg.Open() {
		return renderPage(r, 403, noticePage, notice{Title: "Create an account", Error: errRegistrationsClosed.Msg})
	}
	return renderPage(r, 200, signUpTemplate, s.signUpView("", false, reg))
}

// signUpSubmit is POST /auth, the form's submission: a refusal shows the form again
// with Mastodon's message and status.
func (s *Server) signUpSubmit(r *req) error {
	f := signUpFormOf(r.p)
	inv, err := s.usableInvite(r, f.InviteCode)
	if err != nil {
		return err
	}
	reg, err := s.d.Settings.Registrations(r.context())
	if err != nil {
		return err
	}
	v := s.signUpView(f.InviteCode, inv != nil, reg)
	v.Username, v.Email, v.Reason, v.BirthDate = f.Username, f.Email, f.Reason, f.DateOfBirth
	if f.Password != r.p.str("password_confirmation") {
		v.Error = msgPasswordsDiffer
		return renderPage(r, 422, signUpTemplate, v)
	}
	_, pending, err := s.signUp(r, f)
	if err != nil {
		he := publicError(err)
		if he.Code >= 500 {
			return err
		}
		v.Error = strings.TrimPrefix(he.Msg, "Validation failed: ")
		return renderPage(r, he.Code, signUpTemplate, v)
	}
	msg := msgSignedUp
	switch {
	case pending:
		msg = msgSignedUpPending
	case s.d.Accounts.MailConfigured():
		msg = msgSignedUpConfirm
	}
	return renderPage(r, 200, noticePage, notice{Title: "Welcome", Message: msg})
}
