// Package api owns Herd's HTTP face for clients: the Mastodon REST API, the OAuth 2
// server and its pages, rendering of entities, pagination headers, rate limits, CORS for
// every route on its router (the federation routes included), and the mapping of
// domain errors to Mastodon's error shape and status codes. It is the only package that
// knows HTTP; it must not talk to storage engines directly. Relationship and
// interaction handlers parse, authorise, call one action of package action, and
// render: they must not assemble consequences (fan-out, federation) themselves.
package api

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/netip"
	"strings"
	"time"

	"github.com/fasthttp/router"
	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/valyala/fasthttp"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/action"
	"github.com/herd-social/herd/announcement"
	"github.com/herd-social/herd/annualreport"
	"github.com/herd-social/herd/auth"
	"github.com/herd-social/herd/card"
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
	"github.com/herd-social/herd/poll"
	"github.com/herd-social/herd/push"
	"github.com/herd-social/herd/role"
	"github.com/herd-social/herd/rules"
	"github.com/herd-social/herd/schedule"
	"github.com/herd-social/herd/search"
	"github.com/herd-social/herd/settings"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/stream"
	"github.com/herd-social/herd/timeline"
	"github.com/herd-social/herd/translate"
	"github.com/herd-social/herd/trends"
	"github.com/herd-social/herd/visibility"
	"github.com/herd-social/herd/webhook"
)

// Instance is what the server says about itself.
type Instance struct {
	// Domain is the local domain, as in handles; Scheme is http or https.
	Domain, Scheme string
	Title          string
	Description    string
	ContactEmail   string
	Version        string
	// Limits published in the instance configuration and enforced.
	MaxCharacters int
	MaxPinned     int
	Polls         poll.Limits // zero: Mastodon's defaults
	// MinAge, if positive, is the age in years below which no one may register, as
	// Mastodon's min_age setting: registrations must then give date_of_birth.
	MinAge int
	// LimitedFederation is set in limited-federation mode (only allowed domains
	// federate), as configuration.limited_federation tells.
	LimitedFederation bool
	// NoTrends shows no trends (tags, statuses, links, the link timeline), as
	// Mastodon's Setting.trends off; moderators still review them.
	NoTrends bool
	// Documents are the about page, the privacy policy and the terms of service.
	Documents Documents
}

// Deps are the domain services the API serves.
type Deps struct {
	Accounts *account.Service
	Auth     *auth.Service
	Statuses *status.Service
	// Media keeps the attachments and their files.
	Media *media.Service
	// Emoji keeps the custom emoji, local and remote.
	Emoji *emoji.Service
	// Cards keeps the link preview cards of statuses; nil shows none.
	Cards *card.Service
	// Trends counts and ranks trending tags, links and statuses.
	Trends *trends.Service
	// Scheduled keeps scheduled statuses.
	Scheduled *schedule.Service
	// Push keeps Web Push subscriptions and the VAPID key (required).
	Push *push.Service
	// Search is the full-text search engine (required).
	Search search.Engine
	// Translator translates statuses; it translates nothing without a service.
	Translator *translate.Service
	Visibility *visibility.Policy
	Timelines  *timeline.Service
	Lists      *list.Service
	// Collections keeps Mastodon 4.6's collections of featured accounts.
	Collections   *collection.Service
	Conversations *conversation.Service
	Hashtags      *hashtag.Service
	Filters       *filter.Service
	Notifications *notification.Service
	// Announcements keeps the instance's announcements.
	Announcements *announcement.Service
	// AnnualReports keeps and generates the annual reports (Wrapstodon).
	AnnualReports *annualreport.Service
	// Actions runs the relationship actions (follow, block, mute, …) with all their
	// consequences.
	Actions *action.Service
	Reports *moderation.Service
	// Rules keeps the server rules and the content rules.
	Rules *rules.Service
	// Settings are the settings admins change while the nodes run: who may register.
	Settings *settings.Service
	// Roles keeps the staff roles; every admin route asks it (admin_permissions.go).
	Roles *role.Service
	// Webhooks keeps the admin webhooks; nil serves no webhook routes.
	Webhooks *webhook.Service
	// Federation, if set (node always sets it), resolves remote accounts and statuses
	// and tells remote servers of local actions.
	Federation Federator
	// Refreshes keeps the async refreshes clients poll; nil answers 404 for every one.
	Refreshes Refreshes
	Render    account.RenderFunc
	Instance  Instance
	Logger    *slog.Logger
	Now       func() time.Time
	// RateLimit is the number of requests allowed per 5 minutes per token and per IP;
	// zero means Mastodon's 300, negative disables limits.
	RateLimit int
	// MaxBody caps request bodies; default 1 MiB.
	MaxBody int
	// ResolveBudget bounds the remote fetches of one search with resolve=true;
	// default 5s.
	ResolveBudget time.Duration
	// Streams routes real-time events to streaming connections; nil gives the
	// server a hub of its own that nothing publishes to.
	Streams stream.Router
	// Streaming tunes the streaming API.
	Streaming StreamingOptions
	// TrustedProxies are the addresses whose X-Forwarded-For and X-Real-IP headers
	// name the client (clientip.go); nil trusts loopback only. A request from any
	// other address is the client itself, whatever its headers say.
	TrustedProxies []netip.Prefix
	// Relays, if set (node sets it), manages the relays the instance subscribes to.
	Relays Relays
	// RelaySubscribers administers relay mode's subscribers (admin_relay_subscribers.go);
	// nil: the endpoints answer 404.
	RelaySubscribers RelaySubscribers
	RelayAllowList   RelayAllowList
	// Migration, if set (node sets it), keeps a user's aliases and moves the account
	// (migration.go); nil: the endpoints answer 404.
	Migration Migrator
	// WebApp is the built web client (package web): index.html at its root, hashed
	// files under assets/. Nil, or without index.html, serves a page at / that says
	// how to build it (webapp.go).
	WebApp fs.FS
	// Ready reports whether the node wants traffic, for /health/ready; nil: always.
	Ready func() bool

	streams *streamState // the streaming API's live state, made by New
}

// Server serves the API.
type Server struct {
	d      Deps
	log    *slog.Logger
	auth   *auth.Service
	router *router.Router
	limits *limiter
	// started is when the server was built: the date of the default about page.
	started time.Time
	// memos are the statuses' leading fields, rendered and encoded (encode_status.go).
	memos *lru.Cache[shard.ID, *statusMemo]
}

// New builds a server and its routes.
func New(d Deps) *Server {
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.MaxBody == 0 {
		d.MaxBody = 1 << 20
	}
	if d.ResolveBudget <= 0 {
		d.ResolveBudget = 5 * time.Second
	}
	if d.Instance.Scheme == "" {
		d.Instance.Scheme = "https"
	}
	s := &Server{d: d, log: d.Logger, auth: d.Auth, router: router.New(), started: d.Now(), memos: newStatusMemos()}
	s.limits = newLimiter(d.RateLimit, d.Now)
	s.router.RedirectTrailingSlash = false
	s.router.SaveMatchedRoutePath = true // for metrics by route
	s.router.NotFound = func(ctx *fasthttp.RequestCtx) { writeJSON(ctx, 404, map[string]string{"error": "Record not found"}) }
	s.router.MethodNotAllowed = func(ctx *fasthttp.RequestCtx) {
		writeJSON(ctx, 405, map[string]string{"error": "Method not allowed"})
	}
	s.router.PanicHandler = func(ctx *fasthttp.RequestCtx, v any) {
		s.log.ErrorContext(logctx.With(context.Background(), requestID(ctx)), "api: panic", "path", string(ctx.Path()), "panic", fmt.Sprint(v))
		writeJSON(ctx, 500, map[string]string{"error": "Internal server error"})
	}
	s.routes()
	return s
}

// Handler is the fasthttp handler of the whole API, and of every route mounted on its
// router. A trailing slash is ignored, as Rails routes ignore it (clients call
// /api/v1/instance/). CORS (cors.go) sits in front of the router, so that every route,
// and every error it answers, carries the same headers; a path or query that the input
// boundary refuses (checkURI) reaches no route. Answers are compressed as the client
// accepts (compress.go).
func (s *Server) Handler() fasthttp.RequestHandler {
	return compress(func(ctx *fasthttp.RequestCtx) {
		setRequestID(ctx)
		if p := ctx.Path(); len(p) > 1 && p[len(p)-1] == '/' {
			ctx.URI().SetPathBytes(p[:len(p)-1])
		}
		if isPreflight(ctx) {
			if !grantPreflight(ctx) {
				s.router.Handler(ctx)
			}
			return
		}
		corsHeaders(ctx)
		if err := checkURI(ctx); err != nil {
			(&req{ctx: ctx, s: s}).fail(err)
			return
		}
		if err := s.checkAccess(ctx); err != nil {
			(&req{ctx: ctx, s: s}).fail(err)
			return
		}
		s.router.Handler(ctx)
	})
}

// errNoAccess answers a client whose address a no_access IP block covers.
var errNoAccess = httpErr(403, "Forbidden")

// checkAccess refuses a request from an address a no_access IP block covers. The
// blocks are in memory (moderation.IPRules), and while none refuses access the
// client's address is not even worked out.
func (s *Server) checkAccess(ctx *fasthttp.RequestCtx) error {
	if s.d.Reports == nil {
		return nil
	}
	ips := s.d.Reports.IPs()
	c := context.WithoutCancel(ctx)
	some, err := ips.HasNoAccess(c)
	if err != nil {
		s.log.Warn("api: load the IP blocks", "err", err)
	}
	if !some {
		return nil
	}
	if blocked, _ := ips.NoAccess(c, s.clientAddr(ctx)); blocked {
		return errNoAccess
	}
	return nil
}

// Routes lists the registered routes, path templates by method.
func (s *Server) Routes() map[string][]string { return s.router.List() }

// MaxBody is the request body cap the HTTP server must enforce.
func (s *Server) MaxBody() int { return s.d.MaxBody }

// BodyLimit is the body cap of a request, from its header (the HTTP server's
// HeaderReceived): a media upload, or a profile update with its pictures, may hold
// the largest file and a little more for the rest of its form; any other request
// MaxBody.
func (s *Server) BodyLimit(h *fasthttp.RequestHeader) int {
	p := strings.TrimSuffix(string(h.RequestURI()), "/")
	p, _, _ = strings.Cut(p, "?")
	m := string(h.Method())
	if s.d.Media != nil && (m == "POST" && (p == "/api/v1/media" || p == "/api/v2/media") ||
		m == "PATCH" && p == "/api/v1/accounts/update_credentials") {
		return max(s.d.MaxBody, int(s.d.Media.MaxBytes())+1<<20)
	}
	return s.d.MaxBody
}

type handlerFunc func(r *req) error

// handle registers a route with its access rule.
func (s *Server) handle(method, path string, a access, h handlerFunc) {
	if isAdminRoute(path) {
		h = s.permit(adminNeed(method, path), h)
	}
	s.router.Handle(method, path, func(ctx *fasthttp.RequestCtx) {
		r := &req{ctx: ctx, s: s}
		if err := s.serve(r, a, h); err != nil {
			r.fail(err)
		}
	})
}

func (s *Server) serve(r *req, a access, h handlerFunc) error {
	// Count before refusing a bad token: a request with an invalid token is counted
	// against its IP, as an anonymous one, and a flood of them meets 429s.
	authErr := r.authenticate(a)
	if err := s.limits.check(r); err != nil {
		return err
	}
	if authErr != nil {
		return authErr
	}
	p, err := parseParams(r.ctx)
	if err != nil {
		return err
	}
	r.p = p
	return h(r)
}

func (s *Server) baseURL() string { return s.d.Instance.Scheme + "://" + s.d.Instance.Domain }

// The URLs below are one concatenation each, so one allocation: a page renders
// several per status.

func (s *Server) profileURL(username string) string {
	return s.d.Instance.Scheme + "://" + s.d.Instance.Domain + "/@" + username
}

func (s *Server) actorURL(username string) string {
	return s.d.Instance.Scheme + "://" + s.d.Instance.Domain + "/users/" + username
}

func (s *Server) statusURI(username string, id shard.ID) string {
	return s.d.Instance.Scheme + "://" + s.d.Instance.Domain + "/users/" + username + "/statuses/" + id.String()
}

func (s *Server) tagURL(name string) string {
	return s.d.Instance.Scheme + "://" + s.d.Instance.Domain + "/tags/" + name
}

// TransportError answers requests that fasthttp rejects before routing (a body over
// the cap, a malformed request line, a read timeout) in Mastodon's error shape.
func TransportError(ctx *fasthttp.RequestCtx, err error) {
	code, msg := 400, "Bad request"
	switch {
	case errors.Is(err, fasthttp.ErrBodyTooLarge):
		code, msg = 413, "Request entity too large"
	case isTimeout(err):
		code, msg = 408, "Request timeout"
	}
	corsHeaders(ctx)
	writeJSON(ctx, code, map[string]string{"error": msg})
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// Router is the router of the server, for node to mount the federation routes on.
func (s *Server) Router() *router.Router { return s.router }
