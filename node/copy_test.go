package node

import (
	"context"
	"strings"
	"testing"

	"github.com/herd-social/herd/bus"
	"github.com/herd-social/herd/status"
)

// clusterConfig is a cluster configuration whose engines nothing listens on: the
// refusals below come before any is reached.
func clusterConfig(t *testing.T) Config {
	return Config{Data: t.TempDir(), Store: StoreScylla, Bus: BusKafka,
		Scylla: ScyllaConfig{Hosts: []string{"127.0.0.1:1"}, Keyspace: "herd_moved"},
		Kafka:  KafkaConfig{Brokers: []string{"127.0.0.1:1"}}}
}

func TestCopyRefusesOtherShapes(t *testing.T) {
	single := Config{Data: t.TempDir()}
	namespaced := clusterConfig(t)
	namespaced.Scylla.Namespace = "t1"
	otherDomain := clusterConfig(t)
	otherDomain.Domain = "social.example"
	for _, tc := range []struct {
		name     string
		from, to Config
		want     string
	}{
		{"from a cluster", clusterConfig(t), clusterConfig(t), "must be of the single shape"},
		{"to the single shape", single, Config{Data: t.TempDir()}, "must name a ScyllaDB or Cassandra store"},
		{"to a namespace", single, namespaced, "scylla.namespace"},
		{"to another domain", single, otherDomain, "keeps its domain"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := CopyToCluster(t.Context(), tc.from, tc.to, nil, CopyOptions{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("CopyToCluster = %v, want an error saying %q", err, tc.want)
			}
		})
	}
}

// TestCopyRefusesTrailingGroups: an event no consumer group has consumed keeps the
// copy from starting, and the report names the groups.
func TestCopyRefusesTrailingGroups(t *testing.T) {
	from := Config{Data: t.TempDir()}
	b, err := OpenBus(from, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = b.Publish(context.Background(), bus.Message{Topic: status.Topic, Key: []byte("k"), Value: []byte("v")})
	if cerr := b.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	rep, err := CopyToCluster(t.Context(), from, clusterConfig(t), nil, CopyOptions{})
	if err == nil || !strings.Contains(err.Error(), "--leave-events") {
		t.Fatalf("CopyToCluster = %v, want a refusal naming --leave-events", err)
	}
	if len(rep.Trailing) == 0 || !strings.Contains(strings.Join(rep.Trailing, "; "), "on statuses: 1 unconsumed") {
		t.Fatalf("trailing groups = %q, want those of the statuses topic", rep.Trailing)
	}
	if len(rep.Tables) != 0 {
		t.Fatalf("the refused copy verified %d tables", len(rep.Tables))
	}
}
