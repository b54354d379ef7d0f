package node

import (
	"fmt"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/herd-social/herd/delivery"
)

// TestDeliveriesByDomain: attempts count by the inbox's domain (case folded) and
// outcome, a skipped job not at all; past maxDomainSeries domains, new ones count as
// "other" while the domains already seen keep their series.
func TestDeliveriesByDomain(t *testing.T) {
	d := domainDeliveries{counts: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "t"}, []string{"domain", "outcome"}),
		seen: map[string]bool{}}
	out := func(inbox string, r delivery.Result) delivery.Outcome {
		return delivery.Outcome{Job: delivery.Job{Inbox: inbox}, Result: r}
	}
	d.observe(out("https://Mastodon.Example/inbox", delivery.Delivered))
	d.observe(out("https://mastodon.example/users/a/inbox", delivery.Retried))
	d.observe(out("https://mastodon.example/inbox", delivery.DeadLettered))
	d.observe(out("https://mastodon.example/inbox", delivery.Skipped))
	for i := range maxDomainSeries {
		d.observe(out(fmt.Sprintf("https://d%d.example/inbox", i), delivery.Delivered))
	}
	d.observe(out("https://mastodon.example/inbox", delivery.Delivered)) // seen: its own series still
	for _, c := range []struct {
		domain, outcome string
		want            float64
	}{
		{"mastodon.example", "success", 2}, {"mastodon.example", "failure", 2},
		{"d0.example", "success", 1}, {"d198.example", "success", 1},
		{otherDomains, "success", 1}, // d199: the 201st domain
	} {
		var m dto.Metric
		if err := d.counts.WithLabelValues(c.domain, c.outcome).Write(&m); err != nil {
			t.Fatal(err)
		}
		if got := m.GetCounter().GetValue(); got != c.want {
			t.Errorf("%s %s = %v, want %v", c.domain, c.outcome, got, c.want)
		}
	}
	if len(d.seen) != maxDomainSeries {
		t.Errorf("%d domains with series, want %d", len(d.seen), maxDomainSeries)
	}
}
