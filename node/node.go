// Package node wires a Herd node: it reads the configuration, opens the engines
// (Pebble and the embedded log in the single shape; ScyllaDB and Kafka in the cluster
// shape, shape.go; the media files' directory or S3 bucket, media.go), builds the
// domain services and hands them to each other, serves HTTP with fasthttp, runs the
// event consumers, joins the other nodes through memberlist (cluster.go) and routes
// streaming events between them (router.go), and stops all of it. It is the only package that imports engine packages.
package node

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/action"
	"github.com/herd-social/herd/activitypub"
	"github.com/herd-social/herd/announcement"
	"github.com/herd-social/herd/annualreport"
	"github.com/herd-social/herd/api"
	"github.com/herd-social/herd/asyncrefresh"
	"github.com/herd-social/herd/auth"
	"github.com/herd-social/herd/blob"
	"github.com/herd-social/herd/bus"
	"github.com/herd-social/herd/card"
	"github.com/herd-social/herd/collection"
	"github.com/herd-social/herd/conversation"
	"github.com/herd-social/herd/deadletter"
	"github.com/herd-social/herd/delivery"
	"github.com/herd-social/herd/emoji"
	"github.com/herd-social/herd/fanout"
	"github.com/herd-social/herd/filter"
	"github.com/herd-social/herd/hashtag"
	"github.com/herd-social/herd/list"
	"github.com/herd-social/herd/logctx"
	"github.com/herd-social/herd/mail"
	"github.com/herd-social/herd/media"
	"github.com/herd-social/herd/moderation"
	"github.com/herd-social/herd/notification"
	"github.com/herd-social/herd/push"
	"github.com/herd-social/herd/relay"
	"github.com/herd-social/herd/role"
	"github.com/herd-social/herd/rules"
	"github.com/herd-social/herd/schedule"
	"github.com/herd-social/herd/search"
	"github.com/herd-social/herd/search/indexer"
	"github.com/herd-social/herd/settings"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/store"
	"github.com/herd-social/herd/stream"
	"github.com/herd-social/herd/timeline"
	"github.com/herd-social/herd/trends"
	"github.com/herd-social/herd/visibility"
	"github.com/herd-social/herd/webhook"
)

// Version is the software version reported to clients, Mastodon-style so that
// clients' feature sniffing finds a 4.x server.
const Version = "4.5.0 (compatible; Herd " + SoftwareVersion + ")"

// SoftwareVersion is Herd's own version, as NodeInfo reports it.
const SoftwareVersion = "0.1.0"

// Services are the domain services of a node.
type Services struct {
	Accounts      *account.Service
	Auth          *auth.Service
	Statuses      *status.Service
	Visibility    *visibility.Policy
	Timelines     *timeline.Service
	Lists         *list.Service
	Collections   *collection.Service
	Conversations *conversation.Service
	Hashtags      *hashtag.Service
	Filters       *filter.Service
	Notifications *notification.Service
	Fanout        *fanout.Service
	// Announcements keeps the instance's announcements.
	Announcements *announcement.Service
	// AnnualReports keeps and generates the annual reports (Wrapstodon).
	AnnualReports *annualreport.Service
	// Actions are the relationship use cases both doors call.
	Actions    *action.Service
	Streams    *stream.Hub
	Federation *activitypub.Service
	// Refreshes keeps the async refreshes clients poll (replies crawls).
	Refreshes *asyncrefresh.Keeper
	Delivery  *delivery.Service
	Reports   *moderation.Service
	// Rules keeps the server rules and the content rules.
	Rules *rules.Service
	// Settings are what admins change while the nodes run (registrations).
	Settings *settings.Service
	// Roles keeps the staff roles and their permissions.
	Roles *role.Service
	// Relays keeps the relays the instance subscribes to.
	Relays *relay.Service
	// Domains reads the domain blocks, for the outbound client, delivery and the inbox.
	Domains *moderation.Domains
	// Media keeps attachments and their files.
	Media *media.Service
	// Emoji keeps custom emoji.
	Emoji *emoji.Service
	// Cards keeps and fetches link preview cards.
	Cards *card.Service
	// Trends counts and ranks trending tags, links and statuses.
	Trends *trends.Service
	// Scheduled keeps scheduled statuses and publishes them on time.
	Scheduled *schedule.Service
	// DeadLetters sets aside the messages that every consumer group can never process.
	DeadLetters *deadletter.Keeper
	// Mail queues and sends mail; nil when no SMTP server is configured.
	Mail *mail.Queue
	// Indexer keeps the search engine's documents in step with the store.
	Indexer *indexer.Service
	// Push keeps Web Push subscriptions and pushes notifications to them.
	Push *push.Service
	// Webhooks keeps the admin webhooks and delivers their events.
	Webhooks *webhook.Service
}

// Node is one running Herd node.
type Node struct {
	cfg   Config
	log   *slog.Logger
	store store.Store
	dump  store.Dumper // the engine's whole-table reads, nil without (reindex.go)
	bus   bus.Bus
	files blob.Store    // media files
	index search.Engine // the engine; searcher, timed, is what the services get
	// searcher is index with each call timed (searchmetrics.go).
	searcher search.Engine
	Services
	api *api.Server

	// streams is the router publishers and connections use: Services.Streams (the
	// local hub) in the single shape, router (which wraps it) in the cluster shape.
	streams stream.Router
	router  *router  // cluster shape only
	cluster *cluster // once started, cluster shape only
	ops     *http.Server
	opsLn   net.Listener // bound by Start, served once the node has joined
	metrics *metrics
	tls     *tlsServing // when the node serves HTTPS itself (tls.go)
	tracing *tracing    // nil unless tracing is on (tracing.go)

	srv    *fasthttp.Server
	ln     net.Listener
	cancel context.CancelFunc
	wg     sync.WaitGroup // everything Start runs but the ops endpoint
	opsWG  sync.WaitGroup // the ops endpoint, which serves until the drain's end
	life   *lifecycle
	// admin runs `herd admin` commands sent to the ops endpoint (SetAdminRunner).
	admin atomic.Pointer[AdminRunner]
}

// Open opens the engines the configuration names (migrating the CQL schema unless
// scylla.no_migrate) and builds the services; Start serves and joins the cluster.
func Open(cfg Config, log *slog.Logger) (*Node, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("node: config: %w", err)
	}
	if log == nil {
		log = cfg.Logger
	}
	if log == nil {
		log = slog.Default()
	}
	log = slog.New(logctx.Wrap(log.Handler())).With("node", cfg.NodeID)
	tr, st, b, media, err := openTraced(cfg, log)
	if err != nil {
		return nil, err
	}
	n := &Node{cfg: cfg, log: log, store: st, files: media, life: newLifecycle(), tracing: tr}
	n.dump, _ = st.(store.Dumper)
	n.bus = drainingBus{Bus: requestBus{b}, life: n.life}
	if n.index, err = openSearch(cfg); err != nil {
		n.closeEngines()
		return nil, err
	}
	if err := n.build(); err != nil {
		n.closeEngines()
		return nil, err
	}
	return n, nil
}

// build makes the services and hands them to each other.
func (n *Node) build() error {
	cfg := n.cfg
	ids, err := shard.NewGenerator(cfg.NodeID, shard.DefaultNodeBits, nil)
	if err != nil {
		return fmt.Errorf("node: %w", err)
	}
	s := &n.Services
	n.metrics = newMetrics(n)
	n.store = newTimedStore(n.store, n.metrics.store)
	n.searcher = newTimedSearch(n.index, n.metrics.search)
	s.DeadLetters = deadletter.New(n.store, deadletter.Options{Logger: n.log})
	s.Refreshes = asyncrefresh.New(n.store)
	mailOpts, err := n.buildMail()
	if err != nil {
		return err
	}
	s.Accounts = account.New(n.store, ids, account.Options{Domain: cfg.Domain, BcryptCost: cfg.BcryptCost, Now: cfg.Clock,
		Indexer: indexer.NewHook(n.bus, n.log), DomainSilence: func(ctx context.Context, domain string) (time.Time, error) {
			return s.Domains.SilencedSince(ctx, domain) // built below, before any account is fetched
		}, Mail: mailOpts, Pictures: pictureFiles{s}})
	s.Auth = auth.New(n.store, ids, nil)
	s.Streams = stream.NewHub()
	n.streams = s.Streams
	if cfg.Clustered() {
		n.router = newRouter(s.Streams, n.log)
		n.streams = n.router
	}
	s.Timelines = timeline.New(n.store, timeline.Options{})
	s.Lists = list.New(n.store, ids, s.Accounts)
	s.Collections = collection.New(n.store, ids, s.Accounts, collection.Options{Now: cfg.Clock})
	s.Emoji = emoji.New(n.store) // the resolver records the emoji of remote actors
	s.Conversations = conversation.New(n.store, ids)
	s.Hashtags = hashtag.New(n.store, ids)
	s.Filters = filter.New(n.store, ids, filter.Options{Now: cfg.Clock, Streams: n.streams})
	s.Announcements = announcement.New(n.store, ids, announcement.Options{Now: cfg.Clock, Streams: n.streams,
		Emoji: localEmoji{s.Emoji}})
	s.Domains = moderation.NewDomains(n.store, cfg.LimitedFederation)
	s.Relays = relay.New(n.store, ids, clock(cfg.Clock))
	fed, err := n.federationBase()
	if err != nil {
		return err
	}
	if err := n.buildPush(fed, ids); err != nil {
		return err
	}
	s.Notifications = notification.New(n.store, ids, s.Accounts, notification.Options{Streams: n.streams,
		Senders: senders{s: s, now: clock(cfg.Clock)}, Pushes: s.Push})
	format := status.NewTextFormatter(s.Accounts, fed.resolver, cfg.Domain, cfg.Scheme+"://"+cfg.Domain,
		status.RemoteOptions{Budget: cfg.ResolveBudget})
	s.Visibility = visibility.New(s.Accounts)
	if s.Media, err = n.buildMedia(fed, ids); err != nil {
		return err
	}
	s.Statuses = status.New(n.store, n.bus, ids, s.Accounts, s.Visibility, s.Notifications, format,
		status.Options{MaxCharacters: cfg.MaxCharacters, Media: s.Media, Polls: cfg.pollLimits()})
	s.AnnualReports = annualreport.New(n.store, n.bus, annualSources{st: s.Statuses, accs: s.Accounts},
		annualreport.Options{Now: cfg.Clock, Disabled: cfg.NoAnnualReports, Refreshes: s.Refreshes, DeadLetters: s.DeadLetters, Logger: n.log})
	s.Scheduled = schedule.New(n.store, ids, s.Statuses, s.Media, schedule.Options{MinLead: cfg.ScheduleMinLead,
		Logger: n.log})
	s.Rules = rules.New(n.store, ids, rules.Options{Now: cfg.Clock})
	s.Settings = settings.New(n.store, settings.Registrations(cfg.Registrations))
	roles := role.New(n.store, ids, role.Options{Now: cfg.Clock})
	s.Reports = moderation.New(n.store, ids, s.Accounts, s.Statuses, moderation.Options{Rules: s.Rules, Events: n.bus, Logger: n.log,
		Now: cfg.Clock, Roles: roles, Federation: suspensions{s}, Severed: s.Notifications, Notices: s.Notifications,
		Warnings: s.Notifications, Mail: warningMail(mailOpts), MX: emailMX(cfg.EmailDNS)})
	s.Roles = roles.WithAudit(s.Reports) // changes of roles go to the moderators' audit log
	s.Fanout = fanout.New(n.store, n.bus, s.Statuses, s.Accounts, countedTimelines{s.Timelines, n.metrics.fanoutRows}, s.Notifications,
		fanout.Options{HotFollowers: cfg.HotFollowers, Logger: n.log, Streams: n.streams, DeadLetters: s.DeadLetters, Lists: s.Lists,
			Conversations: s.Conversations, Participants: s.Accounts, Hashtags: s.Hashtags, Hidden: s.Accounts,
			Limited: func(ctx context.Context, author shard.ID) (bool, error) {
				a, err := s.Accounts.Get(ctx, author)
				if errors.Is(err, account.ErrNotFound) {
					return false, nil // purged (admin domain purge): its deletes still reach the public streams
				}
				if err != nil {
					return false, err
				}
				return s.Domains.Limited(ctx, a)
			}})
	s.Cards = card.New(n.store, n.bus, s.Statuses, card.Options{Domain: cfg.Domain, HTTP: fed.opts.HTTP,
		UserAgent: "Herd/" + SoftwareVersion + " (+" + cfg.Scheme + "://" + cfg.Domain + "/)", DeadLetters: s.DeadLetters,
		Logger: n.log})
	s.Trends = trends.New(n.store, n.bus, ids, s.Statuses, s.Accounts, s.Hashtags, trends.Options{Domain: cfg.Domain,
		TrendableByDefault: cfg.TrendableByDefault, Limited: s.Domains.Limited, DeadLetters: s.DeadLetters, Logger: n.log,
		Now: cfg.Clock})
	s.Indexer = indexer.New(n.searcher, n.bus, s.Statuses, s.Accounts, s.Hashtags, s.Media,
		indexer.Options{Group: cfg.SearchGroup(), DeadLetters: s.DeadLetters, Logger: n.log, Domain: cfg.Domain, Cards: s.Cards})
	if err := n.buildFederation(fed); err != nil {
		return err
	}
	n.buildWebhooks(ids, fed.opts.HTTP)
	docs, err := documents(cfg)
	if err != nil {
		return fmt.Errorf("node: %w", err)
	}
	n.buildAPI(format, docs)
	return nil
}

// fedBase is the part of federation that the domain services need before federation
// itself can be built: the actors' keys, and the resolver of remote actors that the
// status formatter looks unknown mentioned handles up with. Both need only the
// outbound HTTP client, the store and the accounts.
type fedBase struct {
	opts     activitypub.Options
	keys     *activitypub.Keys
	resolver *activitypub.Resolver
}

// federationBase makes the outbound HTTP client, the actors' keys and the resolver.
func (n *Node) federationBase() (fedBase, error) {
	cfg := n.cfg
	clientOpts := activitypub.ClientOptions{AllowHTTP: cfg.FederationHTTP, AllowPrivate: cfg.AllowPrivateAddresses,
		ExtraCA: cfg.ExtraCA, Refuse: n.Services.Domains.Refused}
	httpClient, err := activitypub.NewHTTPClient(clientOpts)
	if err != nil {
		return fedBase{}, fmt.Errorf("node: %w", err)
	}
	opts := activitypub.Options{Domain: cfg.Domain, Scheme: cfg.Scheme, Software: "herd", Version: SoftwareVersion,
		OpenRegistrations: n.openRegistrations, Title: cfg.Title, Description: cfg.Description,
		Client: clientOpts, HTTP: httpClient, KeyFetchBudget: cfg.ResolveBudget, AuthorizedFetch: cfg.AuthorizedFetch || cfg.LimitedFederation,
		RejectMedia: n.Services.Domains.RejectsMedia, Relay: activitypub.RelayMode{Enabled: cfg.Relay.Enabled, ManualApproval: cfg.Relay.ManualApproval,
			AllowList: cfg.Relay.AllowList}}
	keys := activitypub.NewKeys(n.store, n.Accounts, opts)
	return fedBase{opts: opts, keys: keys, resolver: activitypub.NewResolver(n.Accounts, keys, n.Emoji, opts)}, nil
}

// openRegistrations tells NodeInfo whether anyone may sign up now.
func (n *Node) openRegistrations(ctx context.Context) (bool, error) {
	r, err := n.Settings.Registrations(ctx)
	return r.Open(), err
}

// buildFederation makes delivery, the actions and federation, each complete when
// built: delivery first (it signs with the keys of fed), then federation's sender,
// which the actions send through, then the actions, which the inbox applies
// activities through, then the rest of federation, with the keys and the resolver
// that the domain services were built with.
func (n *Node) buildFederation(fed fedBase) error {
	cfg, s := n.cfg, &n.Services
	apOpts, keys := fed.opts, fed.keys
	s.Delivery = delivery.New(n.bus, n.store, keys, delivery.Options{Client: apOpts.HTTP, Logger: n.log,
		UserAgent: "Herd/" + SoftwareVersion + " (+" + cfg.Scheme + "://" + cfg.Domain + "/)", DeadLetters: s.DeadLetters,
		Observe: n.observeDelivery, Refused: s.Domains.Refused})
	sender := activitypub.NewSender(activitypub.SenderDeps{Store: n.store, Accounts: s.Accounts, Statuses: s.Statuses,
		Deliverer: s.Delivery, Keys: keys, Emojis: s.Emoji, Media: s.Media}, apOpts)
	var err error
	if s.Actions, err = action.New(action.Deps{Accounts: s.Accounts, Statuses: s.Statuses, Notifier: s.Notifications, Homes: s.Fanout,
		Lists: s.Lists, ListFeeds: s.Fanout, Reports: s.Reports, Tags: s.Hashtags, Federation: sender, Logger: n.log,
		Content: action.Content{Statuses: s.Statuses, Users: s.Accounts, Media: s.Media, Rules: s.Rules, Tags: s.Hashtags}}); err != nil {
		return fmt.Errorf("node: %w", err)
	}
	var pictures activitypub.Pictures
	if !cfg.Media.NoCache {
		pictures = s.Media
	}
	s.Federation, err = activitypub.New(activitypub.Deps{Store: n.store, Bus: n.bus, Accounts: s.Accounts,
		Statuses: s.Statuses, Deliverer: s.Delivery, Logger: n.log, Actions: s.Actions,
		Keys: keys, Sender: sender, Resolver: fed.resolver, DeadLetters: s.DeadLetters, Media: s.Media,
		Emojis: s.Emoji, Visibility: s.Visibility, Domains: s.Domains, Relays: s.Relays, Subscribers: s.Relays, Refreshes: s.Refreshes, Tags: s.Hashtags, Pictures: pictures,
		OnSignedRequest: func(ctx context.Context, domain string) {
			if err := s.Delivery.MarkAvailable(ctx, domain); err != nil {
				n.log.Error("node: mark domain available", "domain", domain, "err", err)
			}
		}}, apOpts)
	if err != nil {
		return fmt.Errorf("node: %w", err)
	}
	return nil
}

// buildAPI makes the client API and mounts the federation routes on its router.
func (n *Node) buildAPI(format *status.TextFormatter, docs api.Documents) {
	cfg, s := n.cfg, &n.Services
	proxies, _ := trustedProxies(cfg.TrustedProxies) // Validate has parsed them
	n.api = api.New(api.Deps{Accounts: s.Accounts, Auth: s.Auth, Statuses: s.Statuses, Visibility: s.Visibility,
		Timelines: s.Timelines, Lists: s.Lists, Collections: s.Collections, Conversations: s.Conversations, Hashtags: s.Hashtags,
		Filters: s.Filters, Notifications: s.Notifications, Actions: s.Actions, Reports: s.Reports, Rules: s.Rules, Settings: s.Settings, Roles: s.Roles, Webhooks: s.Webhooks, Announcements: s.Announcements, AnnualReports: s.AnnualReports,
		Federation: s.Federation, Refreshes: s.Refreshes, Relays: s.Federation, RelaySubscribers: s.Federation, RelayAllowList: s.Federation, Migration: s.Federation, Media: s.Media, Emoji: s.Emoji, Cards: s.Cards, Trends: s.Trends, Scheduled: s.Scheduled, Push: s.Push,
		Search: n.searcher, Translator: cfg.Translation.service(), Render: format.Note, Logger: n.log, RateLimit: cfg.RateLimit, Streams: n.streams, Now: cfg.Clock,
		ResolveBudget: cfg.ResolveBudget, TrustedProxies: proxies, WebApp: webApp(cfg), Ready: n.Ready,
		Instance: api.Instance{Domain: cfg.Domain, Scheme: cfg.Scheme, Title: cfg.Title, Description: cfg.Description,
			ContactEmail: cfg.ContactEmail, Version: Version, MaxCharacters: cfg.MaxCharacters, MaxPinned: 5, Polls: cfg.pollLimits(),
			MinAge:            cfg.RegistrationsMinAge,
			LimitedFederation: cfg.LimitedFederation,
			NoTrends:          cfg.NoTrends,
			Documents:         docs}})
	activitypub.NewServer(s.Federation, n.log).Register(n.api.Router())
}

// Start listens and serves HTTP (role api), runs the event consumers (role worker)
// and, in the cluster shape, joins the other nodes and serves the ops endpoint, until
// Close. After an error, Close releases what was started.
func (n *Node) Start(ctx context.Context) error {
	if err := n.listen(); err != nil {
		return err
	}
	ctx, n.cancel = context.WithCancel(ctx)
	if k, err := n.Statuses.Republish(ctx, 0); err != nil { // at start, whatever a crash left
		n.log.Error("node: republish status outbox", "err", err)
	} else if k > 0 {
		n.log.Info("node: republished statuses left unannounced", "count", k)
	}
	if n.ln != nil {
		n.serveHTTP(n.ln)
		n.serveRedirect()
	}
	n.runForgetting(ctx)
	// Each node streams scheduled announcements to its own subscribers.
	n.wg.Go(func() {
		n.consume(ctx, "announcements", func(ctx context.Context) error { return n.Announcements.RunScheduled(ctx, n.Streams) })
	})
	if n.cfg.HasRole(RoleWorker) {
		n.runConsumers(ctx)
		n.wg.Go(func() { n.sweepPolls(ctx) })
		n.wg.Go(func() { n.sweepScheduled(ctx) })
		n.wg.Go(func() { n.sweepMedia(ctx) })
		n.wg.Go(func() { n.backfillListings(ctx) })
	}
	if n.cfg.Clustered() {
		n.wg.Go(func() { n.sweepOutbox(ctx) })
		if err := n.startCluster(); err != nil {
			return err
		}
	}
	if n.opsLn != nil { // once joined: /ops/cluster answers for a member
		n.serveOps(n.opsLn)
	}
	n.life.state.CompareAndSwap(int32(lifeStarting), int32(lifeReady))
	n.log.Info("node: serving", "listen", n.Addr(), "domain", n.cfg.Domain, "store", n.cfg.Store, "bus", n.cfg.Bus,
		"roles", n.cfg.Roles)
	return nil
}

// listen binds the HTTP and ops addresses before anything starts, so that a node that
// cannot serve fails before it joins the cluster.
func (n *Node) listen() error {
	if n.cfg.HasRole(RoleAPI) {
		ln, err := net.Listen("tcp", n.cfg.Listen)
		if err != nil {
			return fmt.Errorf("node: listen: %w", err)
		}
		n.ln = ln
	}
	if ops := n.cfg.Ops; ops != "" && ops != "off" {
		ln, err := net.Listen("tcp", ops)
		if err != nil {
			if n.ln != nil {
				n.ln.Close()
				n.ln = nil
			}
			return fmt.Errorf("node: ops listen: %w", err)
		}
		n.opsLn = ln
	}
	if err := n.prepareTLS(); err != nil {
		for _, ln := range []net.Listener{n.ln, n.opsLn} {
			if ln != nil {
				ln.Close()
			}
		}
		n.ln, n.opsLn = nil, nil
		return err
	}
	return nil
}

// serveHTTP serves the API on ln until Close.
func (n *Node) serveHTTP(ln net.Listener) {
	n.srv = &fasthttp.Server{Handler: n.tracing.serve(n.metrics.instrument(n.api.Handler())), Name: "Herd", MaxRequestBodySize: n.api.MaxBody(),
		ReadTimeout: 30 * time.Second, WriteTimeout: 60 * time.Second, IdleTimeout: 2 * time.Minute,
		ErrorHandler: api.TransportError, Logger: fasthttpLogger{n.log},
		HeaderReceived: func(h *fasthttp.RequestHeader) fasthttp.RequestConfig {
			return fasthttp.RequestConfig{MaxRequestBodySize: n.api.BodyLimit(h)}
		}}
	serve := n.srv.Serve
	if n.tls != nil {
		n.srv.TLSConfig = n.tls.config
		serve = func(ln net.Listener) error { return n.srv.ServeTLS(ln, "", "") }
	}
	n.wg.Go(func() {
		if err := serve(ln); err != nil {
			n.log.Error("node: http server stopped", "err", err)
		}
	})
}

// startCluster joins the other nodes.
func (n *Node) startCluster() error {
	c, err := joinCluster(n.cfg, n.Addr(), n.router, n.log)
	if err != nil {
		return err
	}
	n.cluster = c
	return nil
}

type fasthttpLogger struct{ log *slog.Logger }

func (l fasthttpLogger) Printf(format string, args ...any) {
	l.log.Debug(fmt.Sprintf(format, args...))
}
