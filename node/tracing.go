package node

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"time"

	fasthttprouter "github.com/fasthttp/router"
	"github.com/valyala/fasthttp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/herd-social/herd/api"
	"github.com/herd-social/herd/blob"
	"github.com/herd-social/herd/bus"
	"github.com/herd-social/herd/store"
)

// TracingConfig sends OpenTelemetry traces to an OTLP/HTTP endpoint; off (the default)
// without one. A trace follows a request into the events it publishes and on through
// the consumers those events reach (tracingBus).
type TracingConfig struct {
	// Endpoint is the OTLP/HTTP traces URL of a collector, path included
	// (http://collector:4318/v1/traces); empty turns tracing off.
	Endpoint string `toml:"endpoint" help:"OTLP/HTTP URL traces are sent to, path included (e.g. http://collector:4318/v1/traces; default none: tracing off)"`
	// Sample is the share of requests traced, 0 to 1; 0 means 1. A request that comes
	// with a sampled trace context (traceparent) is traced whatever the ratio.
	Sample float64 `toml:"sample" help:"share of requests traced, 0-1 (default 1)"`
	// ExportInterval is how long finished spans wait to be sent in a batch; default
	// 5s (tests shorten it).
	ExportInterval time.Duration `toml:"-"`
}

// On reports whether tracing is configured.
func (c TracingConfig) On() bool { return c.Endpoint != "" }

func (c TracingConfig) withDefaults() TracingConfig {
	if c.Sample == 0 {
		c.Sample = 1
	}
	if c.ExportInterval <= 0 {
		c.ExportInterval = 5 * time.Second
	}
	return c
}

func (c TracingConfig) validate() []error {
	var errs []error
	if c.Endpoint != "" {
		if u, err := url.Parse(c.Endpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("tracing.endpoint %q must be an http or https URL", c.Endpoint))
		}
	}
	if c.Sample < 0 || c.Sample > 1 {
		errs = append(errs, fmt.Errorf("tracing.sample %g must be 0-1", c.Sample))
	}
	return errs
}

// tracing is a node's tracer and the W3C trace-context propagator.
type tracing struct {
	provider *sdktrace.TracerProvider
	tracer   trace.Tracer
	prop     propagation.TextMapPropagator
}

// newTracing starts the exporter; it is nil when tracing is off.
func newTracing(cfg Config) (*tracing, error) {
	if !cfg.Tracing.On() {
		return nil, nil
	}
	tc := cfg.Tracing.withDefaults()
	exp, err := otlptracehttp.New(context.Background(), otlptracehttp.WithEndpointURL(tc.Endpoint))
	if err != nil {
		return nil, fmt.Errorf("node: tracing: %w", err)
	}
	res := resource.NewSchemaless(attribute.String("service.name", "herd"),
		attribute.String("service.instance.id", "herd-"+strconv.Itoa(cfg.NodeID)),
		attribute.String("service.namespace", cfg.Domain))
	p := sdktrace.NewTracerProvider(sdktrace.WithResource(res),
		sdktrace.WithBatcher(exp, sdktrace.WithBatchTimeout(tc.ExportInterval)),
		sdktrace.WithSampler(sdktrace.ParentBased(sdktrace.TraceIDRatioBased(tc.Sample))))
	return &tracing{provider: p, tracer: p.Tracer("github.com/herd-social/herd"),
		prop: propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})}, nil
}

// openTraced opens the engines (openEngines) and, when tracing is on, the tracer, with
// the event log wrapped in tracingBus.
func openTraced(cfg Config, log *slog.Logger) (*tracing, store.Store, bus.Bus, blob.Store, error) {
	tr, err := newTracing(cfg)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	st, b, media, err := openEngines(cfg, log, cfg.Store == StoreScylla && !cfg.Scylla.NoMigrate)
	if err != nil {
		return nil, nil, nil, nil, errors.Join(err, tr.shutdown())
	}
	if tr != nil {
		b = tracingBus{Bus: b, t: tr}
	}
	return tr, st, b, media, nil
}

// shutdown sends the spans still waiting, for 5 seconds at most.
func (t *tracing) shutdown() error {
	if t == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return t.provider.Shutdown(ctx)
}

// serve wraps the HTTP handler in a server span per request, named by its route
// template, continuing the trace context the request carries, if any. The request's
// work (api) runs in the span's context, so the events it publishes carry it.
func (t *tracing) serve(next fasthttp.RequestHandler) fasthttp.RequestHandler {
	if t == nil {
		return next
	}
	return func(ctx *fasthttp.RequestCtx) {
		method := string(ctx.Method())
		parent := t.prop.Extract(context.Background(), requestCarrier{&ctx.Request.Header})
		sctx, span := t.tracer.Start(parent, method, trace.WithSpanKind(trace.SpanKindServer),
			trace.WithAttributes(attribute.String("http.request.method", method), attribute.String("url.path", string(ctx.Path()))))
		api.SetParentContext(ctx, sctx)
		next(ctx)
		route, _ := ctx.UserValue(fasthttprouter.MatchedRoutePathParam).(string)
		if route != "" {
			span.SetName(method + " " + route)
			span.SetAttributes(attribute.String("http.route", route))
		}
		code := ctx.Response.StatusCode()
		span.SetAttributes(attribute.Int("http.response.status_code", code))
		if code >= 500 {
			span.SetStatus(codes.Error, strconv.Itoa(code))
		}
		span.End()
	}
}

// requestCarrier reads trace context from request headers.
type requestCarrier struct{ h *fasthttp.RequestHeader }

func (c requestCarrier) Get(key string) string { return string(c.h.Peek(key)) }
func (c requestCarrier) Set(key, value string) { c.h.Set(key, value) }
func (c requestCarrier) Keys() []string {
	var keys []string
	for k := range c.h.All() {
		keys = append(keys, string(k))
	}
	return keys
}

// headerCarrier reads and writes trace context in a message's headers.
type headerCarrier struct{ hs *[]bus.Header }

func (c headerCarrier) Get(key string) string {
	for _, h := range *c.hs {
		if h.Key == key {
			return string(h.Value)
		}
	}
	return ""
}

func (c headerCarrier) Set(key, value string) {
	for i, h := range *c.hs {
		if h.Key == key {
			(*c.hs)[i].Value = []byte(value)
			return
		}
	}
	*c.hs = append(*c.hs, bus.Header{Key: key, Value: []byte(value)})
}

func (c headerCarrier) Keys() []string {
	keys := make([]string, len(*c.hs))
	for i, h := range *c.hs {
		keys[i] = h.Key
	}
	return keys
}

// tracingBus carries traces through the event log: Publish puts the trace context of
// its ctx in each message's headers, and Consume runs each batch whose messages carry
// one in a consumer span, the child of the first message's context and linked to the
// others'. Batches of messages without a trace context run as they come. The node
// installs it only when tracing is on.
type tracingBus struct {
	bus.Bus
	t *tracing
}

func (b tracingBus) Publish(ctx context.Context, msgs ...bus.Message) error {
	if !trace.SpanContextFromContext(ctx).IsValid() {
		return b.Bus.Publish(ctx, msgs...)
	}
	out := make([]bus.Message, len(msgs))
	for i, m := range msgs {
		hs := make([]bus.Header, len(m.Headers), len(m.Headers)+2) // the caller's stay as they are
		copy(hs, m.Headers)
		b.t.prop.Inject(ctx, headerCarrier{&hs})
		m.Headers = hs
		out[i] = m
	}
	return b.Bus.Publish(ctx, out...)
}

func (b tracingBus) Consume(ctx context.Context, group, topic string, opts bus.ConsumeOptions, h bus.Handler) error {
	return b.Bus.Consume(ctx, group, topic, opts, func(hctx context.Context, msgs []bus.Message) error {
		var parent context.Context
		var links []trace.Link
		for i := range msgs {
			if len(msgs[i].Headers) == 0 {
				continue
			}
			mctx := b.t.prop.Extract(context.Background(), headerCarrier{&msgs[i].Headers})
			sc := trace.SpanContextFromContext(mctx)
			switch {
			case !sc.IsValid():
			case parent == nil:
				parent = mctx
			default:
				links = append(links, trace.Link{SpanContext: sc})
			}
		}
		if parent == nil {
			return h(hctx, msgs)
		}
		sctx, span := b.t.tracer.Start(trace.ContextWithRemoteSpanContext(hctx, trace.SpanContextFromContext(parent)),
			"process "+topic, trace.WithSpanKind(trace.SpanKindConsumer), trace.WithLinks(links...),
			trace.WithAttributes(attribute.String("messaging.system", "herd"), attribute.String("messaging.destination.name", topic),
				attribute.String("messaging.consumer.group.name", group), attribute.Int("messaging.batch.message_count", len(msgs))))
		defer span.End()
		err := h(sctx, msgs)
		if err != nil {
			span.RecordError(err)
			span.SetStatus(codes.Error, "batch failed")
		}
		return err
	})
}
