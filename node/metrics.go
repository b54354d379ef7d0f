package node

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	fasthttprouter "github.com/fasthttp/router"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/valyala/fasthttp"

	"github.com/herd-social/herd/activitypub"
	"github.com/herd-social/herd/delivery"
	"github.com/herd-social/herd/recordcache"
)

// metrics are a node's Prometheus collectors, on a registry of the node's own (no
// global registry: tests run several nodes in one process), served as /metrics on
// the ops endpoint. Labels take only bounded values: route templates, known methods,
// status codes, consumer groups and delivery results, never a path or an id, and a
// domain only in herd_deliveries_by_domain_total, for at most 200 domains.
type metrics struct {
	reg        *prometheus.Registry
	requests   *prometheus.CounterVec
	latency    *prometheus.HistogramVec
	deliveries *prometheus.CounterVec
	byDomain   domainDeliveries
	store      *prometheus.HistogramVec
	search     *prometheus.HistogramVec
	fanoutRows *prometheus.CounterVec
}

func newMetrics(n *Node) *metrics {
	m := &metrics{reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "herd_http_requests_total",
			Help: "HTTP requests answered, by route template, method and status code."}, []string{"route", "method", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "herd_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request, by route template and method (a stream: until it is hijacked).",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 10}}, []string{"route", "method"}),
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "herd_deliveries_total",
			Help: "Attempts to deliver an activity to a remote inbox, by result."}, []string{"result"}),
		byDomain: domainDeliveries{counts: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "herd_deliveries_by_domain_total",
			Help: "Delivery attempts by the inbox's domain (the first 200 domains this node delivered to; the rest as \"other\") and outcome (success, failure)."},
			[]string{"domain", "outcome"}), seen: map[string]bool{}},
		store: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "herd_store_request_duration_seconds",
			Help:    "Time of a store call made by the domain services, by operation.",
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, 1}}, []string{"op"}),
		search: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "herd_search_request_duration_seconds",
			Help:    "Time of a search engine call (indexing, deleting, querying), by operation.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 10}}, []string{"op"}),
		fanoutRows: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "herd_fanout_rows_total",
			Help: "Timeline rows fan-out wrote, by timeline kind (home, list)."}, []string{"timeline"}),
	}
	streaming := prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "herd_streaming_connections",
		Help: "Streaming connections open on this node (WebSocket and SSE)."}, func() float64 {
		if n.api == nil {
			return 0
		}
		return float64(n.api.StreamConnections())
	})
	// Every known label value from the start, so that rates and alerts have series.
	for r := delivery.Delivered; r <= delivery.Skipped; r++ {
		m.deliveries.WithLabelValues(r.String())
	}
	m.byDomain.counts.WithLabelValues(otherDomains, "success")
	m.byDomain.counts.WithLabelValues(otherDomains, "failure")
	m.fanoutRows.WithLabelValues("home")
	m.fanoutRows.WithLabelValues("list")
	m.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.requests, m.latency, m.deliveries, m.byDomain.counts, m.store, m.search, m.fanoutRows, streaming, deadLetterCollector{n}, lagCollector{n},
		cacheCollector{n})
	return m
}

// knownMethods are the methods that get a label of their own; others count as OTHER,
// so that a client inventing methods cannot grow the series without bound.
var knownMethods = map[string]bool{"GET": true, "HEAD": true, "POST": true, "PUT": true, "PATCH": true,
	"DELETE": true, "OPTIONS": true}

// instrument counts and times every request next answers, by the route that matched
// (the API's router saves it).
func (m *metrics) instrument(next fasthttp.RequestHandler) fasthttp.RequestHandler {
	return func(ctx *fasthttp.RequestCtx) {
		start := time.Now()
		next(ctx)
		route, _ := ctx.UserValue(fasthttprouter.MatchedRoutePathParam).(string)
		if route == "" {
			route = "unmatched"
		}
		method := string(ctx.Method())
		if !knownMethods[method] {
			method = "OTHER"
		}
		m.requests.WithLabelValues(route, method, strconv.Itoa(ctx.Response.StatusCode())).Inc()
		m.latency.WithLabelValues(route, method).Observe(time.Since(start).Seconds())
	}
}

// observeDelivery counts a delivery attempt (delivery.Options.Observe).
func (m *metrics) observeDelivery(o delivery.Outcome) {
	m.deliveries.WithLabelValues(o.Result.String()).Inc()
	m.byDomain.observe(o)
}

// observeDelivery is told every delivery attempt: the metrics count it, and the
// relay's per-subscriber figures take the relay actor's (relay mode).
func (n *Node) observeDelivery(o delivery.Outcome) {
	n.metrics.observeDelivery(o)
	if o.Job.Signer != activitypub.RelayActorID || n.Services.Relays == nil {
		return
	}
	cause := ""
	switch {
	case o.Result == delivery.Delivered:
	case o.Err != nil:
		cause = o.Err.Error()
	case o.Status != 0:
		cause = "HTTP " + strconv.Itoa(o.Status)
	default:
		cause = o.Result.String()
	}
	n.Services.Relays.ObserveDelivery(o.Job.Inbox, o.Result == delivery.Delivered, cause)
}

// maxDomainSeries bounds the domains that get series of their own in
// herd_deliveries_by_domain_total; the domains seen after them count as otherDomains.
const maxDomainSeries = 200

const otherDomains = "other"

// domainDeliveries counts delivery attempts by the inbox's domain: the first
// maxDomainSeries domains the node delivers to since it started, the others together,
// so that a federation of any size keeps the series bounded.
type domainDeliveries struct {
	counts *prometheus.CounterVec
	mu     sync.Mutex
	seen   map[string]bool
}

func (d *domainDeliveries) observe(o delivery.Outcome) {
	outcome := "failure"
	switch o.Result {
	case delivery.Delivered:
		outcome = "success"
	case delivery.Skipped: // not attempted: the domain is known to be down
		return
	}
	domain := otherDomains
	if u, err := url.Parse(o.Job.Inbox); err == nil && u.Hostname() != "" {
		domain = strings.ToLower(u.Hostname())
	}
	d.mu.Lock()
	if !d.seen[domain] {
		if len(d.seen) < maxDomainSeries {
			d.seen[domain] = true
		} else {
			domain = otherDomains
		}
	}
	d.mu.Unlock()
	d.counts.WithLabelValues(domain, outcome).Inc()
}

// deadLetterCollector reads the dead-letter counts from the store at each scrape.
type deadLetterCollector struct{ n *Node }

var deadLetterDesc = prometheus.NewDesc("herd_dead_letters_total",
	"Messages a consumer group set aside because it could never process them.", []string{"group"}, nil)

func (c deadLetterCollector) Describe(ch chan<- *prometheus.Desc) { ch <- deadLetterDesc }

func (c deadLetterCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	counts, err := c.n.DeadLetters.Counts(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(deadLetterDesc, err)
		return
	}
	for _, ct := range c.n.cfg.nodeConsumerTopics() { // a zero for the groups that have none
		if _, ok := counts[ct.group]; !ok {
			counts[ct.group] = 0
		}
	}
	for group, v := range counts {
		ch <- prometheus.MustNewConstMetric(deadLetterDesc, prometheus.CounterValue, float64(v), group)
	}
}

// cacheCollector reads the record caches' lookups at each scrape.
type cacheCollector struct{ n *Node }

var cacheDesc = prometheus.NewDesc("herd_record_cache_lookups_total",
	"Records looked up in this node's record cache, by cache (statuses, accounts) and result (hit, miss).",
	[]string{"cache", "result"}, nil)

func (c cacheCollector) Describe(ch chan<- *prometheus.Desc) { ch <- cacheDesc }

func (c cacheCollector) Collect(ch chan<- prometheus.Metric) {
	if c.n.Statuses == nil || c.n.Accounts == nil { // not built yet
		return
	}
	for name, st := range map[string]recordcache.Stats{"statuses": c.n.Statuses.CacheStats(), "accounts": c.n.Accounts.CacheStats()} {
		ch <- prometheus.MustNewConstMetric(cacheDesc, prometheus.CounterValue, float64(st.Hits), name, "hit")
		ch <- prometheus.MustNewConstMetric(cacheDesc, prometheus.CounterValue, float64(st.Misses), name, "miss")
	}
}
