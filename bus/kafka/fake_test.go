package kafka_test

import (
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/herd-social/herd/bus/bustest"
)

// TestConformanceFake runs the suite on franz-go's in-process fake cluster: fast, and
// run by every `go test`, but no substitute for TestConformance on a real broker.
func TestConformanceFake(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(-1))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close) // after the parallel cases
	bustest.Run(t, engine{c.ListenAddrs()[0]})
}

func TestTopicsFake(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	testTopics(t, c.ListenAddrs()[0])
}
