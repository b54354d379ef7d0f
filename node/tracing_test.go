package node_test

import (
	"bytes"
	"compress/gzip"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	collectortrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"

	"github.com/herd-social/herd/delivery"
	"github.com/herd-social/herd/fanout"
	"github.com/herd-social/herd/node"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/testrig"
)

// traceReceiver is an OTLP/HTTP traces endpoint that keeps every span it is sent: a
// stand-in for a collector.
type traceReceiver struct {
	mu    sync.Mutex
	spans []*tracepb.Span
}

func (r *traceReceiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	var body io.Reader = req.Body
	if req.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(req.Body)
		if err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		body = zr
	}
	data, err := io.ReadAll(body)
	var export collectortrace.ExportTraceServiceRequest
	if err == nil {
		err = proto.Unmarshal(data, &export)
	}
	if err != nil || req.URL.Path != "/v1/traces" || req.Header.Get("Content-Type") != "application/x-protobuf" {
		http.Error(w, fmt.Sprintf("bad export to %s: %v", req.URL.Path, err), 400)
		return
	}
	r.mu.Lock()
	for _, rs := range export.ResourceSpans {
		for _, ss := range rs.ScopeSpans {
			r.spans = append(r.spans, ss.Spans...)
		}
	}
	r.mu.Unlock()
	out, _ := proto.Marshal(&collectortrace.ExportTraceServiceResponse{})
	w.Header().Set("Content-Type", "application/x-protobuf")
	w.Write(out)
}

// find returns the first span received that matches.
func (r *traceReceiver) find(match func(*tracepb.Span) bool) *tracepb.Span {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range r.spans {
		if match(s) {
			return s
		}
	}
	return nil
}

func attr(s *tracepb.Span, key string) string {
	for _, kv := range s.Attributes {
		if kv.Key == key {
			if v, ok := kv.Value.Value.(*commonpb.AnyValue_IntValue); ok {
				return fmt.Sprint(v.IntValue)
			}
			return kv.Value.GetStringValue()
		}
	}
	return ""
}

// TestTracingFollowsAPost: with tracing on, one trace follows a post from the request
// that makes it to the fan-out of the post and to its delivery to a follower on
// another instance (whose node traces nothing).
func TestTracingFollowsAPost(t *testing.T) {
	var rec traceReceiver
	collector := httptest.NewServer(&rec)
	defer collector.Close()
	a := testrig.New(t, testrig.Host(t, "alpha"))
	b := testrig.New(t, testrig.Host(t, "beta"), testrig.Config(func(c *node.Config) {
		c.Tracing = node.TracingConfig{Endpoint: collector.URL + "/v1/traces", ExportInterval: 50 * time.Millisecond}
	}))
	alice, bob := followsAcross(t, a, b)
	bob.PostStatus("a traced post")
	testrig.Eventually(t, "the post in Alice's home", func() error {
		for _, st := range alice.Home(nil) {
			if strings.Contains(st.Content, "a traced post") {
				return nil
			}
		}
		return fmt.Errorf("not delivered yet")
	})

	testrig.Eventually(t, "one trace from the request to fan-out and delivery", func() error {
		req := rec.find(func(s *tracepb.Span) bool {
			return s.Name == "POST /api/v1/statuses" && s.Kind == tracepb.Span_SPAN_KIND_SERVER && attr(s, "http.response.status_code") == "200"
		})
		if req == nil {
			return fmt.Errorf("no server span POST /api/v1/statuses")
		}
		inTrace := func(group, topic string) func(*tracepb.Span) bool {
			return func(s *tracepb.Span) bool {
				return bytes.Equal(s.TraceId, req.TraceId) && s.Kind == tracepb.Span_SPAN_KIND_CONSUMER &&
					attr(s, "messaging.consumer.group.name") == group && (topic == "" || attr(s, "messaging.destination.name") == topic)
			}
		}
		fan := rec.find(inTrace(fanout.Group, status.Topic))
		if fan == nil {
			return fmt.Errorf("no fan-out span in trace %s", hex.EncodeToString(req.TraceId))
		}
		if !bytes.Equal(fan.ParentSpanId, req.SpanId) {
			return fmt.Errorf("the fan-out span's parent is %x, not the request's span %x", fan.ParentSpanId, req.SpanId)
		}
		del := rec.find(inTrace(delivery.Group, ""))
		if del == nil {
			return fmt.Errorf("no delivery span in trace %s", hex.EncodeToString(req.TraceId))
		}
		if parent := rec.find(func(s *tracepb.Span) bool { return bytes.Equal(s.SpanId, del.ParentSpanId) }); parent == nil ||
			!bytes.Equal(parent.TraceId, req.TraceId) {
			return fmt.Errorf("the delivery span's parent %x is not a span of the trace", del.ParentSpanId)
		}
		return nil
	})
}
