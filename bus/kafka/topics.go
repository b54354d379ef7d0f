package kafka

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/herd-social/herd/bus"
)

// topicsReadyTimeout bounds the wait for created topics to show in the brokers'
// metadata with a leader for every partition.
const topicsReadyTimeout = 30 * time.Second

// ensureTopics creates the declared topics that do not exist, sets the declared
// retention of those that do, checks their partition counts, and waits until every
// partition has a leader, so that the first Publish and Consume find them. Names on
// the brokers carry opts.Prefix.
func ensureTopics(ctx context.Context, cl *kgo.Client, opts Options) error {
	adm := kadm.NewClient(cl)
	topics := make([]bus.Topic, len(opts.Topics))
	for i, t := range opts.Topics {
		t.Name = opts.Prefix + t.Name
		topics[i] = t
	}
	// One request per partition count and retention, not one per topic.
	type shape struct {
		partitions int
		retention  time.Duration
	}
	var shapes []shape
	names := make(map[shape][]string)
	for _, t := range topics {
		k := shape{t.Partitions, t.Retention}
		if names[k] == nil {
			shapes = append(shapes, k)
		}
		names[k] = append(names[k], t.Name)
	}
	for _, k := range shapes {
		configs := map[string]*string{"message.timestamp.type": kadm.StringPtr("LogAppendTime")}
		var retention *string
		if k.retention > 0 {
			retention = kadm.StringPtr(strconv.FormatInt(k.retention.Milliseconds(), 10))
			configs["retention.ms"] = retention
		}
		created, err := adm.CreateTopics(ctx, int32(k.partitions), opts.ReplicationFactor, configs, names[k]...)
		if err != nil {
			return fmt.Errorf("kafka: create topics %v: %w", names[k], err)
		}
		for _, r := range created.Sorted() {
			err := r.Err
			if errors.Is(err, kerr.TopicAlreadyExists) && retention != nil {
				err = alterRetention(ctx, adm, r.Topic, retention)
			}
			if err != nil && !errors.Is(err, kerr.TopicAlreadyExists) {
				return fmt.Errorf("kafka: create topic %s: %w", r.Topic, err)
			}
		}
	}
	return waitTopics(ctx, adm, topics)
}

// alterRetention sets retention.ms of an existing topic.
func alterRetention(ctx context.Context, adm *kadm.Client, topic string, ms *string) error {
	set := []kadm.AlterConfig{{Op: kadm.SetConfig, Name: "retention.ms", Value: ms}}
	resps, err := adm.AlterTopicConfigs(ctx, set, topic)
	if err != nil {
		return err
	}
	r, err := resps.On(topic, nil)
	if err == nil {
		err = r.Err
	}
	return err
}

// waitTopics polls the metadata until every topic has its declared partitions, each
// with a leader. A topic with another partition count is an error: per-key order
// depends on the count.
func waitTopics(ctx context.Context, adm *kadm.Client, topics []bus.Topic) error {
	if len(topics) == 0 {
		return nil
	}
	names := make([]string, len(topics))
	for i, t := range topics {
		names[i] = t.Name
	}
	ctx, cancel := context.WithTimeout(ctx, topicsReadyTimeout)
	defer cancel()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		details, err := adm.ListTopics(ctx, names...)
		if err == nil {
			err = checkTopics(details, topics)
		}
		var wrong *partitionCountError
		if err == nil || errors.As(err, &wrong) {
			return err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("kafka: topics not ready: %w", err)
		case <-tick.C:
		}
	}
}

// partitionCountError is a topic that exists with another partition count.
type partitionCountError struct {
	topic      string
	have, want int
}

func (e *partitionCountError) Error() string {
	return fmt.Sprintf("kafka: topic %s has %d partitions, %d declared", e.topic, e.have, e.want)
}

// checkTopics returns nil when every topic is ready.
func checkTopics(details kadm.TopicDetails, topics []bus.Topic) error {
	for _, t := range topics {
		d, ok := details[t.Name]
		switch {
		case !ok:
			return fmt.Errorf("topic %s not in metadata", t.Name)
		case d.Err != nil:
			return fmt.Errorf("topic %s: %w", t.Name, d.Err)
		case len(d.Partitions) != t.Partitions && len(d.Partitions) > 0:
			return &partitionCountError{topic: t.Name, have: len(d.Partitions), want: t.Partitions}
		case len(d.Partitions) == 0:
			return fmt.Errorf("topic %s has no partitions yet", t.Name)
		}
		for _, p := range d.Partitions {
			if p.Err != nil || p.Leader < 0 {
				return fmt.Errorf("topic %s partition %d has no leader", t.Name, p.Partition)
			}
		}
	}
	return nil
}

// Lag reports, per partition, the messages group has not committed: from its committed
// offset, or the log start if that is later (or the group never committed), to the end.
func (b *Bus) Lag(ctx context.Context, group, topic string) ([]int64, error) {
	if err := b.gate.Enter(); err != nil {
		return nil, err
	}
	defer b.gate.Leave()
	t, err := b.topic(topic)
	if err != nil {
		return nil, err
	}
	name := b.opts.Prefix + t.Name
	adm := kadm.NewClient(b.producer)
	ends, err := adm.ListEndOffsets(ctx, name)
	if err == nil {
		err = ends.Error()
	}
	if err != nil {
		return nil, fmt.Errorf("kafka: end offsets of %s: %w", name, err)
	}
	starts, err := adm.ListStartOffsets(ctx, name)
	if err == nil {
		err = starts.Error()
	}
	if err != nil {
		return nil, fmt.Errorf("kafka: start offsets of %s: %w", name, err)
	}
	committed, err := adm.FetchOffsetsForTopics(ctx, GroupID(b.opts.Prefix, group, t.Name), name)
	if errors.Is(err, kerr.GroupIDNotFound) { // never joined: nothing committed
		committed, err = nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("kafka: offsets of group %s: %w", group, err)
	}
	lag := make([]int64, t.Partitions)
	for p := range lag {
		end, ok := ends.Lookup(name, int32(p))
		if !ok {
			return nil, fmt.Errorf("kafka: no end offset of %s/%d", name, p)
		}
		next := int64(0)
		if s, ok := starts.Lookup(name, int32(p)); ok {
			next = s.Offset
		}
		if c, ok := committed.Lookup(name, int32(p)); ok && c.Err == nil && c.At > next {
			next = c.At
		}
		lag[p] = max(end.Offset-next, 0)
	}
	return lag, nil
}
