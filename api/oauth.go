package api

import (
	"context"
	"errors"
	"html/template"
	"net/url"
	"strings"

	"github.com/valyala/fasthttp"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/auth"
	"github.com/herd-social/herd/stream"
)

func (s *Server) appEntity(ctx context.Context, a *auth.App, withSecret bool) *Application {
	out := &Application{ID: a.ID.String(), Name: a.Name, Scopes: a.Scopes,
		RedirectURI: strings.Join(a.RedirectURIs, "\n"), RedirectURIs: a.RedirectURIs, VapidKey: s.vapidKey(ctx)}
	if a.Website != "" {
		out.Website = ptr(a.Website)
	}
	if withSecret {
		out.ClientID, out.ClientSecret, out.ClientSecretExpiresAt = a.ClientID, a.ClientSecret, ptr(0)
	}
	return out
}

func (s *Server) createApp(r *req) error {
	uris := r.p.list("redirect_uris")
	if len(uris) == 1 { // a string may hold several URIs, one per line or space-separated
		uris = strings.Fields(uris[0])
	}
	name := r.p.str("client_name")
	if !r.p.has("client_name") || len(uris) == 0 {
		return httpErr(422, "Validation failed: client_name and redirect_uris are required")
	}
	app, err := s.auth.CreateApp(r.context(), auth.NewApp{Name: name, Website: r.p.str("website"),
		Scopes: r.p.str("scopes"), RedirectURIs: uris})
	if err != nil {
		return err
	}
	return r.json(s.appEntity(r.context(), app, true))
}

func (s *Server) verifyApp(r *req) error {
	app, err := s.auth.App(r.context(), r.token.ClientID)
	if err != nil {
		return errInvalidToken
	}
	return r.json(s.appEntity(r.context(), app, false))
}

// oauthError writes an RFC 6749 error body.
func oauthError(r *req, code int, kind, desc string) error {
	writeJSON(r.ctx, code, map[string]string{"error": kind, "error_description": desc})
	return nil
}

// client reads client credentials from the form or from HTTP Basic auth.
func (r *req) client() (id, secret string) {
	id, secret = r.p.str("client_id"), r.p.str("client_secret")
	if id == "" {
		if u, p, ok := basicAuth(r.ctx); ok {
			id, secret = u, p
		}
	}
	return id, secret
}

func basicAuth(ctx *fasthttp.RequestCtx) (string, string, bool) {
	h := string(ctx.Request.Header.Peek("Authorization"))
	if !strings.HasPrefix(strings.ToLower(h), "basic ") {
		return "", "", false
	}
	raw, err := decodeBase64(strings.TrimSpace(h[6:]))
	if err != nil {
		return "", "", false
	}
	u, p, ok := strings.Cut(raw, ":")
	if !ok {
		return "", "", false
	}
	u, _ = url.QueryUnescape(u)
	p, _ = url.QueryUnescape(p)
	return u, p, true
}

func (s *Server) token(r *req) error {
	id, secret := r.client()
	app, err := s.auth.Client(r.context(), id, secret)
	if errors.Is(err, auth.ErrInvalidClient) {
		return oauthError(r, 401, "invalid_client", "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.")
	}
	if err != nil {
		return err
	}
	var raw string
	var t *auth.Token
	switch r.p.str("grant_type") {
	case "authorization_code":
		raw, t, err = s.auth.Exchange(r.context(), app, r.p.str("code"), r.p.str("redirect_uri"), r.p.str("code_verifier"))
		if errors.Is(err, auth.ErrInvalidGrant) {
			return oauthError(r, 400, "invalid_grant", "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.")
		}
	case "client_credentials":
		scopes, perr := auth.ParseScopes(r.p.str("scope"))
		if perr != nil || !auth.Subset(scopes, app.Scopes) {
			return oauthError(r, 400, "invalid_scope", "The requested scope is invalid, unknown, or malformed.")
		}
		raw, t, err = s.auth.Issue(r.context(), app, 0, scopes)
	case "":
		return oauthError(r, 400, "invalid_request", "The request is missing a required parameter: grant_type.")
	default:
		return oauthError(r, 400, "unsupported_grant_type", "The authorization grant type is not supported by the authorization server.")
	}
	if err != nil {
		return err
	}
	return r.json(&Token{AccessToken: raw, TokenType: "Bearer", Scope: strings.Join(t.Scopes, " "), CreatedAt: t.CreatedAt.Unix()})
}

func (s *Server) revoke(r *req) error {
	id, secret := r.client()
	app, err := s.auth.Client(r.context(), id, secret)
	if errors.Is(err, auth.ErrInvalidClient) {
		return oauthError(r, 401, "invalid_client", "Client authentication failed.")
	}
	if err != nil {
		return err
	}
	revoked, _ := s.auth.Verify(r.context(), r.p.str("token"))
	err = s.auth.Revoke(r.context(), app, r.p.str("token"))
	if errors.Is(err, auth.ErrNotOwner) {
		return oauthError(r, 403, "unauthorized_client", "You are not authorized to revoke this token")
	}
	if err != nil {
		return err
	}
	if revoked != nil && revoked.AccountID != 0 { // close the token's live streams now
		s.d.streams.router.Publish(stream.System(revoked.AccountID), stream.Event{Kind: stream.Reverify, ID: revoked.ID})
	}
	return r.json(map[string]any{})
}

// userinfo is GET and POST /oauth/userinfo: OpenID Connect claims about the token's
// account, with the actor URI as subject, as Mastodon 4.4 answers them.
func (s *Server) userinfo(r *req) error {
	a, err := s.oneAccount(r.context(), r.viewer)
	if err != nil {
		return err
	}
	return r.json(map[string]string{"iss": s.baseURL() + "/", "sub": a.URI, "name": a.DisplayName,
		"preferred_username": a.Username, "profile": a.URL, "picture": a.Avatar})
}

func (s *Server) wellKnownOAuth(r *req) error {
	base := s.baseURL()
	return r.json(map[string]any{
		"issuer":                                base + "/",
		"service_documentation":                 "https://docs.joinmastodon.org/",
		"authorization_endpoint":                base + "/oauth/authorize",
		"token_endpoint":                        base + "/oauth/token",
		"revocation_endpoint":                   base + "/oauth/revoke",
		"userinfo_endpoint":                     base + "/oauth/userinfo",
		"app_registration_endpoint":             base + "/api/v1/apps",
		"scopes_supported":                      auth.AllScopes(),
		"response_types_supported":              []string{"code"},
		"response_modes_supported":              []string{"query"},
		"code_challenge_methods_supported":      []string{"S256"},
		"grant_types_supported":                 []string{"authorization_code", "client_credentials"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post"},
	})
}

// authorizeForm is the state the sign-in page carries between its GET and POST.
type authorizeForm struct {
	ClientID, RedirectURI, Scope, State, Challenge, Method string
	AppName, Error, Login                                  string
	Scopes                                                 []string
	// CanReset shows the link to the password reset page (when mail is sent).
	CanReset bool
}

func (r *req) authorizeForm() authorizeForm {
	return authorizeForm{ClientID: r.p.str("client_id"), RedirectURI: r.p.str("redirect_uri"),
		Scope: r.p.str("scope"), State: r.p.str("state"), Challenge: r.p.str("code_challenge"),
		Method: r.p.str("code_challenge_method"), Login: r.p.str("login"), CanReset: r.s.d.Accounts.MailConfigured()}
}

// checkAuthorize validates an authorization request; its error is shown on the page.
func (s *Server) checkAuthorize(r *req, f *authorizeForm) (*auth.App, []string, string) {
	app, err := s.auth.App(r.context(), f.ClientID)
	if err != nil {
		return nil, nil, "Client authentication failed due to unknown client."
	}
	if !app.HasRedirect(f.RedirectURI) {
		return nil, nil, "The redirect uri included is not valid."
	}
	if rt := r.p.str("response_type"); r.ctx.IsGet() && rt != "code" {
		return nil, nil, "The authorization server does not support this response type."
	}
	if f.Challenge != "" && f.Method != "S256" {
		return nil, nil, "Only the S256 code challenge method is supported."
	}
	scopes, err := auth.ParseScopes(f.Scope)
	if err != nil || !auth.Subset(scopes, app.Scopes) {
		return nil, nil, "The requested scope is invalid, unknown, or malformed."
	}
	f.AppName, f.Scopes = app.Name, scopes
	return app, scopes, ""
}

func (s *Server) authorizePage(r *req) error {
	f := r.authorizeForm()
	if _, _, msg := s.checkAuthorize(r, &f); msg != "" {
		return renderPage(r, 400, errorPage, map[string]string{"Error": msg})
	}
	return renderPage(r, 200, signInPage, f)
}

func (s *Server) authorizeSubmit(r *req) error {
	f := r.authorizeForm()
	deny := r.p.str("decision") == "deny"
	if !deny { // every sign-in attempt counts, valid or not, as Mastodon counts them
		if throttled, err := s.throttleSignIn(r, f.Login); throttled || err != nil {
			return err
		}
	}
	app, scopes, msg := s.checkAuthorize(r, &f)
	if msg != "" {
		return renderPage(r, 400, errorPage, map[string]string{"Error": msg})
	}
	if deny {
		return s.redirectBack(r, f, url.Values{"error": {"access_denied"},
			"error_description": {"The resource owner or authorization server denied the request."}})
	}
	acc, u, err := s.d.Accounts.Authenticate(r.context(), f.Login, r.p.str("password"))
	if errors.Is(err, account.ErrBadCredentials) {
		f.Error = "Invalid login or password."
		return renderPage(r, 401, signInPage, f)
	}
	if err != nil {
		return err
	}
	if !u.Functional() {
		// Mastodon signs such a user in but sends them to their account's status
		// instead of authorizing: no code is issued.
		f.Error = errLoginDisabled.Msg + "."
		switch {
		case u.Unconfirmed:
			f.Error = msgUnconfirmedSignIn
		case u.Pending:
			f.Error = errLoginPending.Msg + "."
		}
		return renderPage(r, 403, signInPage, f)
	}
	code, err := s.auth.NewCode(r.context(), auth.Grant{App: app, AccountID: acc.ID, RedirectURI: f.RedirectURI,
		Scopes: scopes, Challenge: f.Challenge})
	if err != nil {
		return err
	}
	if f.RedirectURI == auth.OOB {
		return renderPage(r, 200, codePage, map[string]string{"Code": code, "AppName": app.Name})
	}
	return s.redirectBack(r, f, url.Values{"code": {code}})
}

// throttleSignIn counts a sign-in attempt per IP and per account, as Mastodon's
// throttle_login_attempts rules, and once either budget is spent answers 429 with a
// page and reports that it did.
func (s *Server) throttleSignIn(r *req, login string) (bool, error) {
	key := "login:" + strings.ToLower(strings.TrimSpace(login))
	id, err := s.d.Accounts.LoginAccount(r.context(), strings.TrimSpace(login))
	switch {
	case err == nil:
		key = "account:" + id.String()
	case !errors.Is(err, account.ErrBadCredentials):
		return false, err
	}
	if s.limits.signIn(r, key) == nil {
		return false, nil
	}
	return true, renderPage(r, 429, errorPage, map[string]string{
		"Error": "Too many sign-in attempts. Please wait a few minutes and try again."})
}

func (s *Server) redirectBack(r *req, f authorizeForm, q url.Values) error {
	if f.RedirectURI == auth.OOB {
		return renderPage(r, 200, errorPage, map[string]string{"Error": q.Get("error_description")})
	}
	if f.State != "" {
		q.Set("state", f.State)
	}
	u, err := url.Parse(f.RedirectURI)
	if err != nil {
		return httpErr(400, "The redirect uri included is not valid.")
	}
	merged := u.Query()
	for k, v := range q {
		merged[k] = v
	}
	u.RawQuery = merged.Encode()
	r.ctx.Response.Header.Set("Location", u.String())
	r.ctx.SetStatusCode(302)
	return nil
}

func renderPage(r *req, code int, t *template.Template, data any) error {
	r.ctx.SetStatusCode(code)
	r.ctx.SetContentType("text/html; charset=utf-8")
	r.ctx.Response.Header.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' *")
	r.ctx.Response.Header.Set("X-Frame-Options", "DENY")
	return t.Execute(r.ctx, data)
}
