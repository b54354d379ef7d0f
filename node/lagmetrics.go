package node

import (
	"context"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/herd-social/herd/activitypub"
	"github.com/herd-social/herd/annualreport"
	"github.com/herd-social/herd/card"
	"github.com/herd-social/herd/delivery"
	"github.com/herd-social/herd/fanout"
	"github.com/herd-social/herd/mail"
	"github.com/herd-social/herd/media"
	"github.com/herd-social/herd/moderation"
	"github.com/herd-social/herd/push"
	"github.com/herd-social/herd/search/indexer"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/timeline"
	"github.com/herd-social/herd/trends"
	"github.com/herd-social/herd/webhook"
)

// consumerTopic is one consumer group on one topic, as runConsumers runs them.
type consumerTopic struct{ group, topic string }

// consumerTopics lists every consumer group of a node and the topics it reads.
func consumerTopics() []consumerTopic {
	cs := []consumerTopic{{fanout.Group, status.Topic}, {fanout.StreamGroup, status.Topic}, {card.Group, status.Topic}, {trends.Group, status.Topic}, {trends.Group, status.FavouriteTopic},
		{activitypub.OutboxGroup, status.Topic},
		{activitypub.InboxGroup, activitypub.InboxTopic}, {activitypub.FetchGroup, activitypub.FetchTopic}, {activitypub.RelayGroup, activitypub.RelayTopic},
		{media.Group, media.Topic}, {media.Group, media.RemoteTopic}, {push.Group, push.Topic}, {mail.Group, mail.Topic},
		{annualreport.Group, annualreport.Topic}, {moderation.EraseGroup, moderation.EraseTopic}}
	for _, t := range delivery.Topics() {
		cs = append(cs, consumerTopic{delivery.Group, t.Name})
	}
	for _, t := range webhook.SourceTopics {
		cs = append(cs, consumerTopic{webhook.Group, t})
	}
	for _, t := range webhook.Topics() {
		cs = append(cs, consumerTopic{webhook.Group, t.Name})
	}
	return cs
}

var (
	lagDesc = prometheus.NewDesc("herd_consumer_lag_messages",
		"Messages of a topic partition that a consumer group has not yet committed.", []string{"group", "topic", "partition"}, nil)
	deliveryQueueDesc = prometheus.NewDesc("herd_delivery_queue_messages",
		"Delivery jobs waiting, by delivery topic (first attempts, then the retry tiers).", []string{"topic"}, nil)
)

// nodeConsumerTopics adds to consumerTopics the groups named after the node's
// configuration: the search indexer's (one per node with an embedded engine) and the
// record caches' (one per node), each on the statuses and the accounts topics.
func (c Config) nodeConsumerTopics() []consumerTopic {
	cs := consumerTopics()
	for _, g := range []string{c.SearchGroup(), c.RecordGroup()} {
		cs = append(cs, consumerTopic{g, status.Topic}, consumerTopic{g, indexer.Topic})
	}
	return cs
}

// lagCollector asks the event log, at each scrape, how far each consumer group
// trails its topics. The log is shared: every node reports the same numbers, so
// dashboards take the max over instances.
type lagCollector struct{ n *Node }

func (c lagCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- lagDesc
	ch <- deliveryQueueDesc
}

func (c lagCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, ct := range c.n.cfg.nodeConsumerTopics() {
		lag, err := c.n.bus.Lag(ctx, ct.group, ct.topic)
		if err != nil { // skipped, not failed: the other families still answer
			c.n.log.Warn("node: consumer lag", "group", ct.group, "topic", ct.topic, "err", err)
			continue
		}
		var sum int64
		for p, l := range lag {
			sum += l
			ch <- prometheus.MustNewConstMetric(lagDesc, prometheus.GaugeValue, float64(l), ct.group, ct.topic, strconv.Itoa(p))
		}
		if ct.group == delivery.Group {
			ch <- prometheus.MustNewConstMetric(deliveryQueueDesc, prometheus.GaugeValue, float64(sum), ct.topic)
		}
	}
}

// countedTimelines are the timelines fan-out writes, counting the rows it appends.
type countedTimelines struct {
	*timeline.Service
	rows *prometheus.CounterVec
}

func (t countedTimelines) AppendHome(ctx context.Context, entries []timeline.Entry) error {
	if err := t.Service.AppendHome(ctx, entries); err != nil {
		return err
	}
	t.rows.WithLabelValues("home").Add(float64(len(entries)))
	return nil
}

func (t countedTimelines) AppendList(ctx context.Context, entries []timeline.Entry) error {
	if err := t.Service.AppendList(ctx, entries); err != nil {
		return err
	}
	t.rows.WithLabelValues("list").Add(float64(len(entries)))
	return nil
}
