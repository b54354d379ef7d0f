package node

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/herd-social/herd/poll"
)

// Config is everything a node is told. Zero fields take the documented defaults.
type Config struct {
	// Listen is the HTTP address; default 127.0.0.1:8080.
	Listen string `toml:"listen" help:"HTTP address (default 127.0.0.1:8080)"`
	// Domain is the domain in handles and URLs; default localhost:8080.
	Domain string `toml:"domain" help:"domain in handles and URLs (default localhost:8080)"`
	// Scheme of public URLs: https, or http for local and test domains. Default: http
	// when Domain is localhost or a loopback address, https otherwise.
	Scheme string `toml:"scheme" help:"scheme of public URLs: http or https (default http for local domains, https otherwise)"`
	// Data is the directory of the embedded engines; default ./data.
	Data string `toml:"data" help:"data directory of the embedded engines (default ./data)"`
	// Title is the instance name; default "Herd".
	Title string `toml:"title" help:"instance name (default Herd)"`
	// Description is the instance description.
	Description string `toml:"description" help:"instance description"`
	// ContactEmail is the admin contact.
	ContactEmail string `toml:"contact_email" help:"contact address of the administrators"`
	// About, PrivacyPolicy and TermsOfService name the instance's documents: files of
	// Markdown, or of HTML when named *.html, read at start (documents.go).
	About          string `toml:"about" help:"file of the instance's about page (Markdown, or HTML if named .html; default: the description)"`
	PrivacyPolicy  string `toml:"privacy_policy" help:"file of the privacy policy (Markdown or .html; default: what Herd keeps and shares)"`
	TermsOfService string `toml:"terms_of_service" help:"directory of the terms of service, a file per version named by the day it takes effect (2026-12-31.md or .html; default: none)"`
	// NodeID numbers this node among the cluster's nodes (0-255). Ids embed it, so it
	// must be unique among the nodes that share a store; it also names the node in
	// the cluster's membership ("herd-<id>").
	NodeID int `toml:"node_id" help:"number of this node, 0-255, unique among nodes sharing the engines"`
	// Registrations: "open" (default), "approval" (every new account waits for a
	// moderator's approval, and gives a reason) or "closed".
	Registrations string `toml:"registrations" help:"open, approval or closed (default open)"`
	// RegistrationsMinAge, if positive, is the age in years below which no one may
	// register (Mastodon's min_age): registrations must give their date of birth,
	// which is not kept.
	RegistrationsMinAge int `toml:"registrations_min_age" help:"minimum age in years to register; registrations then give date_of_birth (default 0: none)"`
	// EmailDNS is the DNS server (host:port) asked for the MX hosts of a sign-up's
	// e-mail domain and their addresses, which the email domain blocks match as
	// Mastodon's; empty: the system's (/etc/resolv.conf); "none": no lookup (the
	// domain alone is matched).
	EmailDNS string `toml:"email_dns" help:"DNS server (host:port) for the MX lookups of email domain blocks; default the system's, none for no lookup"`
	// MaxCharacters is the status length limit; default 500.
	MaxCharacters int `toml:"max_characters" help:"status length limit (default 500)"`
	// HotFollowers is the follower count above which posts are merged into homes at
	// read time instead of fanned out on write; default 50,000.
	HotFollowers int64 `toml:"hot_followers" help:"followers above which posts are merged into homes at read time (default 50000)"`
	// RateLimit is requests per 5 minutes per token and per IP; 0 means 300, negative
	// disables rate limits.
	RateLimit int `toml:"rate_limit" help:"requests per 5 minutes per token and per IP (default 300; negative disables)"`
	// Clock, if set, is the clock of the API (rate-limit windows), of the accounts
	// (registrations, daily activity) and of reports; tests set it. Default
	// time.Now.
	Clock func() time.Time `toml:"-"`
	// Logger, if set, is the node's logger when Open is given none (tests set it).
	Logger *slog.Logger `toml:"-"`
	// PollSweep is how often a worker looks for polls whose end has come; default 15s
	// (tests shorten it).
	PollSweep time.Duration `toml:"-"`
	// ScheduleSweep is how often a worker looks for scheduled statuses whose time has
	// come; default 5s (tests shorten it).
	ScheduleSweep time.Duration `toml:"-"`
	// ScheduleMinLead is how far ahead a status must be scheduled; default 5 minutes,
	// as Mastodon. Tests shorten it (the end-to-end test through the file); the API
	// cannot.
	ScheduleMinLead time.Duration `toml:"schedule_min_lead" help:"how far ahead a status must be scheduled (default 5m, as Mastodon; tests shorten it)"`
	// PollMinExpiration is the shortest a poll may run (the instance's
	// polls.min_expiration); default 5 minutes, as Mastodon. Tests shorten it.
	PollMinExpiration time.Duration `toml:"poll_min_expiration" help:"the shortest a poll may run, whole seconds (default 5m, as Mastodon; tests shorten it)"`
	// NoAnnualReports turns off the annual reports' campaign (Mastodon's wrapstodon
	// feature): no report is offered or generated; those already made are still
	// served.
	NoAnnualReports bool `toml:"no_annual_reports" help:"offer no annual report (Wrapstodon) from December 10th (default false: offered)"`
	// TrendableByDefault shows trending tags, links and statuses that no moderator
	// reviewed yet; default false, as Mastodon: an item trends once approved.
	TrendableByDefault bool `toml:"trendable_by_default" help:"show trends moderators have not reviewed yet (default false: approval first, as Mastodon)"`
	// NoTrends turns the public trends off (tags, statuses, links: empty lists, and
	// no link timeline), as Mastodon's trends setting; moderators still review them.
	NoTrends bool `toml:"no_trends" help:"show no trends to users (default false: shown, as Mastodon's trends setting)"`
	// WebhookBackoff is the unit of the webhooks' retry backoff (try n+1 waits
	// n⁴+15 units); default 1s (tests shorten it).
	WebhookBackoff time.Duration `toml:"-"`
	// WebApp, if set, is served as the web client instead of the one embedded in the
	// binary (package web); tests set it.
	WebApp fs.FS `toml:"-"`
	// BcryptCost is the password hashing cost; default 12 (tests lower it).
	BcryptCost int `toml:"bcrypt_cost" help:"password hashing cost (default 12)"`
	// NoSync trades durability for speed (tests and benchmarks only).
	NoSync bool `toml:"no_sync" help:"skip fsync: tests and benchmarks only"`
	// FederationHTTP lets federation use plain-http peers (tests, private networks).
	FederationHTTP bool `toml:"federation_http" help:"federate with plain-http peers (tests, private networks)"`
	// AllowPrivateAddresses lets federation reach loopback and private addresses.
	AllowPrivateAddresses bool `toml:"allow_private_addresses" help:"let federation reach loopback and private addresses (tests)"`
	// AuthorizedFetch is Mastodon's secure mode: every ActivityPub GET but the
	// instance actor's must be signed by an actor of a domain not blocked. Off by
	// default, as in Mastodon.
	AuthorizedFetch bool `toml:"authorized_fetch" help:"require signed fetches of every ActivityPub document but the instance actor (Mastodon's secure mode)"`
	// Relay runs the instance as an ActivityPub relay that other servers subscribe to
	// (activitypub/relaymode.go); off by default.
	Relay RelayConfig `toml:"relay"`
	// LimitedFederation is Mastodon's LIMITED_FEDERATION_MODE: only the domains of the
	// allow list (/api/v1/admin/domain_allows) federate; the inbox refuses others,
	// nothing is delivered to or fetched from them, and fetches must be signed (it
	// implies authorized fetch, as in Mastodon). Off by default.
	LimitedFederation bool `toml:"limited_federation_mode" help:"federate only with the domains of the allow list (Mastodon's limited federation mode; implies authorized_fetch)"`
	// ExtraCA is a PEM file of extra certificate authorities trusted for federation.
	ExtraCA string `toml:"extra_ca" help:"PEM file of extra certificate authorities trusted for federation"`
	// ResolveBudget bounds the remote lookups one request makes: the unknown remote
	// handles mentioned in a status or profile (resolved 4 at a time; those not
	// resolved in time stay plain text), search with resolve=true, and the fetch of
	// the signer's key in an inbox POST. Default 5s.
	ResolveBudget time.Duration `toml:"resolve_budget" help:"time one request may spend on remote lookups (default 5s)"`
	// Ops is the address of the ops endpoint (ops.go): health, the cluster view, dead
	// letters, Prometheus metrics and profiles. Default 127.0.0.1 and the port after
	// the HTTP port (single shape) or after memberlist's (cluster shape); "off"
	// disables it. It is not authenticated: keep it on loopback or a private network.
	Ops string `toml:"ops" help:"ops endpoint: health, cluster view, dead letters, /metrics, /debug/pprof (off to disable)"`
	// TrustedProxies are the addresses (CIDRs or single IPs) of the reverse proxies
	// whose X-Forwarded-For and X-Real-IP name the client, for rate limits. Default
	// loopback (127.0.0.0/8, ::1/128); a request from elsewhere is its own client.
	TrustedProxies []string `toml:"trusted_proxies" help:"reverse proxies trusted for X-Forwarded-For, CIDRs (default 127.0.0.0/8,::1/128)"`
	// TLS serves HTTPS itself, for instances without a reverse proxy (tls.go).
	TLS TLSConfig `toml:"tls"`
	// ShutdownTimeout bounds a graceful stop; default 10s.
	ShutdownTimeout time.Duration `toml:"shutdown_timeout" help:"bound of a graceful stop (default 10s)"`
	// ShutdownDelay is how long a stopping node keeps serving while its readiness
	// (/health/ready, /ops/ready) answers 503, before it closes its listener: long
	// enough for the load balancer's checks to take it out of rotation. Default 0.
	ShutdownDelay time.Duration `toml:"shutdown_delay" help:"how long a stopping node serves on, not ready, before it drains (default 0; set it to the load balancer's check interval times its failure threshold)"`

	// The shape (shape.go): which engines the node opens and how it finds the others.
	// NodeID must then be unique among the nodes sharing the engines.

	// Store is the storage engine: "pebble" (default, embedded under Data) or "scylla".
	Store string `toml:"store" help:"storage engine: pebble or scylla (default pebble)"`
	// Scylla configures the CQL store when Store is "scylla".
	Scylla ScyllaConfig `toml:"scylla"`
	// Bus is the event log: "local" (default, embedded under Data) or "kafka".
	Bus string `toml:"bus" help:"event log: local or kafka (default local)"`
	// Kafka configures the event log when Bus is "kafka".
	Kafka KafkaConfig `toml:"kafka"`
	// Cluster configures membership (memberlist), on when Bus is "kafka".
	Cluster ClusterConfig `toml:"cluster"`
	// Roles are what the node runs: "api" (the HTTP API and streaming) and "worker"
	// (the event consumers). Default both; a node of the single shape needs "worker".
	Roles []string `toml:"roles" help:"what the node runs: api, worker (default both)"`

	// Media configures the store of media files (media.go).
	Media MediaConfig `toml:"media"`
	// Search configures the full-text search engine (search.go).
	Search SearchConfig `toml:"search"`
	// SMTP configures the mail server (mail.go); without it no mail is sent.
	SMTP SMTPConfig `toml:"smtp"`
	// Tracing sends OpenTelemetry traces (tracing.go); off by default.
	Tracing TracingConfig `toml:"tracing"`
	// Translation names the machine translation service (translation.go); none by
	// default.
	Translation TranslationConfig `toml:"translation"`
}

// RelayConfig is relay mode: a relay actor at /relay whose inbox (/relay/inbox)
// Mastodon servers subscribe at, and whose actor LitePub servers follow.
type RelayConfig struct {
	Enabled bool `toml:"enabled" help:"run a relay actor at /relay that other servers subscribe to"`
	// ManualApproval keeps subscriptions pending until an admin approves them
	// (herd admin relay-subscribers, /api/v1/admin/relay/subscribers).
	ManualApproval bool `toml:"manual_approval" help:"subscriptions to the relay wait for an admin's approval"`
	// AllowList lets only the domains on the relay's allow list subscribe (herd admin
	// relay-allow, /api/v1/admin/relay/allowed_domains); others are answered Reject.
	AllowList bool `toml:"allow_list" help:"only the domains on the relay's allow list may subscribe to it"`
}

// WithDefaults returns c with zero fields set to their defaults.
func (c Config) WithDefaults() Config {
	if c.Listen == "" {
		c.Listen = "127.0.0.1:8080"
	}
	if c.Domain == "" {
		c.Domain = "localhost:8080"
	}
	if c.Scheme == "" {
		c.Scheme = "https"
		if isLocalDomain(c.Domain) && !c.TLS.On() {
			c.Scheme = "http"
		}
	}
	if c.Data == "" {
		c.Data = "./data"
	}
	if c.Title == "" {
		c.Title = "Herd"
	}
	if c.Registrations == "" {
		c.Registrations = "open"
	}
	if c.MaxCharacters == 0 {
		c.MaxCharacters = 500
	}
	if c.BcryptCost == 0 {
		c.BcryptCost = 12
	}
	if c.ResolveBudget == 0 {
		c.ResolveBudget = 5 * time.Second
	}
	if c.ShutdownTimeout == 0 {
		c.ShutdownTimeout = 10 * time.Second
	}
	if len(c.TrustedProxies) == 0 {
		c.TrustedProxies = []string{"127.0.0.0/8", "::1/128"}
	}
	c.Tracing = c.Tracing.withDefaults()
	return c.shapeDefaults().mediaDefaults().tlsDefaults().searchDefaults()
}

func isLocalDomain(d string) bool {
	host := d
	if h, _, err := net.SplitHostPort(d); err == nil {
		host = h
	}
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Validate reports the first unusable setting.
func (c Config) Validate() error {
	var errs []error
	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		errs = append(errs, fmt.Errorf("listen %q: %w", c.Listen, err))
	}
	if c.Domain == "" || strings.ContainsAny(c.Domain, "/@ ") {
		errs = append(errs, fmt.Errorf("domain %q is not a host name", c.Domain))
	}
	if c.Scheme != "http" && c.Scheme != "https" {
		errs = append(errs, fmt.Errorf("scheme %q must be http or https", c.Scheme))
	}
	if c.Registrations != "open" && c.Registrations != "approval" && c.Registrations != "closed" {
		errs = append(errs, fmt.Errorf("registrations %q must be open, approval or closed", c.Registrations))
	}
	if c.RegistrationsMinAge < 0 {
		errs = append(errs, fmt.Errorf("registrations_min_age %d must not be negative", c.RegistrationsMinAge))
	}
	if c.NodeID < 0 || c.NodeID > 255 {
		errs = append(errs, fmt.Errorf("node_id %d must be 0-255", c.NodeID))
	}
	if c.MaxCharacters < 1 || c.MaxCharacters > 100_000 {
		errs = append(errs, fmt.Errorf("max_characters %d must be 1-100000", c.MaxCharacters))
	}
	if c.BcryptCost < 4 || c.BcryptCost > 31 {
		errs = append(errs, fmt.Errorf("bcrypt_cost %d must be 4-31", c.BcryptCost))
	}
	if c.Ops != "off" && c.Ops != "" {
		if _, _, err := splitHostPort(c.Ops); err != nil {
			errs = append(errs, fmt.Errorf("ops %q: %w", c.Ops, err))
		}
	}
	if c.ResolveBudget < 0 {
		errs = append(errs, fmt.Errorf("resolve_budget %s must not be negative", c.ResolveBudget))
	}
	if m := c.PollMinExpiration; m != 0 && (m < time.Second || m%time.Second != 0 || m > c.pollLimits().MaxExpiration) {
		errs = append(errs, fmt.Errorf("poll_min_expiration %s must be whole seconds from 1s to a month", m))
	}
	if c.ShutdownTimeout < 0 || c.ShutdownDelay < 0 {
		errs = append(errs, fmt.Errorf("shutdown_timeout %s and shutdown_delay %s must not be negative", c.ShutdownTimeout, c.ShutdownDelay))
	}
	errs = append(errs, c.validateShape()...)
	errs = append(errs, c.validateMedia()...)
	errs = append(errs, c.validateTLS()...)
	errs = append(errs, c.validateSearch()...)
	errs = append(errs, c.validateSMTP()...)
	errs = append(errs, c.Tracing.validate()...)
	errs = append(errs, c.Translation.validate()...)
	return errors.Join(errs...)
}

// pollLimits are the limits of local polls: Mastodon's, but for the shortest.
func (c *Config) pollLimits() poll.Limits {
	return poll.Limits{MinExpiration: c.PollMinExpiration}.WithDefaults()
}
