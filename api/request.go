package api

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/valyala/fasthttp"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/announcement"
	"github.com/herd-social/herd/annualreport"
	"github.com/herd-social/herd/asyncrefresh"
	"github.com/herd-social/herd/auth"
	"github.com/herd-social/herd/collection"
	"github.com/herd-social/herd/conversation"
	"github.com/herd-social/herd/emoji"
	"github.com/herd-social/herd/filter"
	"github.com/herd-social/herd/hashtag"
	"github.com/herd-social/herd/list"
	"github.com/herd-social/herd/logctx"
	"github.com/herd-social/herd/media"
	"github.com/herd-social/herd/moderation"
	"github.com/herd-social/herd/notification"
	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/poll"
	"github.com/herd-social/herd/push"
	"github.com/herd-social/herd/role"
	"github.com/herd-social/herd/rules"
	"github.com/herd-social/herd/schedule"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/translate"
)

// req is one API request being served.
type req struct {
	ctx    *fasthttp.RequestCtx
	c      context.Context // see context
	s      *Server
	p      params
	token  *auth.Token
	viewer shard.ID    // the token's account; zero for app tokens and anonymous calls
	role   *role.Actor // the viewer's role on admin routes (permit); nil elsewhere
}

// context is the context of the request's work. It is not fasthttp's RequestCtx,
// though that is a context too: RequestCtx answers Value from the request's user values,
// which fasthttp resets for the next request once this one ends, and a context derived
// from it with a deadline (a remote lookup's budget) reads them from its timer's
// goroutine, possibly after the end. Detached, the work keeps no tie to the connection:
// what may take long is bounded by its own budget.
func (r *req) context() context.Context {
	if r.c == nil {
		r.c = logctx.With(context.WithoutCancel(r.ctx), requestID(r.ctx))
		if p, ok := r.ctx.UserValue(parentKey{}).(context.Context); ok {
			r.c = withParent{r.c, p}
		}
	}
	return r.c
}

// HTTPError is an error with the status code and public message Mastodon uses.
type HTTPError struct {
	Code        int
	Msg         string
	Description string
	// Details, if set, names the invalid input fields, as Mastodon details the
	// errors of a registration.
	Details map[string][]FieldError
	// Nested puts the error and its details under "error", as Mastodon's collections
	// controller renders a refused collection.
	Nested bool
	// Cause is logged, never shown.
	Cause error
}

func (e *HTTPError) Error() string {
	if e.Cause != nil {
		return fmt.Sprintf("%d %s: %v", e.Code, e.Msg, e.Cause)
	}
	return fmt.Sprintf("%d %s", e.Code, e.Msg)
}

func (e *HTTPError) Unwrap() error { return e.Cause }

func httpErr(code int, msg string) *HTTPError { return &HTTPError{Code: code, Msg: msg} }

var (
	errNotFound      = httpErr(404, "Record not found")
	errForbidden     = httpErr(403, "This action is not allowed")
	errLoginDisabled = httpErr(403, "Your login is currently disabled")
	errLoginPending  = httpErr(403, "Your login is currently pending approval")
	errInvalidToken  = httpErr(401, "The access token is invalid")
	errNeedUser      = httpErr(422, "This method requires an authenticated user")
	errOutsideScopes = httpErr(403, "This action is outside the authorized scopes")
	// errTooManyRequests is rack-attack's answer, with Mastodon's errors.429 text.
	errTooManyRequests = httpErr(429, "Too many requests")
)

// publicError maps a domain error to what the client sees. This is the one place
// where domain errors meet HTTP status codes.
func publicError(err error) *HTTPError {
	var he *HTTPError
	var av *account.Validation
	var sv *status.Validation
	var oav *auth.Validation
	var mv *moderation.Validation
	var pv *poll.Validation
	var medv *media.Validation
	var lv *list.Validation
	var fv *filter.Validation
	var scv *schedule.Validation
	var hv *hashtag.Validation
	var anv *announcement.Validation
	var puv *push.Validation
	var rv *rules.Validation
	var rov *role.Validation
	var colv *collection.Validation
	var emv *emoji.Validation
	switch {
	case errors.As(err, &he):
		return he
	case errors.As(err, &av):
		return &HTTPError{Code: 422, Msg: av.Error(), Cause: err}
	case errors.As(err, &sv):
		return &HTTPError{Code: 422, Msg: sv.Error(), Cause: err}
	case errors.As(err, &oav):
		return &HTTPError{Code: 422, Msg: oav.Error(), Cause: err}
	case errors.As(err, &mv):
		he := &HTTPError{Code: 422, Msg: mv.Error(), Cause: err}
		if f := mv.Field; f != nil {
			he.Details = map[string][]FieldError{f.Field: {{Error: f.Code, Description: f.Description}}}
		}
		return he
	case errors.As(err, &pv):
		return &HTTPError{Code: 422, Msg: pv.Error(), Cause: err}
	case errors.As(err, &medv):
		return &HTTPError{Code: 422, Msg: medv.Error(), Cause: err}
	case errors.As(err, &lv):
		return &HTTPError{Code: 422, Msg: lv.Error(), Cause: err}
	case errors.As(err, &fv):
		return &HTTPError{Code: 422, Msg: fv.Error(), Cause: err}
	case errors.As(err, &scv):
		return &HTTPError{Code: 422, Msg: scv.Error(), Cause: err}
	case errors.As(err, &hv):
		return &HTTPError{Code: 422, Msg: hv.Error(), Cause: err}
	case errors.As(err, &anv):
		return &HTTPError{Code: 422, Msg: anv.Error(), Cause: err}
	case errors.As(err, &puv):
		return &HTTPError{Code: 422, Msg: puv.Error(), Cause: err}
	case errors.As(err, &rv):
		return &HTTPError{Code: 422, Msg: rv.Error(), Cause: err}
	case errors.As(err, &rov):
		return &HTTPError{Code: 422, Msg: rov.Error(), Cause: err}
	case errors.As(err, &emv): // after media's: a refused picture says why
		return &HTTPError{Code: 422, Msg: emv.Error(), Cause: err}
	case errors.As(err, &colv):
		return collectionError(colv, err)
	case errors.Is(err, account.ErrUsernameTaken):
		return &HTTPError{Code: 422, Msg: "Validation failed: Username has already been taken", Cause: err}
	case errors.Is(err, account.ErrEmailTaken):
		return &HTTPError{Code: 422, Msg: "Validation failed: Email has already been taken", Cause: err}
	case errors.Is(err, status.ErrQuoteNotFound):
		return &HTTPError{Code: 404, Msg: "The post you are trying to quote does not appear to exist.", Cause: err}
	case errors.Is(err, account.ErrNotFound), errors.Is(err, status.ErrNotFound), errors.Is(err, notification.ErrNotFound),
		errors.Is(err, moderation.ErrNotFound), errors.Is(err, media.ErrNotFound), errors.Is(err, list.ErrNotFound),
		errors.Is(err, conversation.ErrNotFound), errors.Is(err, hashtag.ErrNotFound), errors.Is(err, filter.ErrNotFound),
		errors.Is(err, schedule.ErrNotFound), errors.Is(err, announcement.ErrNotFound), errors.Is(err, annualreport.ErrNotFound),
		errors.Is(err, push.ErrNotFound), errors.Is(err, rules.ErrNotFound), errors.Is(err, role.ErrNotFound),
		errors.Is(err, asyncrefresh.ErrNotFound), errors.Is(err, collection.ErrNotFound), errors.Is(err, emoji.ErrNotFound):
		return &HTTPError{Code: 404, Msg: "Record not found", Cause: err}
	case errors.Is(err, account.ErrSelf), errors.Is(err, account.ErrBlocked), errors.Is(err, status.ErrForbidden),
		errors.Is(err, moderation.ErrForbidden), errors.Is(err, role.ErrForbidden), errors.Is(err, collection.ErrForbidden),
		errors.Is(err, emoji.ErrRemote):
		return &HTTPError{Code: 403, Msg: "This action is not allowed", Cause: err}
	case errors.Is(err, translate.ErrNotConfigured): // Mastodon's not_found, not a record's
		return &HTTPError{Code: 404, Msg: "Not Found", Cause: err}
	case errors.Is(err, translate.ErrNotPermitted):
		return &HTTPError{Code: 403, Msg: "This action is not allowed", Cause: err}
	case errors.Is(err, translate.ErrUnavailable):
		return &HTTPError{Code: 503, Msg: "Service Unavailable", Cause: err}
	case errors.Is(err, shard.ErrBadID):
		return &HTTPError{Code: 404, Msg: "Record not found", Cause: err}
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return &HTTPError{Code: 503, Msg: "Request timed out", Cause: err}
	}
	return &HTTPError{Code: 500, Msg: "Internal server error", Cause: err}
}

func (r *req) json(v any) error {
	writeJSON(r.ctx, 200, v)
	return nil
}

func (r *req) fail(err error) {
	he := publicError(err)
	if he.Code >= 500 {
		r.s.log.ErrorContext(r.context(), "api: request failed", "method", string(r.ctx.Method()), "path", string(r.ctx.Path()),
			"err", err)
	}
	body := map[string]any{"error": he.Msg}
	if he.Description != "" {
		body["error_description"] = he.Description
	}
	if he.Details != nil {
		body["details"] = he.Details
	}
	if he.Nested {
		body = map[string]any{"error": body}
	}
	writeJSON(r.ctx, he.Code, body)
}

// FieldError is one error of an input field in an error's details.
type FieldError struct {
	Error       string `json:"error"`
	Description string `json:"description"`
}

// pathID reads an id from the route.
func (r *req) pathID(name string) (shard.ID, error) {
	v, _ := r.ctx.UserValue(name).(string)
	id, err := shard.Parse(v)
	if err != nil {
		return 0, errNotFound
	}
	return id, nil
}

// pathStr is a path parameter, percent-decoded (the router matches the path as sent:
// /api/v1/tags/caf%C3%A9 names the tag café); a malformed escape is kept as sent.
func (r *req) pathStr(name string) string {
	v, _ := r.ctx.UserValue(name).(string)
	if d, err := url.PathUnescape(v); err == nil {
		return d
	}
	return v
}

// idParam reads an optional id parameter; a malformed one is a 400.
func (r *req) idParam(name string) (shard.ID, error) {
	v := r.p.str(name)
	if v == "" {
		return 0, nil
	}
	id, err := shard.Parse(v)
	if err != nil {
		return 0, &HTTPError{Code: 400, Msg: fmt.Sprintf("%s is invalid", name), Cause: err}
	}
	return id, nil
}

// page reads max_id, since_id, min_id and limit, clamping limit to [1, max].
func (r *req) page(def, maxLimit int) (paging.Page, error) {
	var p paging.Page
	var err error
	if p.MaxID, err = r.idParam("max_id"); err != nil {
		return p, err
	}
	if p.SinceID, err = r.idParam("since_id"); err != nil {
		return p, err
	}
	if p.MinID, err = r.idParam("min_id"); err != nil {
		return p, err
	}
	p.Limit = def
	if v := r.p.str("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return p, &HTTPError{Code: 400, Msg: "limit is invalid", Cause: err}
		}
		p.Limit = min(max(n, 1), maxLimit)
	}
	return p, nil
}

// link sets the Link header of a page, as Mastodon does: next pages older than
// c.Next, prev pages newer than c.Prev, keeping the other query parameters.
func (r *req) link(c paging.Cursors) {
	if c.Next == 0 && c.Prev == 0 {
		return
	}
	base := r.s.baseURL() + string(r.ctx.Path())
	keep := url.Values{}
	r.ctx.QueryArgs().VisitAll(func(k, v []byte) {
		switch key := string(k); key {
		case "max_id", "min_id", "since_id":
		default:
			keep.Add(key, string(v))
		}
	})
	mk := func(name string, id shard.ID) string {
		q := url.Values{}
		for k, v := range keep {
			q[k] = v
		}
		q.Set(name, id.String())
		return base + "?" + q.Encode()
	}
	var parts []string
	if c.Next != 0 {
		parts = append(parts, fmt.Sprintf(`<%s>; rel="next"`, mk("max_id", c.Next)))
	}
	if c.Prev != 0 {
		parts = append(parts, fmt.Sprintf(`<%s>; rel="prev"`, mk("min_id", c.Prev)))
	}
	r.ctx.Response.Header.Set("Link", strings.Join(parts, ", "))
}

// authLevel is the token a route requires.
type authLevel int

const (
	// anyone may call the route; a token, if given, must be valid.
	anyone authLevel = iota
	// withToken requires a valid token, an app's or a user's.
	withToken
	// withUser requires a token of a user.
	withUser
	// withWarnedUser requires a token of a user, whose login moderators may have
	// disabled or whose account they may have suspended: such a user still reads and
	// appeals their warnings, as Mastodon's disputes pages let them.
	withWarnedUser
)

// access says who may call a route.
type access struct {
	auth authLevel
	// scopes: the token must hold one of them (empty: any).
	scopes []string
}

var (
	public    = access{}
	anyToken  = access{auth: withToken}
	userToken = access{auth: withUser}
)

func user(scopes ...string) access   { return access{auth: withUser, scopes: scopes} }
func warned(scopes ...string) access { return access{auth: withWarnedUser, scopes: scopes} }
func token(scopes ...string) access  { return access{auth: withToken, scopes: scopes} }
func open(scopes ...string) access   { return access{scopes: scopes} }

// authenticate reads the bearer token and checks it against the route's access.
func (r *req) authenticate(a access) error {
	raw := bearer(r.ctx)
	if raw == "" {
		if a.auth != anyone {
			return errInvalidToken
		}
		return nil
	}
	t, err := r.s.auth.Verify(r.context(), raw)
	if errors.Is(err, auth.ErrInvalidToken) {
		return errInvalidToken
	}
	if err != nil {
		return err
	}
	r.token, r.viewer = t, t.AccountID
	if (a.auth == withUser || a.auth == withWarnedUser) && t.AccountID == 0 {
		return errNeedUser
	}
	if t.AccountID != 0 {
		// The week's active users (/api/v1/instance/activity); a failure costs a count.
		if err := r.s.d.Accounts.RecordLogin(r.context(), t.AccountID); err != nil {
			r.s.log.Warn("api: record a sign-in", "err", err)
		}
		// The addresses the user comes from (Admin::Account's ips).
		if err := r.s.d.Accounts.RecordIP(r.context(), t.AccountID, r.s.clientAddr(r.ctx)); err != nil {
			r.s.log.Warn("api: record an address", "err", err)
		}
	}
	if len(a.scopes) > 0 && (a.auth != anyone || t.AccountID != 0) && !grantsAny(t.Scopes, a.scopes) {
		return errOutsideScopes
	}
	if a.auth == withUser || a.auth == withWarnedUser {
		return r.functional(a.auth == withWarnedUser)
	}
	return nil
}

func grantsAny(granted []string, wanted []string) bool {
	for _, s := range wanted {
		if auth.Grants(granted, s) {
			return true
		}
	}
	return false
}

// functional refuses the token of a user whose registration awaits approval, whose
// login moderators disabled or whose account they suspended, as Mastodon's
// require_user! (403); and the token of an account a rejection removed (401).
// warned lets a disabled or suspended user through.
func (r *req) functional(warned bool) error {
	u, err := r.s.d.Accounts.User(r.context(), r.viewer)
	if errors.Is(err, account.ErrNotFound) {
		return errInvalidToken
	}
	if err != nil {
		return err
	}
	if u.Unconfirmed {
		return errUnconfirmed
	}
	if u.Pending {
		return errLoginPending
	}
	if !u.Functional() && !warned {
		return errLoginDisabled
	}
	return nil
}

func bearer(ctx *fasthttp.RequestCtx) string {
	h := string(ctx.Request.Header.Peek("Authorization"))
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	if v := ctx.QueryArgs().Peek("access_token"); len(v) > 0 {
		return string(v)
	}
	return ""
}

// removeOwn answers a DELETE of one of the viewer's records by the route's id (a
// filter, keyword, list, conversation, upload) with Mastodon's empty object.
func removeOwn(remove func(ctx context.Context, viewer, id shard.ID) error) handlerFunc {
	return func(r *req) error {
		id, err := r.pathID("id")
		if err != nil {
			return err
		}
		if err := remove(r.context(), r.viewer, id); err != nil {
			return err
		}
		return r.json(struct{}{})
	}
}

// collectionError renders a refused collection as Mastodon does: a collection's own
// attributes with their details under "error" (CollectionsController renders
// ValidationErrorFormatter there), a refused item as a plain error.
func collectionError(v *collection.Validation, err error) *HTTPError {
	he := &HTTPError{Code: 422, Msg: v.Error(), Cause: err}
	if !v.Record {
		return he
	}
	he.Nested = true
	he.Details = map[string][]FieldError{}
	for _, e := range v.Errs {
		he.Details[e.Field] = append(he.Details[e.Field], FieldError{Error: e.Code, Description: e.Description})
	}
	return he
}

// parentKey is the user value under which SetParentContext leaves its context.
type parentKey struct{}

// SetParentContext gives the request's work the values of parent (a trace span, say)
// besides those of the request. The server's middleware calls it before the handler.
func SetParentContext(ctx *fasthttp.RequestCtx, parent context.Context) {
	ctx.SetUserValue(parentKey{}, parent)
}

// withParent is a context that answers Value from parent first.
type withParent struct {
	context.Context
	parent context.Context
}

func (c withParent) Value(key any) any {
	if v := c.parent.Value(key); v != nil {
		return v
	}
	return c.Context.Value(key)
}
