package api

import (
	"encoding/base64"
	"html/template"
)

func decodeBase64(s string) (string, error) {
	b, err := base64.StdEncoding.DecodeString(s)
	return string(b), err
}

const pageStyle = `<style>
body{font-family:system-ui,sans-serif;background:#191b22;color:#d9e1e8;display:flex;justify-content:center;padding:4em 1em}
main{max-width:26em;width:100%}h1{font-size:1.4em}label{display:block;margin:.8em 0 .3em}
input[type=text],input[type=password]{width:100%;padding:.6em;border-radius:4px;border:1px solid #393f4f;background:#0f1014;color:inherit;box-sizing:border-box}
button{margin-top:1.2em;padding:.6em 1.2em;border:0;border-radius:4px;background:#6364ff;color:#fff;font-weight:600;cursor:pointer}
button.deny{background:#393f4f;margin-left:.6em}.error{color:#ff7473}code{font-size:1.2em;word-break:break-all;background:#0f1014;padding:.4em;display:block}
ul{padding-left:1.2em}</style>`

var signInPage = template.Must(template.New("signin").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Authorize {{.AppName}}</title>` + pageStyle + `</head><body><main>
<h1>Authorize {{.AppName}}</h1>
<p><strong>{{.AppName}}</strong> wants to access your account with these permissions:</p>
<ul>{{range .Scopes}}<li>{{.}}</li>{{end}}</ul>
{{if .Error}}<p class="error" role="alert">{{.Error}}</p>{{end}}
<form method="post" action="/oauth/authorize">
<input type="hidden" name="client_id" value="{{.ClientID}}">
<input type="hidden" name="redirect_uri" value="{{.RedirectURI}}">
<input type="hidden" name="scope" value="{{.Scope}}">
<input type="hidden" name="state" value="{{.State}}">
<input type="hidden" name="code_challenge" value="{{.Challenge}}">
<input type="hidden" name="code_challenge_method" value="{{.Method}}">
<label for="login">Username or e-mail address</label>
<input type="text" id="login" name="login" value="{{.Login}}" autocomplete="username" autofocus>
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password">
<button type="submit" name="decision" value="approve">Authorize</button><button type="submit" name="decision" value="deny" class="deny" formnovalidate>Deny</button>
</form>{{if .CanReset}}<p><a href="/auth/password/new" style="color:inherit">Forgot your password?</a></p>{{end}}</main></body></html>`))

var codePage = template.Must(template.New("code").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Authorization code</title>` + pageStyle + `</head><body><main>
<h1>Authorization code</h1><p>Copy this code and paste it into {{.AppName}}:</p>
<code id="code">{{.Code}}</code></main></body></html>`))

var errorPage = template.Must(template.New("error").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Authorization error</title>` + pageStyle + `</head><body><main>
<h1>An error has occurred</h1><p class="error">{{.Error}}</p></main></body></html>`))
