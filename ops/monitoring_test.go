package ops_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"go.yaml.in/yaml/v3"

	"github.com/herd-social/herd/node"
	"github.com/herd-social/herd/testrig"
)

// scrape reads the /metrics of a node's ops endpoint.
func scrape(t *testing.T, n *node.Node) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get("http://" + n.OpsAddr() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("/metrics: %s %.300s", resp.Status, b)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("/metrics does not parse: %v", err)
	}
	return fams
}

// value is the sample of family whose labels include want; ok false when none has.
func value(fams map[string]*dto.MetricFamily, family string, want map[string]string) (v float64, ok bool) {
	f := fams[family]
	if f == nil {
		return 0, false
	}
	for _, m := range f.GetMetric() {
		labels := map[string]string{}
		for _, l := range m.GetLabel() {
			labels[l.GetName()] = l.GetValue()
		}
		match := true
		for k, w := range want {
			match = match && labels[k] == w
		}
		if !match {
			continue
		}
		switch {
		case m.Counter != nil:
			v += m.Counter.GetValue()
		case m.Gauge != nil:
			v += m.Gauge.GetValue()
		case m.Histogram != nil:
			v += float64(m.Histogram.GetSampleCount())
		}
		ok = true
	}
	return v, ok
}

// busyNode starts a node with its ops endpoint, has bob follow alice, alice post,
// and bob hold a streaming connection open; it returns the node once alice's post is
// in bob's home.
func busyNode(t *testing.T) *node.Node {
	c := testrig.New(t, testrig.Config(func(cfg *node.Config) { cfg.Ops = "127.0.0.1:0" }))
	alice, bob := c.Register("alice"), c.Register("bob")
	bob.Follow(alice)
	id := alice.PostStatus("hello metrics").ID
	testrig.Eventually(t, "alice's post in bob's home", func() error {
		if got := testrig.StatusIDs(bob.Home(nil)); !slices.Contains(got, id) {
			return fmt.Errorf("home holds %v", got)
		}
		return nil
	})
	req, _ := http.NewRequest("GET", c.URL()+"/api/v1/streaming/user", nil)
	req.Header.Set("Authorization", "Bearer "+bob.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	if resp.StatusCode != 200 {
		t.Fatalf("streaming: %s", resp.Status)
	}
	return c.Nodes[0]
}

// TestMetricsAfterActivity: after a follow, a post fanned out and a streaming
// connection, /metrics has every family of Herd's with plausible values.
func TestMetricsAfterActivity(t *testing.T) {
	n := busyNode(t)
	records, search := n.Config().RecordGroup(), n.Config().SearchGroup() // named after the node and its engine
	last := 15                                                            // the last partition of a delivery topic
	if m := n.Config().Kafka.MaxPartitions; m > 0 {
		last = min(last, m-1)
	}
	testrig.Eventually(t, "the fan-out group caught up and the stream counted", func() error {
		fams := scrape(t, n)
		checks := []struct {
			family string
			labels map[string]string
			ok     func(float64) bool
			want   string
		}{
			{"herd_http_requests_total", map[string]string{"route": "/api/v1/statuses", "method": "POST", "code": "200"}, eq(1), "1"},
			{"herd_http_request_duration_seconds", map[string]string{"route": "/api/v1/timelines/home"}, atLeast(1), ">= 1 observation"},
			{"herd_store_request_duration_seconds", map[string]string{"op": "get"}, atLeast(1), ">= 1 observation"},
			{"herd_store_request_duration_seconds", map[string]string{"op": "apply_each"}, atLeast(1), ">= 1 observation"},
			{"herd_search_request_duration_seconds", map[string]string{"op": "index_accounts"}, atLeast(1), ">= 1 observation"},
			{"herd_record_cache_lookups_total", map[string]string{"cache": "statuses", "result": "miss"}, atLeast(1), ">= 1 (the home read)"},
			{"herd_record_cache_lookups_total", map[string]string{"cache": "accounts", "result": "hit"}, atLeast(0), "present"},
			{"herd_fanout_rows_total", map[string]string{"timeline": "home"}, atLeast(2), ">= 2 (alice's home and bob's)"},
			{"herd_fanout_rows_total", map[string]string{"timeline": "list"}, eq(0), "0"},
			{"herd_streaming_connections", nil, eq(1), "1"},
			{"herd_consumer_lag_messages", map[string]string{"group": "fanout", "topic": "statuses"}, eq(0), "0, caught up"},
			{"herd_consumer_lag_messages", map[string]string{"group": "fanout_stream", "topic": "statuses"}, eq(0), "0, caught up"},
			{"herd_consumer_lag_messages", map[string]string{"group": records, "topic": "statuses"}, eq(0), "0, caught up"},
			{"herd_consumer_lag_messages", map[string]string{"group": search, "topic": "search_accounts"}, eq(0), "0, caught up"},
			{"herd_consumer_lag_messages", map[string]string{"group": "delivery", "topic": "delivery.retry.15", "partition": strconv.Itoa(last)}, eq(0), "0"},
			{"herd_delivery_queue_messages", map[string]string{"topic": "delivery"}, eq(0), "0"},
			{"herd_dead_letters_total", map[string]string{"group": "fanout"}, eq(0), "0"},
			{"herd_deliveries_total", map[string]string{"result": "delivered"}, eq(0), "0 (no remote followers)"},
			{"herd_deliveries_by_domain_total", map[string]string{"domain": "other", "outcome": "failure"}, eq(0), "0 (no remote followers)"},
			{"go_goroutines", nil, atLeast(10), ">= 10"},
		}
		var errs []string
		for _, c := range checks {
			if v, ok := value(fams, c.family, c.labels); !ok || !c.ok(v) {
				errs = append(errs, fmt.Sprintf("%s%v = %v (present %v), want %s", c.family, c.labels, v, ok, c.want))
			}
		}
		if len(errs) > 0 {
			return fmt.Errorf("%s", strings.Join(errs, "; "))
		}
		return nil
	})
	fams := scrape(t, n)
	if parts, want := len(fams["herd_consumer_lag_messages"].GetMetric()), 16*(last+1); parts < want { // the delivery group's 16 topics
		t.Errorf("consumer lag has %d series; want one per partition of every consumer's topic (>= %d)", parts, want)
	}
}

func eq(want float64) func(float64) bool     { return func(v float64) bool { return v == want } }
func atLeast(min float64) func(float64) bool { return func(v float64) bool { return v >= min } }

// metricName finds the metric names an expression uses: Herd's, Go's and the
// process's families, and Prometheus's own "up".
var metricName = regexp.MustCompile(`\b(herd_[a-z_]+|go_[a-z_]+|process_[a-z_]+|up)\b`)

// exported reports whether name is a family of the scrape, or a series Prometheus
// derives from one (a histogram's _bucket, _sum, _count), or "up".
func exported(fams map[string]*dto.MetricFamily, name string) bool {
	if name == "up" || fams[name] != nil {
		return true
	}
	for _, suffix := range []string{"_bucket", "_sum", "_count"} {
		if base, ok := strings.CutSuffix(name, suffix); ok && fams[base].GetType() == dto.MetricType_HISTOGRAM {
			return true
		}
	}
	return false
}

// checkExpr checks that expr uses metrics and that the node exports each of them, and
// that its brackets balance.
func checkExpr(fams map[string]*dto.MetricFamily, expr string) error {
	names := metricName.FindAllString(expr, -1)
	if len(names) == 0 {
		return fmt.Errorf("no metric in %q", expr)
	}
	for _, name := range names {
		if !exported(fams, name) {
			return fmt.Errorf("%s is not a metric the node exports", name)
		}
	}
	var stack []rune
	pairs := map[rune]rune{')': '(', ']': '[', '}': '{'}
	inQuote := false
	for _, r := range expr {
		switch {
		case r == '"':
			inQuote = !inQuote
		case inQuote:
		case r == '(' || r == '[' || r == '{':
			stack = append(stack, r)
		case pairs[r] != 0:
			if len(stack) == 0 || stack[len(stack)-1] != pairs[r] {
				return fmt.Errorf("unbalanced %q in %q", r, expr)
			}
			stack = stack[:len(stack)-1]
		}
	}
	if len(stack) > 0 || inQuote {
		return fmt.Errorf("unclosed bracket or quote in %q", expr)
	}
	return nil
}

// TestAlertRulesAndDashboard: the alert rules parse as Prometheus rule groups (every
// rule named, with a valid `for`, a severity and a summary), the dashboard is JSON
// with its panels' queries, and every metric either uses is one the node exports.
func TestAlertRulesAndDashboard(t *testing.T) {
	fams := scrape(t, busyNode(t))

	b, err := os.ReadFile("prometheus/alerts.yml")
	if err != nil {
		t.Fatal(err)
	}
	var rules struct {
		Groups []struct {
			Name  string `yaml:"name"`
			Rules []struct {
				Alert       string            `yaml:"alert"`
				Expr        string            `yaml:"expr"`
				For         string            `yaml:"for"`
				Labels      map[string]string `yaml:"labels"`
				Annotations map[string]string `yaml:"annotations"`
			} `yaml:"rules"`
		} `yaml:"groups"`
	}
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(true) // a misspelt key is an error, as Prometheus makes it
	if err := dec.Decode(&rules); err != nil {
		t.Fatalf("alerts.yml: %v", err)
	}
	var alerts []string
	for _, g := range rules.Groups {
		for _, r := range g.Rules {
			alerts = append(alerts, r.Alert)
			if _, err := model.ParseDuration(r.For); r.Alert == "" || err != nil {
				t.Errorf("rule %q: for %q: %v", r.Alert, r.For, err)
			}
			if r.Labels["severity"] == "" || r.Annotations["summary"] == "" {
				t.Errorf("rule %q has no severity or summary", r.Alert)
			}
			if err := checkExpr(fams, r.Expr); err != nil {
				t.Errorf("rule %q: %v", r.Alert, err)
			}
		}
	}
	for _, want := range []string{"HerdNodeDown", "HerdConsumerLagGrowing", "HerdDeadLettersRising", "HerdDeliveryFailureRatio", "HerdHTTP5xxRatio"} {
		if !slices.Contains(alerts, want) {
			t.Errorf("alerts.yml lacks %s (has %v)", want, alerts)
		}
	}

	var dash struct {
		UID    string `json:"uid"`
		Panels []struct {
			Title   string `json:"title"`
			Type    string `json:"type"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	f, err := os.Open("grafana/herd.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := json.NewDecoder(bufio.NewReader(f)).Decode(&dash); err != nil || dash.UID == "" {
		t.Fatalf("herd.json: %v (uid %q)", err, dash.UID)
	}
	used := map[string]bool{}
	for _, p := range dash.Panels {
		if p.Type != "row" && len(p.Targets) == 0 {
			t.Errorf("panel %q has no query", p.Title)
		}
		for _, q := range p.Targets {
			if err := checkExpr(fams, q.Expr); err != nil {
				t.Errorf("panel %q: %v", p.Title, err)
			}
			for _, name := range metricName.FindAllString(q.Expr, -1) {
				used[strings.TrimSuffix(strings.TrimSuffix(name, "_bucket"), "_count")] = true
			}
		}
	}
	for name := range fams { // the dashboard shows every family of Herd's own
		if strings.HasPrefix(name, "herd_") && !used[name] {
			t.Errorf("the dashboard shows nothing of %s", name)
		}
	}
}
