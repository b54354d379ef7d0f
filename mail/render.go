package mail

import (
	"bytes"
	"fmt"
	htmltemplate "html/template"
	"text/template"
)

// Kind names the message a Job asks for.
type Kind string

// The kinds of message Herd sends.
const (
	// Confirmation asks a new user (or one who gave a new address) to confirm the
	// address by following Link.
	Confirmation Kind = "confirmation"
	// PasswordReset gives the link to the page that sets a new password.
	PasswordReset Kind = "password_reset"
	// Warning tells a user of a moderator's action on their account (Action, one of
	// Mastodon's account actions) and the moderator's Text; Link is the instance.
	Warning Kind = "warning"
	// NewAppeal tells a moderator that Account appealed a warning (Action) with Text.
	NewAppeal Kind = "new_appeal"
	// AppealApproved and AppealRejected tell a user what moderators decided of their
	// appeal (of Date) against a warning (Action).
	AppealApproved Kind = "appeal_approved"
	AppealRejected Kind = "appeal_rejected"
)

// Instance is what a message says of the instance that sends it.
type Instance struct {
	// Title is the instance's name ("Herd"); Domain its domain; URL its home page.
	Title, Domain, URL string
}

// Job is one message to render and send: the kind, the recipient, the user's name and
// the link the message carries (with its token).
type Job struct {
	Kind     Kind     `cbor:"1,keyasint"`
	To       string   `cbor:"2,keyasint"`
	Username string   `cbor:"3,keyasint"`
	Link     string   `cbor:"4,keyasint"`
	Instance Instance `cbor:"5,keyasint"`
	// Hours is how long the link works (password resets).
	Hours int `cbor:"6,keyasint,omitempty"`
	// Action and Text are a warning's (Warning).
	Action string `cbor:"7,keyasint,omitempty"`
	Text   string `cbor:"8,keyasint,omitempty"`
	// Account is the account a message is about (the appellant of NewAppeal).
	Account string `cbor:"9,keyasint,omitempty"`
	// Date is when what the message tells of happened, as the message shows it.
	Date string `cbor:"10,keyasint,omitempty"`
}

type templates struct {
	subject, text string
	html          string
}

// warningSubject is Mastodon's subject of a warning, by action.
const warningSubject = `{{$a := printf "%s@%s" .Username .Instance.Domain}}` +
	`{{if eq .Action "suspend"}}Your account {{$a}} has been suspended` +
	`{{else if eq .Action "silence"}}Your account {{$a}} has been limited` +
	`{{else if eq .Action "disable"}}Your account {{$a}} has been frozen` +
	`{{else if eq .Action "sensitive"}}Your posts on {{$a}} will be marked as sensitive from now on` +
	`{{else}}Warning for {{$a}}{{end}}`

// appealDecision is the message of a decided appeal, approved or rejected.
func appealDecision(decided, outcome string) templates {
	return templates{
		subject: `Your appeal from {{.Date}} has been ` + decided,
		text: `Hello @{{.Username}},

The moderators of {{.Instance.Title}} ({{.Instance.Domain}}) ` + decided + ` your appeal from {{.Date}}
against their decision ({{.Action}}). ` + outcome + `

-- 
{{.Instance.Title}} · {{.Link}}
`,
		html: `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Your appeal has been ` + decided + `</title></head>
<body style="font-family: sans-serif; line-height: 1.5">
<p>Hello @{{.Username}},</p>
<p>The moderators of <strong>{{.Instance.Title}}</strong> ({{.Instance.Domain}}) ` + decided + ` your appeal from
{{.Date}} against their decision ({{.Action}}). ` + outcome + `</p>
<hr><p><a href="{{.Link}}">{{.Instance.Title}}</a></p>
</body></html>
`,
	}
}

var kinds = map[Kind]templates{
	AppealApproved: appealDecision("approved", "The decision was reversed."),
	AppealRejected: appealDecision("rejected", "The decision stands."),
	NewAppeal: {
		subject: `{{.Account}} is appealing a moderation decision on {{.Instance.Domain}}`,
		text: `Hello @{{.Username}},

{{.Account}} is appealing a moderation decision ({{.Action}}). They wrote:

{{.Text}}

Review the pending appeals in the admin API (/api/v1/admin/appeals).

-- 
{{.Instance.Title}} · {{.Link}}
`,
		html: `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>A new appeal</title></head>
<body style="font-family: sans-serif; line-height: 1.5">
<p>Hello @{{.Username}},</p>
<p>{{.Account}} is appealing a moderation decision ({{.Action}}). They wrote:</p>
<blockquote style="white-space: pre-wrap">{{.Text}}</blockquote>
<p>Review the pending appeals in the admin API (/api/v1/admin/appeals).</p>
<hr><p><a href="{{.Link}}">{{.Instance.Title}}</a></p>
</body></html>
`,
	},
	Warning: {
		subject: warningSubject,
		text: `Hello @{{.Username}},

The moderators of {{.Instance.Title}} ({{.Instance.Domain}}) took an action on your account: {{.Action}}.
{{with .Text}}
Their note to you:

{{.}}
{{end}}
You may appeal this decision within 20 days from your account's warnings.

-- 
{{.Instance.Title}} · {{.Link}}
`,
		html: `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>A moderation decision about your account</title></head>
<body style="font-family: sans-serif; line-height: 1.5">
<p>Hello @{{.Username}},</p>
<p>The moderators of <strong>{{.Instance.Title}}</strong> ({{.Instance.Domain}}) took an action on your account: {{.Action}}.</p>
{{with .Text}}<p>Their note to you:</p><blockquote style="white-space: pre-wrap">{{.}}</blockquote>{{end}}
<p>You may appeal this decision within 20 days from your account's warnings.</p>
<hr><p><a href="{{.Link}}">{{.Instance.Title}}</a></p>
</body></html>
`,
	},
	Confirmation: {
		subject: `{{.Instance.Title}}: Confirmation instructions for {{.Instance.Domain}}`,
		text: `Hello @{{.Username}},

You are almost done signing up to {{.Instance.Title}} ({{.Instance.Domain}}). Confirm
your email address by opening this link:

{{.Link}}

If you did not sign up, you can ignore this message: the account stays unconfirmed.

-- 
{{.Instance.Title}} · {{.Instance.URL}}
`,
		html: `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Confirm your email address</title></head>
<body style="font-family: sans-serif; line-height: 1.5">
<p>Hello @{{.Username}},</p>
<p>You are almost done signing up to <strong>{{.Instance.Title}}</strong> ({{.Instance.Domain}}).
Confirm your email address:</p>
<p><a href="{{.Link}}" style="font-weight: bold">Confirm my email address</a></p>
<p>Or open this link: {{.Link}}</p>
<p>If you did not sign up, you can ignore this message: the account stays unconfirmed.</p>
<hr><p><a href="{{.Instance.URL}}">{{.Instance.Title}}</a></p>
</body></html>
`,
	},
	PasswordReset: {
		subject: `{{.Instance.Title}}: Reset password instructions`,
		text: `Hello @{{.Username}},

Someone asked to change the password of your account on {{.Instance.Title}}
({{.Instance.Domain}}). To choose a new one, open this link within {{.Hours}} hours:

{{.Link}}

Changing it signs you out of every app and browser. If you did not ask for this,
ignore this message: your password stays as it is.

-- 
{{.Instance.Title}} · {{.Instance.URL}}
`,
		html: `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Reset your password</title></head>
<body style="font-family: sans-serif; line-height: 1.5">
<p>Hello @{{.Username}},</p>
<p>Someone asked to change the password of your account on <strong>{{.Instance.Title}}</strong>
({{.Instance.Domain}}). To choose a new one, follow this link within {{.Hours}} hours:</p>
<p><a href="{{.Link}}" style="font-weight: bold">Change my password</a></p>
<p>Or open this link: {{.Link}}</p>
<p>Changing it signs you out of every app and browser. If you did not ask for this,
ignore this message: your password stays as it is.</p>
<hr><p><a href="{{.Instance.URL}}">{{.Instance.Title}}</a></p>
</body></html>
`,
	},
}

// parsed holds the templates of every kind, parsed once.
type parsed struct {
	subject, text *template.Template
	html          *htmltemplate.Template
}

var parsedKinds = func() map[Kind]parsed {
	out := make(map[Kind]parsed, len(kinds))
	for k, t := range kinds {
		out[k] = parsed{subject: template.Must(template.New("s").Parse(t.subject)),
			text: template.Must(template.New("t").Parse(t.text)),
			html: htmltemplate.Must(htmltemplate.New("h").Parse(t.html))}
	}
	return out
}()

// Render makes the message of a job. The HTML part escapes what it interpolates.
func Render(j Job) (Message, error) {
	p, ok := parsedKinds[j.Kind]
	if !ok {
		return Message{}, fmt.Errorf("%w: unknown kind %q", ErrInvalid, j.Kind)
	}
	var subj, text, html bytes.Buffer
	if err := p.subject.Execute(&subj, j); err != nil {
		return Message{}, fmt.Errorf("mail: render subject: %w", err)
	}
	if err := p.text.Execute(&text, j); err != nil {
		return Message{}, fmt.Errorf("mail: render text: %w", err)
	}
	if err := p.html.Execute(&html, j); err != nil {
		return Message{}, fmt.Errorf("mail: render html: %w", err)
	}
	m := Message{To: j.To, Subject: subj.String(), Text: text.String(), HTML: html.String()}
	return m, m.Validate()
}
